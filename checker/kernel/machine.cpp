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

}  // namespace cowpin
