// What a reproducer needs of this machine and sets up itself, restoring the machine as it found
// it, also when interrupted: a swap file for MADV_PAGEOUT when no swap is active, free huge pages
// for MAP_HUGETLB, THP enabled for MADV_HUGEPAGE, debugfs for split_huge_pages.
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

// THP for the THP reproducers: ensure() makes PMD-sized THPs available to a MADV_HUGEPAGE area
// (transparent_hugepage/enabled not "never", hugepages-2048kB/enabled not "never");
// ensure_mthp() does the same for 16 kB anonymous mTHPs (hugepages-16kB/enabled "madvise" if
// it would give a MADV_HUGEPAGE area none). The destructor writes back what they changed, as
// cow.c's thp_settings save/restore does. Needs root; without, THP and mTHP reproducers skip.
class ThpSettings {
public:
    ThpSettings() = default;
    ThpSettings(const ThpSettings&) = delete;
    ThpSettings& operator=(const ThpSettings&) = delete;
    ~ThpSettings();
    void ensure();
    void ensure_mthp();

private:
    std::string old_enabled_, old_pmd_enabled_, old_mthp_enabled_;  // replaced values, or ""
    bool checked_ = false, mthp_checked_ = false;
};

// debugfs, for split_huge_pages (the split_folio step): mounted by ensure() if it is not, and
// unmounted again by the destructor.
class Debugfs {
public:
    Debugfs() = default;
    Debugfs(const Debugfs&) = delete;
    Debugfs& operator=(const Debugfs&) = delete;
    ~Debugfs();
    void ensure();

private:
    bool mounted_ = false;
};

// SIGINT and SIGTERM while reproducers run: the current program ends (the terminal's SIGINT
// reaches it too; std::system() ignores SIGINT in the caller while it waits), then
// interrupted() says so, the run stops, and the objects above put the machine back as they
// found it. The previous handlers come back when this goes away.
class InterruptGuard {
public:
    InterruptGuard();
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;
    ~InterruptGuard();
    // The signal received (SIGINT or SIGTERM), or 0.
    static int interrupted();
};

// `sh -c cmd` in a process group of its own, waited for; its wait status. Unlike std::system(),
// the caller keeps its SIGINT and SIGTERM handlers while it waits (std::system() ignores SIGINT,
// so an interrupt sent to cowpin alone was lost); when one arrives (InterruptGuard), the whole
// group (a reproducer and its scenario processes) is killed and the caller goes on to clean up.
int run_command(const std::string& cmd);

}  // namespace cowpin
