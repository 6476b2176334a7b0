// Page and handle symmetry (canonicalize_reduced(), model/page_symmetry.cpp): every consistent
// renaming of the pages, handle slots and processes of a state canonicalizes to the same bytes,
// idempotently, with the same invariant verdicts; a reduced search reaches exactly the images
// of the plain one; and the `--symmetry` selections keep verdicts and shortest traces.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <functional>
#include <initializer_list>
#include <set>
#include <string>
#include <vector>

#include "checker/formats/spec.hpp"
#include "checker/run/run.hpp"
#include "tests/model_helpers.hpp"
#include "tests/plain_search.hpp"

using namespace cowpin;
using namespace cowpin::test;

namespace {

// Written independently of the implementation: old number → new number of each process, page
// and handle slot, and every field that names one renamed with it.
struct Renaming {
    std::array<int, kMaxProcs> proc{};
    std::array<int, kMaxPages> page{};
    std::array<int, kMaxHandles> handle{};
};

State rename(const State& s, const Renaming& to) {
    State r = s;
    auto proc = [&](std::uint8_t p) { return p == kNone ? kNone : u8(to.proc[p]); };
    for (int p = 0; p < kMaxProcs; ++p) {
        const Process& from = s.procs[p];
        Process& pr = r.procs[to.proc[p]];
        pr = from;
        pr.parent = proc(from.parent);
        pr.dontcopy = 0;
        for (int v = 0; v < kMaxPages; ++v) {
            pr.pte[to.page[v]] = from.pte[v];
            pr.ideal[to.page[v]] = from.ideal[v];
            if (from.dontcopy >> v & 1) pr.dontcopy |= u8(1u << to.page[v]);
        }
    }
    for (int h = 0; h < kMaxHandles; ++h) {
        Handle hd = s.handles[h];
        if (hd.in_use) {
            hd.owner = proc(hd.owner);
            hd.vaddr = u8(to.page[hd.vaddr]);
        }
        r.handles[to.handle[h]] = hd;
    }
    for (Value& v : r.values) {
        v.writer = proc(v.writer);
        if (v.cell != kNone && !(v.cell & kDetachedCell))
            v.cell = attached_cell(to.proc[v.cell / kMaxPages], to.page[v.cell % kMaxPages]);
    }
    return r;
}

template <std::size_t N>
std::vector<std::array<int, N>> permutations(int n) {
    std::array<int, N> a{};
    for (std::size_t i = 0; i < N; ++i) a[i] = static_cast<int>(i);
    std::vector<std::array<int, N>> out;
    do out.push_back(a);
    while (std::next_permutation(a.begin(), a.begin() + n));
    return out;
}

std::vector<Renaming> all_renamings(const Bounds& b) {
    std::vector<Renaming> out;
    for (const auto& p : permutations<kMaxProcs>(b.processes))
        for (const auto& v : permutations<kMaxPages>(b.pages))
            for (const auto& h : permutations<kMaxHandles>(b.handles)) out.push_back({p, v, h});
    return out;
}

Shape shape_of(const Bounds& b) {
    return Shape::for_bounds(b.processes, b.pages, b.handles, b.swap_slots);
}

State reduced(State s, const Shape& shape, const Symmetry& sym) {
    canonicalize_reduced(s, shape, sym);
    return s;
}


std::uint32_t families(std::initializer_list<Op> ops) {
    std::uint32_t f = 0;
    for (Op op : ops) f |= op_bit(op);
    return f;
}

std::vector<std::size_t> trace_lengths(const RunResult& r) {
    std::vector<std::size_t> n;
    for (const Counterexample& cx : r.counterexamples) n.push_back(cx.steps());
    return n;
}

}  // namespace

TEST_CASE("page symmetry: every renaming of processes, pages and handles gives one canonical "
          "state, on random walks under every policy") {
    for (const Bounds& b : {Bounds{4, 2, 2, 1, 0}, Bounds{2, 4, 3, 1, 0}}) {
        const Shape shape = shape_of(b);
        const std::vector<Renaming> renamings = all_renamings(b);
        int states = 0, renamed_pages = 0, renamed_handles = 0;
        for (const CowPolicy* p : all_policies()) {
            const CowModel model(exhaustive(*p, b));
            for (unsigned seed : {5u, 23u}) {
                for (const State& raw : random_walk(model, seed, 60, WhenStuck::restart)) {
                    ++states;
                    INFO("bounds " << b.processes << b.pages << b.handles << ", policy "
                                   << p->name << ", seed " << seed << ", state " << states);
                    const State canon = reduced(raw, shape, Symmetry(true));
                    const State procs_only = reduced(raw, shape, Symmetry(true, false, false));
                    renamed_pages += std::memcmp(&canon.procs[0].pte, &procs_only.procs[0].pte,
                                                 sizeof(canon.procs[0].pte)) != 0;
                    renamed_handles += !(canon.handles[0].kind == procs_only.handles[0].kind &&
                                         canon.handles[0].in_use == procs_only.handles[0].in_use);
                    const std::uint32_t held = verdicts(raw, *p);
                    REQUIRE(reduced(canon, shape, Symmetry(true)) == canon);  // idempotent
                    CHECK(verdicts(canon, *p) == held);
                    for (const Renaming& r : renamings) {
                        const State other = rename(raw, r);
                        CHECK(verdicts(other, *p) == held);
                        REQUIRE(reduced(other, shape, Symmetry(true)) == canon);
                    }
                    // Pages alone, handles alone: a function of their own orbits too.
                    for (const Symmetry sym : {Symmetry(false, true, false),
                                               Symmetry(false, false, true)}) {
                        const State c = reduced(raw, shape, sym);
                        Renaming r = renamings.back();
                        for (int q = 0; q < kMaxProcs; ++q) r.proc[q] = q;
                        if (!sym.pages)
                            for (int v = 0; v < kMaxPages; ++v) r.page[v] = v;
                        if (!sym.handles)
                            for (int h = 0; h < kMaxHandles; ++h) r.handle[h] = h;
                        REQUIRE(reduced(rename(raw, r), shape, sym) == c);
                    }
                }
            }
        }
        // The walks do reach states where the pages or the handles are reordered.
        CHECK(renamed_pages > states / 20);
        CHECK(renamed_handles > 0);
    }
}

TEST_CASE("page symmetry: a reduced search reaches exactly the images of the plain one, with "
          "the same violations") {
    struct Case {
        std::string policy;
        Bounds bounds;
        std::uint32_t families;
        std::size_t plain, procs, all;
        std::uint32_t violated;  // bit per Inv
    };
    const std::uint32_t pin_bugs = 1u << static_cast<int>(Inv::pinned_exclusive) |
                                   1u << static_cast<int>(Inv::pin_reliable);
    const std::uint32_t pinning = families({Op::fork, Op::exit, Op::write, Op::pin, Op::unpin});
    const std::uint32_t swapping =
        families({Op::fork, Op::exit, Op::write, Op::read, Op::munmap, Op::swap_out, Op::reclaim});
    for (const Case& c : {
             Case{"linux-5.7", {2, 2, 1, 0, 0}, pinning, 19849, 9090, 4571, pin_bugs},
             Case{"linux-5.19", {2, 2, 1, 0, 0}, pinning, 19957, 9468, 4766, 0},
             Case{"linux-5.7", {2, 1, 2, 0, 0}, pinning, 127619, 54011, 27908, pin_bugs},
             Case{"linux-5.19", {2, 2, 0, 2, 0}, swapping, 17341, 8546, 4322, 0},
         }) {
        INFO(c.policy << ", " << c.bounds.processes << " processes, " << c.bounds.pages
                      << " pages, " << c.bounds.handles << " handles");
        ModelConfig config = exhaustive(policy(c.policy), c.bounds);
        config.families = c.families;
        const CowModel model(config);
        const Shape shape = shape_of(c.bounds);
        const Reach plain = explore(model, [&](State& s) { canonicalize(s, shape); });
        const Reach procs = explore(model, [&](State& s) { canonicalize_symmetric(s, shape); });
        const Reach all =
            explore(model, [&](State& s) { canonicalize_reduced(s, shape, Symmetry(true)); });
        CHECK(plain.states.size() == c.plain);
        CHECK(procs.states.size() == c.procs);
        CHECK(all.states.size() == c.all);
        std::set<std::string> images;
        for (const std::string& raw : plain.states) {
            State s;
            std::memcpy(&s, raw.data(), sizeof(State));
            images.insert(bytes(reduced(s, shape, Symmetry(true))));
        }
        CHECK(images == all.states);
        CHECK(plain.violated == c.violated);
        CHECK(all.violated == c.violated);
    }
}

TEST_CASE("page symmetry: CowModel renames pages on base memory only, and nothing in scenarios") {
    ModelConfig c = exhaustive(policy("linux-5.19"), Bounds{2, 2, 2, 1, 0});
    CHECK(effective_symmetry(c, Symmetry(true)) == Symmetry(true));
    CHECK(effective_symmetry(c, Symmetry(false, true, false)) == Symmetry(false, true, false));
    c.memory = Memory::thp;
    CHECK(effective_symmetry(c, Symmetry(true)) == Symmetry(true, false, true));
    c.memory = Memory::hugetlb;
    CHECK(effective_symmetry(c, Symmetry(true)) == Symmetry(true, false, true));
    c.memory = Memory::base;
    c.bounds = Bounds{2, 1, 1, 1, 0};  // one page, one handle: nothing to rename
    CHECK(effective_symmetry(c, Symmetry(true)) == Symmetry(true, false, false));
    c.scenario = true;
    CHECK(effective_symmetry(c, Symmetry(true)) == Symmetry(false));
}

TEST_CASE("page symmetry: every --symmetry selection keeps verdicts and shortest trace lengths, "
          "and traces replay with real names") {
    // exhaustive-pins cut down to fork, exit, write, pin and unpin, with two pages or two handles:
    // linux-5.7 violates pinned_exclusive and pin_reliable there.
    Spec spec = load_spec(std::string(COWPIN_SOURCE_DIR) + "/specs/exhaustive-pins.json");
    spec.families = families({Op::fork, Op::exit, Op::write, Op::pin, Op::unpin});
    struct Case {
        Bounds bounds;
        std::array<std::uint64_t, 5> states;  // off, procs, pages, handles, all
    };
    for (const Case& c : {Case{{2, 2, 1, 0, 0}, {19849, 9090, 9979, 19849, 4571}},
                          Case{{2, 1, 2, 0, 0}, {127619, 54011, 127619, 65864, 27908}}}) {
        INFO(c.bounds.pages << " pages, " << c.bounds.handles << " handles");
        std::vector<RunResult> runs;
        for (const Symmetry sym : {Symmetry(false), Symmetry(true, false, false),
                                   Symmetry(false, true, false), Symmetry(false, false, true),
                                   Symmetry(true)}) {
            RunOptions o;
            o.bounds = c.bounds;
            o.threads = 2;
            o.symmetry = sym;
            runs.push_back(run_check(spec, policy("linux-5.7"), o));
        }
        for (std::size_t i = 0; i < runs.size(); ++i) {
            INFO("selection " << i);
            CHECK(runs[i].stats.complete);
            CHECK(runs[i].stats.states == c.states[i]);
            CHECK(runs[i].violated == runs[0].violated);
            CHECK(trace_lengths(runs[i]) == trace_lengths(runs[0]));
        }
        CHECK(runs[0].counterexamples.size() == 2);
    }
}
