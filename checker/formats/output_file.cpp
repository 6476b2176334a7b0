#include "checker/formats/output_file.hpp"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

namespace cowpin {

namespace fs = std::filesystem;

namespace {

// What the signal handler reads: fixed arrays of slots, each claimed by a compare-exchange on
// its state, so registering takes no lock and the handler never sees a slot half filled in.
static_assert(std::atomic<int>::is_always_lock_free);
enum SlotState : int { kFree = 0, kFilling = 1, kReady = 2 };

// Temporary files being written: at most one per write in progress (one thread writes), and a
// probe; a write past the last slot goes unregistered rather than failing.
constexpr int kPartialSlots = 16;
struct PartialSlot {
    std::atomic<int> state{kFree};
    pid_t owner = 0;
    char path[PATH_MAX] = {};
};
PartialSlot g_partial[kPartialSlots];

struct HookSlot {
    std::atomic<int> state{kFree};
    pid_t owner = 0;
    unsigned order = 0;  // registration order: the handler runs the newest first
    SignalCleanup::Fn fn = nullptr;
    void* arg = nullptr;
};
HookSlot g_hooks[kMaxSignalCleanups];
std::atomic<unsigned> g_hook_order{0};

// Does `path` end in ".tmp.<pid>"? The handler unlinks nothing else, so even a slot reused by
// another thread while the handler reads it cannot name a file cowpin did not create.
bool is_partial_name(const char* path, pid_t pid) {
    char digits[16];
    int n = 0;
    for (unsigned long v = static_cast<unsigned long>(pid); n == 0 || v; v /= 10) digits[n++] = char('0' + v % 10);
    std::size_t len = std::strlen(path);
    for (int i = 0; i < n; ++i)  // the pid, last digit first
        if (len == 0 || path[--len] != digits[i]) return false;
    static constexpr char kTmp[] = ".tmp.";
    constexpr std::size_t kTmpLen = sizeof(kTmp) - 1;
    return len >= kTmpLen && std::memcmp(path + len - kTmpLen, kTmp, kTmpLen) == 0;
}

extern "C" void on_fatal_signal(int sig) {
    const pid_t self = getpid();
    // Hooks newest first: a setting changed last is put back first.
    for (unsigned below = ~0u;;) {
        int pick = -1;
        for (int i = 0; i < kMaxSignalCleanups; ++i) {
            const HookSlot& h = g_hooks[i];
            if (h.state.load() == kReady && h.owner == self && h.order < below &&
                (pick < 0 || h.order > g_hooks[pick].order))
                pick = i;
        }
        if (pick < 0) break;
        below = g_hooks[pick].order;
        g_hooks[pick].fn(g_hooks[pick].arg);
    }
    for (PartialSlot& p : g_partial)
        if (p.state.load() == kReady && p.owner == self && is_partial_name(p.path, self))
            ::unlink(p.path);
    // End by the same signal (blocked until this handler returns), for the shell's 128 + sig.
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, nullptr);
    raise(sig);
}

// A temporary file while it is written: registered for the signal handler, unlinked if the
// write fails (an exception), left alone once done() (renamed into place, or removed).
class PartialFile {
public:
    explicit PartialFile(const std::string& path) : path_(path) {
        if (path.size() >= PATH_MAX) return;
        for (int i = 0; i < kPartialSlots; ++i) {
            int expected = kFree;
            if (!g_partial[i].state.compare_exchange_strong(expected, kFilling)) continue;
            std::memcpy(g_partial[i].path, path.c_str(), path.size() + 1);
            g_partial[i].owner = getpid();
            g_partial[i].state.store(kReady);
            slot_ = i;
            return;
        }
    }
    ~PartialFile() {
        if (!done_) ::unlink(path_.c_str());
        release();
    }
    PartialFile(const PartialFile&) = delete;
    PartialFile& operator=(const PartialFile&) = delete;
    void done() {
        done_ = true;
        release();
    }

private:
    void release() {
        if (slot_ >= 0) g_partial[slot_].state.store(kFree);
        slot_ = -1;
    }
    std::string path_;
    int slot_ = -1;
    bool done_ = false;
};

[[noreturn]] void fail(const std::string& path, int err) {
    throw OutputError(fmt::format("{}: cannot write: {}", path, std::strerror(err)));
}

// The file a write to `path` replaces: `path` itself, or the target of a symlink. `who` is how
// an error names it ("x.c", or "-o x.c").
std::string replaced_file(const std::string& path, const std::string& who) {
    std::error_code ec;
    std::string target = path;
    if (fs::is_symlink(fs::symlink_status(path, ec))) {
        target = fs::canonical(path, ec).string();
        if (ec)
            throw OutputError(fmt::format("{}: a symlink to nowhere ({}) (expected a file to write)",
                                          who, ec.message()));
    }
    const fs::file_status st = fs::status(target, ec);
    if (fs::is_directory(st))
        throw OutputError(fmt::format("{}: is a directory (expected a file to write)", who));
    if (fs::exists(st) && !fs::is_regular_file(st))
        throw OutputError(fmt::format("{}: not a regular file (expected a file cowpin may "
                                      "replace whole)", who));
    return target;
}

// Can a file be created in `dir`? A probe file, created and removed at once.
void probe_directory(const std::string& dir, const std::string& who) {
    const std::string probe = (fs::path(dir) / fmt::format(".cowpin-probe.tmp.{}", getpid())).string();
    PartialFile partial(probe);
    const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        throw OutputError(fmt::format("{}: cannot write into the directory: {}", who,
                                      std::strerror(errno)));
    ::close(fd);
    // ~PartialFile unlinks it.
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view content) {
    const std::string target = replaced_file(path, path);
    const std::string tmp = fmt::format("{}.tmp.{}", target, getpid());
    PartialFile partial(tmp);
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) fail(path, errno);
    for (std::size_t at = 0; at < content.size();) {
        const ssize_t n = ::write(fd, content.data() + at, content.size() - at);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int err = n < 0 ? errno : EIO;
            ::close(fd);
            fail(path, err);
        }
        at += static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0) fail(path, errno);  // NFS and quotas report a failed write here
    if (::rename(tmp.c_str(), target.c_str()) != 0) fail(path, errno);
    partial.done();
}

void make_output_dir(const std::string& dir) {
    std::error_code ec;
    if (fs::is_directory(dir, ec)) return;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir, ec))
        throw OutputError(fmt::format("{}: cannot create the directory: {}", dir,
                                      ec ? ec.message() : "a file of that name is in the way"));
}

void prepare_output_dir(const std::string& dir, std::string_view option) {
    const std::string who = fmt::format("{} {}", option, dir);
    std::error_code ec;
    const fs::file_status st = fs::status(dir, ec);
    if (fs::exists(st) && !fs::is_directory(st))
        throw OutputError(fmt::format("{}: not a directory (expected a directory to write "
                                      "into)", who));
    if (!fs::exists(st)) {
        fs::create_directories(dir, ec);
        if (ec)
            throw OutputError(fmt::format("{}: cannot create the directory: {}", who,
                                          ec.message()));
    }
    probe_directory(dir, who);
}

void check_output_file(const std::string& path, std::string_view option) {
    const std::string who = fmt::format("{} {}", option, path);
    const fs::path target = replaced_file(path, who);
    const fs::path parent = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    std::error_code ec;
    if (!fs::is_directory(parent, ec))
        throw OutputError(fmt::format("{}: no directory {} to write it in", who, parent.string()));
    probe_directory(parent.string(), who);
}

void install_signal_cleanup() {
    for (const int sig : {SIGINT, SIGTERM, SIGHUP}) {
        struct sigaction old {};
        if (sigaction(sig, nullptr, &old) != 0 || old.sa_handler == SIG_IGN) continue;
        struct sigaction sa {};
        sa.sa_handler = on_fatal_signal;
        sigemptyset(&sa.sa_mask);  // one handler at a time: the others wait, then find it done
        for (const int other : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&sa.sa_mask, other);
        sigaction(sig, &sa, nullptr);
    }
}

SignalCleanup::SignalCleanup(Fn fn, void* arg) : slot_(-1) {
    for (int i = 0; i < kMaxSignalCleanups; ++i) {
        int expected = kFree;
        if (!g_hooks[i].state.compare_exchange_strong(expected, kFilling)) continue;
        g_hooks[i].fn = fn;
        g_hooks[i].arg = arg;
        g_hooks[i].owner = getpid();
        g_hooks[i].order = g_hook_order.fetch_add(1);
        g_hooks[i].state.store(kReady);
        slot_ = i;
        return;
    }
    throw std::length_error(fmt::format("more than {} signal cleanup hooks", kMaxSignalCleanups));
}

SignalCleanup::~SignalCleanup() { g_hooks[slot_].state.store(kFree); }

bool write_signal_safe(const char* path, const char* text) {
    const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return false;
    const std::size_t len = std::strlen(text);
    const bool ok = ::write(fd, text, len) == static_cast<ssize_t>(len);
    return ::close(fd) == 0 && ok;
}

}  // namespace cowpin
