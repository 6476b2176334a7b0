// The page-state half of a reproducer (issue 21): after every step, for every live process and
// page, what /proc/PID/pagemap, /proc/kpagecount and /proc/kpageflags must show if the kernel
// did what the model did. Values alone cannot tell a copy from a reuse (both show the written
// value), a refused MADV_PAGEOUT from a page swapped back in, or a swapcache page from a fresh
// one; the page tables can.
//
// Frames get names as the model allocates them (F1, F2, ...: a frame slot freed and taken again
// is a new frame). The program maps PFNs to those names as it goes: the same frame must keep its
// PFN while it lives; a frame the model allocates must get a page that no frame alive when it
// was allocated has (a COW copy allocates before it releases the old page, so a reuse shows as
// the old PFN where the model says new). A frame freed earlier may lend its PFN to a later one,
// as the page allocator does (a swapped-out page's PFN can come back through the swapcache).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "model/model.hpp"

namespace cowpin {

class PageStatePlan {
public:
    // mthp: the THP is a 16 kB mTHP (runs_on_mthp()), which the labels say.
    PageStatePlan(const CowModel& model, Memory memory, bool mthp = false);

    // The state after P0 mapped and wrote its pages (the program's step 0), then after each
    // step: `step` is 0-based, `after` the KTAP text ("after step 3 (P0 write v0)").
    void initial(const State& s);
    void after(int step, const State& s, const std::string& label);

    // Compared groups (one KTAP line each) and frames named so far.
    std::size_t groups() const { return groups_.size(); }
    // The C tables: NPSTATES, NFRAMES, MEMORY_KIND, pstates[], frame_life[].
    std::string c_tables() const;

private:
    void name_frames(int step, const State& s);
    void observe(int step, const State& s, const std::string& label);

    const CowModel& model_;
    Memory memory_;
    bool mthp_;
    std::array<int, kMaxFrames> name_of_slot_{};  // the frame's name (index into born_), or -1
    std::vector<int> born_, died_;                // step a frame was allocated / freed
    std::vector<std::string> groups_;             // C initialisers of struct pstate
};

}  // namespace cowpin
