// What a reproducer needs of this machine and sets up itself, restoring the machine as it found
// it: a swap file for MADV_PAGEOUT when no swap is active, and free huge pages for MAP_HUGETLB.
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

// Free 2 MiB huge pages for the hugetlb reproducers: ensure(n) raises vm.nr_hugepages until n
// are free, and the destructor puts the old value back. Needs root; without, ensure() logs that
// hugetlb reproducers will be skipped (their mmap(MAP_HUGETLB) fails).
class HugePages {
public:
    HugePages() = default;
    HugePages(const HugePages&) = delete;
    HugePages& operator=(const HugePages&) = delete;
    ~HugePages();
    void ensure(long n);

private:
    long old_total_ = -1;  // vm.nr_hugepages before ensure() raised it, or -1
};

}  // namespace cowpin
