#include "checker/kernel/machine.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <spdlog/spdlog.h>

namespace cowpin {

SwapFile::~SwapFile() {
    if (!active_) return;
    const int rc = std::system(("swapoff " + path_ + " 2>/dev/null").c_str());
    std::filesystem::remove(path_);
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
    active_ = std::system((cmd + " 2>/dev/null").c_str()) == 0;
    if (!active_) {
        std::filesystem::remove(path_);
        spdlog::warn("could not set up swap (not root?): swap_out steps will be skipped");
    }
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

}  // namespace cowpin
