// Issue 5's search modes against the exact one-thread search they must agree with: two threads
// (the same ids, so the same counts, violations and traces), fingerprints (the same counts), and
// the packed encoding (every state survives it). Symmetry's own tests are in test_symmetry.cpp;
// its agreement with the plain search on the shipped exhaustive specs is here.
#include <doctest/doctest.h>

#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "checker/engine/bfs.hpp"
#include "checker/run/run.hpp"
#include "checker/formats/spec.hpp"
#include "tests/model_helpers.hpp"
#include "tests/toy_models.hpp"

using namespace cowpin;
using engine::Explorer;
using engine::StateId;

namespace {

std::string spec_path(const std::string& name) {
    return std::string(COWPIN_SOURCE_DIR) + "/specs/" + name + ".json";
}

CowModel exhaustive_model(const std::string& spec_name, const std::string& policy, bool symmetry) {
    static std::vector<Spec> specs;  // the model keeps a pointer to the policy only
    specs.push_back(load_spec(spec_path(spec_name)));
    RunOptions opts;
    opts.symmetry = symmetry;
    return CowModel(run_config(specs.back(), test::policy(policy), opts));
}

std::vector<std::size_t> trace_lengths(const RunResult& r) {
    std::vector<std::size_t> n;
    for (const Counterexample& cx : r.counterexamples) n.push_back(cx.steps());
    return n;
}

}  // namespace

TEST_CASE("two threads number every state as one thread does: same ids, parents and actions" *
          doctest::test_suite("slow")) {
    const CowModel model = exhaustive_model("exhaustive-pins", "linux-5.9", false);
    Explorer<CowModel> one(model, {1, false}), two(model, {2, false});
    const engine::Result r1 = one.run(), r2 = two.run();
    CHECK(r1.threads == 1);
    CHECK(r2.threads == 2);
    CHECK(r1.states == 1092215);  // the core issue's pinned count (specs/exhaustive-pins.json)
    CHECK(r2.states == 1092215);
    CHECK(r1.transitions == 11272065);
    CHECK(r2.transitions == 11272065);
    CHECK(r1.depth == 32);
    CHECK(r2.depth == 32);
    CHECK(r1.first_violation == r2.first_violation);
    int differ = 0;
    for (StateId id = 0; id < r1.states; ++id) {
        differ += !(one.state(id) == two.state(id));
        differ += one.action_index(id) != two.action_index(id);
        differ += one.depth_of(id) != two.depth_of(id);
        // Parents are found by a scan of the level before: a sample.
        if (id % 1009 == 0) differ += one.parent(id) != two.parent(id);
        if (id % 1009 == 0) differ += !(one.action(id) == two.action(id));
    }
    CHECK(differ == 0);
}

TEST_CASE("the states at each depth are the same on one and two threads and add up to the count") {
    // A level is a set (every state at that distance from the initial one), so its size does
    // not depend on how the threads share the work: cowpin bench's projection starts from them.
    const CowModel model = exhaustive_model("exhaustive-pins", "linux-5.19", true);
    Explorer<CowModel> one(model, {1, false}), two(model, {2, false});
    const engine::Result r1 = one.run(), r2 = two.run();
    CHECK(r1.states == 57515);  // the spec's symmetric count
    const std::vector<std::uint64_t> levels{1, 8, 25, 97, 276, 561, 979, 1531, 2103, 2973, 4022, 5454, 6700, 7146, 6579, 5603, 4642, 3540, 2350, 1388, 780, 433, 218, 84, 20, 2};
    CHECK(r1.level_states == levels);
    CHECK(r2.level_states == levels);
    CHECK(r1.level_states.size() == r1.depth + 1);
    CHECK(std::accumulate(levels.begin(), levels.end(), std::uint64_t{0}) == 57515);
    CHECK(r1.partial_level == 0);
    CHECK(r2.partial_level == 0);
}

TEST_CASE("a run stopped by a state limit after a level's last block has the next level whole") {
    // The levels up to the limit of 20,000 states are narrower than a block (8,192 parents), so
    // the limit is seen after level 11's only block: level 12 is whole, nothing is partial.
    const CowModel model = exhaustive_model("exhaustive-pins", "linux-5.19", true);
    Explorer<CowModel> one(model, {1, false}), two(model, {2, false});
    engine::Limits cut;
    cut.max_states = 20000;
    const engine::Result r1 = one.run(cut), r2 = two.run(cut);
    CHECK_FALSE(r1.complete);
    CHECK(r1.states == 24730);
    CHECK(r1.level_states ==
          std::vector<std::uint64_t>{1, 8, 25, 97, 276, 561, 979, 1531, 2103, 2973, 4022, 5454, 6700});
    CHECK(r1.partial_level == 0);
    CHECK(r2.states == r1.states);
    CHECK(r2.level_states == r1.level_states);
    CHECK(r2.partial_level == 0);
}

TEST_CASE("a run cut short holds the same states on one and two threads, and a mark times them" *
          doctest::test_suite("slow")) {
    // The bench's speedup compares equal work: the two-thread run is timed to the state count
    // the one-thread run stopped at, which it passes after the same block.
    const CowModel model = exhaustive_model("exhaustive-pins", "linux-5.9", false);
    Explorer<CowModel> one(model, {1, false}), two(model, {2, false});
    engine::Limits cut;
    cut.max_states = 100000;
    const engine::Result r1 = one.run(cut);
    CHECK_FALSE(r1.complete);
    CHECK(r1.states == 101820);  // checked after each block of parents, so a little past
    CHECK_FALSE(r1.mark_seconds);
    const engine::Result r2 = two.run(cut);
    CHECK(r2.states == r1.states);
    CHECK(r2.transitions == r1.transitions);
    // The limit is seen inside level 10 (28,500 parents, four blocks): level 11 is partial.
    CHECK(r1.level_states ==
          std::vector<std::uint64_t>{1, 8, 28, 120, 415, 1067, 2522, 5321, 10104, 17775, 28500});
    CHECK(r1.partial_level == 35959);
    CHECK(r2.level_states == r1.level_states);
    CHECK(r2.partial_level == r1.partial_level);
    CHECK(std::accumulate(r1.level_states.begin(), r1.level_states.end(), r1.partial_level) ==
          r1.states);
    engine::Limits mark;
    mark.mark_states = r1.states;
    const engine::Result whole = two.run(mark);
    CHECK(whole.complete);
    CHECK(whole.states == 1092215);
    REQUIRE(whole.mark_seconds);
    CHECK(*whole.mark_seconds > 0);
    CHECK(*whole.mark_seconds < whole.seconds);
}

TEST_CASE("a toy graph explored on four threads has the ids of one thread") {
    // 201 x 201 grid: 40,401 states in 401 levels up to 201 states wide, so the four threads
    // share levels' work items (128 parents each) and shards.
    const toy::Diamond model(200);
    Explorer<toy::Diamond> one(model, {1, false}), four(model, {4, false});
    const engine::Result r1 = one.run(), r4 = four.run();
    CHECK(r1.states == 40401);
    CHECK(r4.states == 40401);
    CHECK(r1.transitions == r4.transitions);
    int differ = 0;
    for (StateId id = 0; id < r1.states; ++id)
        differ += !(one.state(id) == four.state(id)) || one.action_index(id) != four.action_index(id) ||
                  (id % 7 == 0 && one.parent(id) != four.parent(id));
    CHECK(differ == 0);
}

TEST_CASE("fingerprints count the states of the exact search, and say how likely one was missed" *
          doctest::test_suite("slow")) {
    const CowModel model = exhaustive_model("exhaustive-pins", "linux-5.19", false);
    Explorer<CowModel> exact(model, {1, false}), compact(model, {2, true});
    const engine::Result e = exact.run(), c = compact.run();
    CHECK(e.states == 122603);
    CHECK(c.states == 122603);
    CHECK(c.transitions == e.transitions);
    CHECK(c.compact);
    // TLC's optimistic estimate: states * (transitions - states) / 2^100.
    CHECK(c.omission_probability > 0);
    CHECK(c.omission_probability < 1e-18);
    CHECK(e.omission_probability == 0);
    // 12-byte slots of 100-bit fingerprints in tables 45% to 90% full: at most 26.7 bytes a
    // state (here 25.3: 1,916 states a shard in tables of 4,096 slots).
    CHECK(double(c.store_bytes) / c.states <= 12.0 / 0.45);
    // The exact store: the packed state, a 1-byte action index and a 4-byte index slot in
    // tables 60% to 80% full; no parent ids.
    CHECK(e.packed_bytes == 24);
    CHECK(double(e.store_bytes) / e.states <= 24.0 + 8.0);
    CHECK(double(e.store_bytes) / e.states >= 24.0 + 1.0 + 4.0);
}

TEST_CASE("every state of an exhaustive search survives the packed encoding" *
          doctest::test_suite("slow")) {
    // The engine checks the round trip of every new state; this checks the encoding's size.
    const CowModel pins = exhaustive_model("exhaustive-pins", "linux-5.7", false);
    CHECK(pins.packed_words() == 3);  // (2, 1, 1, 1): 24 bytes instead of sizeof(State)
    CHECK(sizeof(State) == 608);
    Explorer<CowModel> ex(pins, {1, false});
    const engine::Result r = ex.run();
    CHECK(r.states == 698329);
    CHECK(r.packed_bytes == 24);
    int broken = 0;
    std::vector<std::uint64_t> w(pins.packed_words());
    for (StateId id = 0; id < r.states; id += 7) {
        const State s = ex.state(id);
        broken += !pins.pack(s, w.data());
        State back;
        pins.unpack(w.data(), back);
        broken += !(back == s);
    }
    CHECK(broken == 0);
}

TEST_CASE("a state past its bounds is caught when it is packed, not stored truncated") {
    // At (2, 1, 1, 1): frames hold at most 2 mappings, one swap slot exists, 2 process slots.
    const CowModel pins = exhaustive_model("exhaustive-pins", "linux-5.19", false);
    const State ok = pins.initial();
    std::vector<std::uint64_t> w(pins.packed_words());
    CHECK(pins.pack(ok, w.data()));
    State s = ok;
    s.frames[0].mapcount = 9;  // more mappings than 2 processes x 1 page: needs more bits
    CHECK_FALSE(pins.pack(s, w.data()));
    s = ok;
    s.frames[0].swapcache = 1;  // the second swap slot, of one: the field's kNone code
    CHECK_FALSE(pins.pack(s, w.data()));
    s = ok;
    s.procs[3].alive = 1;  // a process slot past the bounds: a byte packed to no bits
    CHECK_FALSE(pins.pack(s, w.data()));
    s = ok;
    s.frames[0].swapcache = 0;  // within the bounds (not a consistent state, but it fits)
    CHECK(pins.pack(s, w.data()));
}

TEST_CASE("pack() says a state fits exactly when unpack() gives every byte back" *
          doctest::test_suite("slow")) {
    // pack() judges the fit on the State's bytes without unpacking; round_trips() packs,
    // unpacks and throws if that judgement was wrong. Every value of every byte of a few
    // reachable states at (3, 2, 2, 2), one byte changed at a time.
    const CowModel pins = exhaustive_model("exhaustive-pins", "linux-5.9", false);
    const StateCodec codec(Shape::for_bounds(3, 2, 2, 2), {});
    Explorer<CowModel> ex(pins, {1, false});
    CHECK(ex.run().states == 1092215);  // (2, 1, 1, 1): its states fit (3, 2, 2, 2)
    int fits = 0, misfits = 0;
    for (StateId id : {0u, 100u, 20000u, 1092214u}) {
        const State base = ex.state(id);
        CHECK(codec.round_trips(base));
        for (std::size_t i = 0; i < sizeof(State); ++i)
            for (int v = 0; v < 256; ++v) {
                State s = base;
                reinterpret_cast<unsigned char*>(&s)[i] = static_cast<unsigned char>(v);
                (codec.round_trips(s) ? fits : misfits) += 1;
            }
    }
    CHECK(fits + misfits == 4 * 608 * 256);
    // Of 622592 variants; 4 x 608 of them leave the state as it was, and 4 x 3 x 3 set another
    // value of the VM_DONTCOPY bits of a process (Shape::for_bounds() allows MADV_DONTFORK).
    // 8000 with a 320-byte State and kDetachedCell 0x08: 4 x 224 more bytes now keep their
    // value, and each of the 22 value cell bytes is 5 bits wide instead of 4 (detached cells
    // are 0x10 | id), 16 more values each: 8000 + 896 + 4 x 22 x 16 = 10304; the 608-byte State
    // of 4 swap slots and 32 frames keeps 4 x 64 more bytes as they were.
    CHECK(fits == 10560);
}

TEST_CASE("on the shipped exhaustive specs, two threads and fingerprints keep every number" *
          doctest::test_suite("slow")) {
    // exhaustive-pins under every policy; exhaustive-pins-gets (1.1 to 2.0 million states a
    // policy, three times the work) left CI too little of its 30 minutes: its threads and
    // fingerprints are checked by the spec tests' two-thread runs and tests/test_storage.cpp.
    for (const char* name : {"exhaustive-pins"}) {
        const Spec spec = load_spec(spec_path(name));
        for (const std::string& policy : spec.policies) {
            INFO(name << " under " << policy);
            RunOptions one;
            one.threads = 1;
            RunOptions fast;
            fast.threads = 2;
            fast.compact = true;
            const RunResult a = run_check(spec, test::policy(policy), one);
            const RunResult b = run_check(spec, test::policy(policy), fast);
            CHECK(a.symmetry);
            CHECK(a.matches());  // the pinned symmetric_states and verdicts
            CHECK(b.matches());
            CHECK(a.stats.states == b.stats.states);
            CHECK(a.stats.transitions == b.stats.transitions);
            CHECK(a.violated == b.violated);
            CHECK(trace_lengths(a) == trace_lengths(b));
        }
    }
}

TEST_CASE("process symmetry keeps every verdict and shortest trace, and shrinks the search" *
          doctest::test_suite("slow")) {
    // exhaustive-pins-gets without symmetry is the ctest spec-without-symmetry/exhaustive-pins-
    // gets under the `long` label (CI time).
    for (const char* name : {"exhaustive-pins"}) {
        const Spec spec = load_spec(spec_path(name));
        for (const std::string& policy : spec.policies) {
            INFO(name << " under " << policy);
            RunOptions off, on;
            off.symmetry = false;
            off.threads = on.threads = 2;
            on.symmetry = true;
            const RunResult plain = run_check(spec, test::policy(policy), off);
            const RunResult sym = run_check(spec, test::policy(policy), on);
            CHECK(plain.matches());  // the core issue's pinned counts
            CHECK(sym.matches());    // the pinned symmetric counts
            CHECK(plain.violated == sym.violated);
            CHECK(trace_lengths(plain) == trace_lengths(sym));
            // Two processes swap places, and a lone survivor takes slot 0: about a factor 2
            // (a little more where writers that exited are forgotten).
            const double factor = double(plain.stats.states) / sym.stats.states;
            CHECK(factor > 1.9);
            CHECK(factor < 2.3);
        }
    }
}
