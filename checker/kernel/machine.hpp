// What a reproducer needs of this machine and sets up itself, restoring the machine as it found
// it: today a swap file for MADV_PAGEOUT when no swap is active.
#pragma once

#include <string>

namespace cowpin {

// A 64 MiB swap file under /tmp, set up on the first ensure() if no swap is active and removed
// (swapoff, unlink) when this object goes away. Needs root; without, ensure() logs that swap-out
// steps will be skipped.
class SwapFile {
public:
    SwapFile() = default;
    SwapFile(const SwapFile&) = delete;
    SwapFile& operator=(const SwapFile&) = delete;
    ~SwapFile();
    void ensure();

private:
    std::string path_;
    bool active_ = false;
};

}  // namespace cowpin
