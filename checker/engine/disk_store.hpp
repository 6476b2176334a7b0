// `--disk DIR`: the files of a run whose frontier and trace links live on disk, as TLC's disk
// queue and trace file (and Stern and Dill's disk Murphi) do, so that RAM holds only the
// fingerprint set (compact mode, checker/engine/fingerprint_table.hpp) and the blocks being
// worked on.
//
// A run makes its own directory in DIR (cowpin-XXXXXX, mkdtemp) and removes it, with every
// file in it, when it ends (the explorer is destroyed: traces are rebuilt from the links
// first). In it:
//   chunk-C  the packed states of arena chunk C (64 Ki states), written once the chunk is full
//            and lies past the block being expanded, read back (and removed) when the search
//            reaches it: the BFS queue, on disk;
//   links    per state id, 8 bytes: its parent's id | its action index << 48, the way back to
//            the initial state for a counterexample (the states on it are recomputed by
//            replaying the action indices through the model).
// Making the directory throws std::runtime_error (bad input: the command says so before any
// search). A write or read that fails mid-run (a full disk, a file size limit, an I/O error)
// throws DiskError naming the file: the explorer ends the run there as cut short by a limit.
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace cowpin::engine {

struct DiskError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class DiskDir {
public:
    // Makes a fresh directory in `parent`; throws std::runtime_error saying why it cannot.
    explicit DiskDir(const std::string& parent) {
        std::string templ = (std::filesystem::path(parent) / "cowpin-XXXXXX").string();
        if (!::mkdtemp(templ.data()))
            throw std::runtime_error(fmt_error("cannot make a directory in", parent));
        path_ = templ;
        links_ = std::fopen(file("links").c_str(), "w+b");
        if (!links_) {
            const std::string why = fmt_error("cannot create", file("links"));
            remove_all();
            throw std::runtime_error(why);
        }
    }
    DiskDir(const DiskDir&) = delete;
    DiskDir& operator=(const DiskDir&) = delete;
    ~DiskDir() {
        if (links_) std::fclose(links_);
        remove_all();
    }

    // Why `dir` cannot hold a run's files ("" if it can): a directory made and removed there.
    static std::string unusable(const std::string& dir) {
        try {
            DiskDir probe(dir);
        } catch (const std::runtime_error& e) {
            return e.what();
        }
        return {};
    }

    const std::string& path() const { return path_; }
    std::uint64_t bytes_written() const { return written_; }

    // Writes `bytes` of `data` as chunk `c`.
    void write_chunk(std::size_t c, const void* data, std::size_t bytes) {
        const std::string name = file("chunk-" + std::to_string(c));
        std::FILE* f = std::fopen(name.c_str(), "wb");
        if (!f) throw DiskError(fmt_error("cannot create", name));
        const bool ok = std::fwrite(data, 1, bytes, f) == bytes;
        const int err = errno;
        if (std::fclose(f) != 0 || !ok) {
            errno = ok ? errno : err;
            throw DiskError(fmt_error("cannot write", name));
        }
        written_ += bytes;
    }
    // Reads chunk `c` back into `data` and removes its file.
    void read_chunk(std::size_t c, void* data, std::size_t bytes) {
        const std::string name = file("chunk-" + std::to_string(c));
        std::FILE* f = std::fopen(name.c_str(), "rb");
        if (!f) throw DiskError(fmt_error("cannot open", name));
        const bool ok = std::fread(data, 1, bytes, f) == bytes;
        std::fclose(f);
        if (!ok) throw DiskError(fmt_error("cannot read", name));
        std::remove(name.c_str());
    }

    // Appends the links of the next `n` ids.
    void append_links(const std::uint64_t* links, std::size_t n) {
        if (std::fseek(links_, 0, SEEK_END) != 0 ||
            std::fwrite(links, 8, n, links_) != n || std::fflush(links_) != 0)
            throw DiskError(fmt_error("cannot write", file("links")));
        written_ += n * 8;
    }
    // The link of state `id`.
    std::uint64_t link(std::uint64_t id) const {
        std::uint64_t v = 0;
        if (::pread(::fileno(links_), &v, 8, static_cast<off_t>(id * 8)) != 8)
            throw DiskError(fmt_error("cannot read", file("links")));
        return v;
    }

private:
    std::string file(const std::string& name) const {
        return (std::filesystem::path(path_) / name).string();
    }
    static std::string fmt_error(const std::string& what, const std::string& name) {
        const int err = errno;
        return what + " '" + name + "': " + (err ? std::strerror(err) : "short read or write");
    }
    void remove_all() {
        std::error_code ec;
        if (!path_.empty()) std::filesystem::remove_all(path_, ec);
    }

    std::string path_;
    std::FILE* links_ = nullptr;
    std::uint64_t written_ = 0;
};

}  // namespace cowpin::engine
