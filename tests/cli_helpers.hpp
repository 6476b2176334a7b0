// End-to-end helpers: run the built `cowpin` binary (COWPIN_BINARY) from the source directory
// (COWPIN_SOURCE_DIR) with stdout and stderr captured in a temporary directory.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace cli_test {

namespace fs = std::filesystem;

inline const fs::path kSource = COWPIN_SOURCE_DIR;
inline const fs::path kBinary = COWPIN_BINARY;

// A fresh directory, removed at the end of the test.
struct TempDir {
    fs::path path;
    explicit TempDir(std::string_view tag) {
        static int counter = 0;
        path = fs::temp_directory_path() /
               fmt::format("cowpin-tools-{}-{}-{}", ::getpid(), tag, counter++);
        fs::remove_all(path);
        fs::create_directories(path / "io");
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string operator/(std::string_view name) const { return (path / name).string(); }
};

inline std::string quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

inline std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline void write_file(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    out << text;
}

struct Run {
    int code = -1;
    std::string out, err;
};

// Run a shell command in the source directory, capturing stdout and stderr in `tmp`/io.
inline Run sh(const std::string& command, const TempDir& tmp) {
    static int counter = 0;
    const int n = counter++;
    const fs::path out = tmp.path / "io" / fmt::format("{}.out", n);
    const fs::path err = tmp.path / "io" / fmt::format("{}.err", n);
    const std::string full = fmt::format("cd {} && {} >{} 2>{}", quote(kSource.string()), command,
                                         quote(out.string()), quote(err.string()));
    const int status = std::system(full.c_str());
    Run r;
    r.code = status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read_file(out);
    r.err = read_file(err);
    return r;
}

// Run cowpin with `args` (already quoted as needed).
inline Run cowpin(const std::string& args, const TempDir& tmp) {
    return sh(quote(kBinary.string()) + " " + args, tmp);
}

// name -> bytes of every regular file directly in `dir`.
inline std::map<std::string, std::string> snapshot(const fs::path& dir) {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file()) files[e.path().filename().string()] = read_file(e.path());
    return files;
}

inline std::size_t count_lines(const std::string& s) {
    std::size_t n = 0;
    for (char c : s) n += c == '\n';
    return n;
}

inline std::size_t count(const std::string& s, std::string_view what) {
    std::size_t n = 0;
    for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + what.size()))
        ++n;
    return n;
}

inline bool has(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }
inline bool ends_with(const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace cli_test
