#include "checker/kernel/machine.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <sys/mount.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <spdlog/spdlog.h>

namespace cowpin {

SwapFile::~SwapFile() {
    if (!active_) return;
    const int rc = run_command("swapoff " + path_ + " 2>/dev/null");
    std::error_code ec;
    std::filesystem::remove(path_, ec);
    spdlog::info("swapoff {} ({}), file removed", path_, rc == 0 ? "done" : "failed");
}

void SwapFile::ensure() {
    std::ifstream swaps("/proc/swaps");
    std::string header, line;
    std::getline(swaps, header);
    if (std::getline(swaps, line) && !line.empty()) return;  // swap is active
    path_ = "/tmp/cowpin-swapfile";
    spdlog::info("no active swap: setting up a 64 MiB swap file at {} (removed afterwards)", path_);
    const std::string cmd = "dd if=/dev/zero of=" + path_ + " bs=1M count=64 status=none && chmod 600 " +
                            path_ + " && mkswap " + path_ + " >/dev/null && swapon " + path_;
    // Undone by the destructor even if an interrupt kills the set-up half way (swapoff of a
    // file that is not active fails harmlessly).
    active_ = true;
    if (run_command(cmd + " 2>/dev/null") != 0 && !InterruptGuard::interrupted())
        spdlog::warn("could not set up swap (not root?): swap_out steps will be skipped");
}

namespace {

constexpr const char* kNrHugepages = "/proc/sys/vm/nr_hugepages";

long read_long(const std::string& path, const std::string& key = "") {
    std::ifstream in(path);
    if (key.empty()) {
        long v = -1;
        in >> v;
        return v;
    }
    for (std::string word; in >> word;)
        if (word == key) {
            long v = -1;
            in >> v;
            return v;
        }
    return -1;
}

bool write_total(long n) {
    std::ofstream out(kNrHugepages);
    out << n << '\n';
    out.close();
    return static_cast<bool>(out);
}

}  // namespace

HugePages::~HugePages() {
    if (old_total_ < 0) return;
    const bool ok = write_total(old_total_);
    spdlog::info("vm.nr_hugepages back to {} ({})", old_total_, ok ? "done" : "failed");
}

void HugePages::ensure(long n) {
    const long free = read_long("/proc/meminfo", "HugePages_Free:");
    const long total = read_long(kNrHugepages);
    if (free < 0 || total < 0 || free >= n) return;
    if (old_total_ < 0) old_total_ = total;
    spdlog::info("{} free huge pages: raising vm.nr_hugepages from {} to {} (put back afterwards)",
                 free, total, total + n - free);
    if (!write_total(total + n - free) || read_long("/proc/meminfo", "HugePages_Free:") < n)
        spdlog::warn("could not get {} free huge pages (not root? memory?): hugetlb reproducers "
                     "will be skipped", n);
}

namespace {

constexpr const char* kThpEnabled = "/sys/kernel/mm/transparent_hugepage/enabled";
constexpr const char* kThpPmdEnabled =
    "/sys/kernel/mm/transparent_hugepage/hugepages-2048kB/enabled";
constexpr const char* kThpMthpEnabled =
    "/sys/kernel/mm/transparent_hugepage/hugepages-16kB/enabled";

// "always [madvise] never" -> "madvise"; "" if unreadable.
std::string selected(const char* path) {
    std::ifstream in(path);
    for (std::string word; in >> word;)
        if (word.size() > 2 && word.front() == '[' && word.back() == ']')
            return word.substr(1, word.size() - 2);
    return "";
}

bool write_word(const char* path, const std::string& word) {
    std::ofstream out(path);
    out << word << '\n';
    out.close();
    return static_cast<bool>(out);
}

}  // namespace

ThpSettings::~ThpSettings() {
    if (!old_mthp_enabled_.empty() && write_word(kThpMthpEnabled, old_mthp_enabled_))
        spdlog::info("{} back to {}", kThpMthpEnabled, old_mthp_enabled_);
    if (!old_pmd_enabled_.empty() && write_word(kThpPmdEnabled, old_pmd_enabled_))
        spdlog::info("{} back to {}", kThpPmdEnabled, old_pmd_enabled_);
    if (!old_enabled_.empty() && write_word(kThpEnabled, old_enabled_))
        spdlog::info("{} back to {}", kThpEnabled, old_enabled_);
}

void ThpSettings::ensure() {
    if (checked_) return;
    checked_ = true;
    if (selected(kThpEnabled) == "never") {
        spdlog::info("THP is off: setting {} to madvise (put back afterwards)", kThpEnabled);
        if (write_word(kThpEnabled, "madvise"))
            old_enabled_ = "never";
        else
            spdlog::warn("could not enable THP (not root?): THP reproducers will be skipped");
    }
    if (selected(kThpPmdEnabled) == "never") {
        spdlog::info("2 MiB THPs are off: setting {} to inherit (put back afterwards)",
                     kThpPmdEnabled);
        if (write_word(kThpPmdEnabled, "inherit")) old_pmd_enabled_ = "never";
    }
}

// thp_vma_allowable_orders() (include/linux/huge_mm.h) gives an anonymous VMA with VM_HUGEPAGE
// the orders set to "always" or "madvise", and those set to "inherit" while the top-level
// enabled is not "never". "madvise", not "always": only the reproducer's MADV_HUGEPAGE area gets
// 16 kB folios, not every anonymous fault on the machine while the run lasts.
void ThpSettings::ensure_mthp() {
    if (mthp_checked_) return;
    mthp_checked_ = true;
    const std::string now = selected(kThpMthpEnabled);
    if (now.empty()) {
        spdlog::warn("no {} (Linux 6.8+ with THP): mTHP reproducers will be skipped",
                     kThpMthpEnabled);
        return;
    }
    if (now != "never" && !(now == "inherit" && selected(kThpEnabled) == "never")) return;
    spdlog::info("16 kB mTHPs are off ({}): setting {} to madvise (put back afterwards)", now,
                 kThpMthpEnabled);
    if (write_word(kThpMthpEnabled, "madvise"))
        old_mthp_enabled_ = now;
    else
        spdlog::warn("could not enable 16 kB mTHPs (not root?): mTHP reproducers will be skipped");
}

Debugfs::~Debugfs() {
    if (mounted_ && ::umount("/sys/kernel/debug") == 0) spdlog::info("debugfs unmounted again");
}

void Debugfs::ensure() {
    if (mounted_ || std::filesystem::exists("/sys/kernel/debug/split_huge_pages")) return;
    mounted_ = ::mount("none", "/sys/kernel/debug", "debugfs", 0, nullptr) == 0;
    if (mounted_)
        spdlog::info("mounted debugfs for split_huge_pages (unmounted afterwards)");
    else
        spdlog::warn("could not mount debugfs (not root?): split_folio steps will be skipped");
}

namespace {

volatile std::sig_atomic_t g_interrupted = 0;
struct sigaction g_old_int, g_old_term;

extern "C" void on_interrupt(int sig) { g_interrupted = sig; }

}  // namespace

InterruptGuard::InterruptGuard() {
    g_interrupted = 0;
    struct sigaction sa {};
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &g_old_int);
    sigaction(SIGTERM, &sa, &g_old_term);
}

InterruptGuard::~InterruptGuard() {
    sigaction(SIGINT, &g_old_int, nullptr);
    sigaction(SIGTERM, &g_old_term, nullptr);
}

int InterruptGuard::interrupted() { return g_interrupted; }

// posix_spawn(), not std::system(): see machine.hpp.
int run_command(const std::string& cmd) {
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    const char* argv[] = {"sh", "-c", cmd.c_str(), nullptr};
    pid_t pid = -1;
    const int err = posix_spawn(&pid, "/bin/sh", nullptr, &attr, const_cast<char* const*>(argv),
                                environ);
    posix_spawnattr_destroy(&attr);
    if (err) return 127 << 8;
    int status = 0;
    bool killed = false;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return 127 << 8;
        if (InterruptGuard::interrupted() && !killed) {
            ::kill(-pid, SIGKILL);
            killed = true;
        }
    }
    return status;
}

}  // namespace cowpin
