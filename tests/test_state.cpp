// The state: flat bytes, canonical names, stable hash; and renaming commutes with every action.
#include <doctest/doctest.h>

#include <random>

#include "tests/model_helpers.hpp"

using namespace cowpin;
using namespace cowpin::test;

TEST_CASE("a state is a fixed block of bytes with no padding") {
    CHECK(sizeof(State) % 8 == 0);
    CHECK(std::has_unique_object_representations_v<State>);
    // 608 since swapped-out and partially shared 16 kB mTHPs (4 swap slots, 12 ideal cells, 32
    // frames, 55 values); 544 with 4-page folios, 320 before, 304 before Frame::folio
    CHECK(sizeof(State) == 608);
}

TEST_CASE("canonicalize is idempotent and equal states hash equally") {
    for (const CowPolicy* p : all_policies()) {
        const CowModel model(exhaustive(*p));
        for (const State& raw : random_walk(model, 7, 300)) {
            State once = raw;
            canonicalize(once);
            State twice = once;
            canonicalize(twice);
            CHECK(once == twice);
            CHECK(hash_state(once) == hash_state(twice));
        }
    }
}

TEST_CASE("states that differ only in frame, slot and value names are the same state") {
    Sim a("linux-5.19");
    Sim b("linux-5.19");
    // The same history with frames allocated in a different order: b frees frame 0 first.
    REQUIRE(a.swap_out(a.frame(0, 1)));
    REQUIRE(a.swap_out(a.frame(0, 0)));
    REQUIRE(b.swap_out(b.frame(0, 0)));
    REQUIRE(b.swap_out(b.frame(0, 1)));
    REQUIRE(a.read(0, 0));
    REQUIRE(b.read(0, 0));
    CHECK_FALSE(a.s == b.s);  // raw names differ (slots 0 and 1 swapped)
    canonicalize(a.s);
    canonicalize(b.s);
    CHECK(a.s == b.s);
}

TEST_CASE("renaming commutes with every action: successors match up to canonical names") {
    for (const CowPolicy* p : all_policies()) {
        const CowModel model(exhaustive(*p));
        std::vector<Action> actions;
        for (const State& raw : random_walk(model, 11, 200)) {
            State canon = raw;
            canonicalize(canon);
            actions.clear();
            model.actions(canon, actions);
            for (const Action& a : actions) {
                State via_canon;
                const bool enabled = model.next_state(canon, a, via_canon);
                State via_raw = raw;
                const bool raw_enabled = model.step(via_raw, model.raw_action(raw, a));
                INFO("policy " << p->name << ", action " << format_action(a));
                REQUIRE(enabled == raw_enabled);
                if (!enabled) continue;
                canonicalize(via_raw);
                CHECK(via_raw == via_canon);
            }
        }
    }
}

TEST_CASE("the hash is fixed: the same state hashes to the same number in every build") {
    const CowModel model(exhaustive(policy("linux-5.19"), {2, 1, 1, 1, 0}));
    // since 4 swap slots and 32 frames (the State's size and layout changed; 0x8ffde71029708ce1
    // with 4-page folios, 0xc21ddc25f5d82de6 since Process::dontcopy)
    CHECK(hash_state(model.initial()) == 0x9effb5ff83824b27ull);
}

TEST_CASE("view reads the frame, the swapcache, or the slot") {
    Sim sim("linux-5.9");
    const auto x = view(sim.s, 0, 0);
    REQUIRE(sim.get(0, 0, false, 0));
    REQUIRE(sim.swap_out(sim.frame(0, 0)));
    CHECK(sim.frame(0, 0) != kNone);  // still in the swapcache
    CHECK(view(sim.s, 0, 0) == x);
    REQUIRE(sim.unpin(0));
    REQUIRE(sim.reclaim(sim.frame(0, 0)));
    CHECK(sim.frame(0, 0) == kNone);
    CHECK(view(sim.s, 0, 0) == x);  // from the slot
}

TEST_CASE("a step that changes nothing gives back its canonical parent, and every successor is canonical") {
    // next_state() skips canonicalize for a step that leaves the (canonical) state as it was,
    // and the engine drops such a self-loop before packing it; both rely on this.
    int loops = 0, successors = 0;
    for (const bool symmetry : {false, true}) {
        for (const CowPolicy* p : all_policies()) {
            ModelConfig config = exhaustive(*p);
            config.symmetry = symmetry;
            const CowModel model(config);
            std::vector<Action> actions;
            for (const State& raw : random_walk(model, 5, 60)) {
                State canon = raw;
                model.canonicalize_state(canon);
                actions.clear();
                model.actions(canon, actions);
                for (const Action& a : actions) {
                    State next;
                    if (!model.next_state(canon, a, next)) continue;
                    ++successors;
                    State again = next;
                    model.canonicalize_state(again);
                    INFO("policy " << p->name << ", action " << format_action(a));
                    CHECK(again == next);
                    State stepped = canon;
                    REQUIRE(model.step(stepped, a));
                    if (stepped == canon) {
                        ++loops;
                        CHECK(next == canon);
                    }
                }
            }
        }
    }
    CHECK(successors == 16682);
    CHECK(loops == 2954);  // about one enabled step in six changes nothing
}

TEST_CASE("a base-page shape copies and compares 15 of the State's 38 chunks of 16 bytes, and "
          "gets the same answers as the whole State") {
    // (2, 1, 2, 1): P0 and P1 (56 bytes), 6 frames (a step's own included), one slot, two
    // handles, 14 values and the program counters: 4 runs of chunks.
    const StateSpans spans(Shape::for_bounds(2, 1, 2, 1));
    CHECK(spans.chunks() == 15);
    CHECK(StateSpans(Shape::full()).chunks() == 38);
    const CowModel model(exhaustive(policy("linux-6.18"), {2, 1, 2, 1, 0}));
    const State s = model.initial();
    State copy;
    spans.copy(copy, s);
    CHECK(copy == s);
    CHECK(spans.equal(copy, s));
    copy.frames[5].data = 3;  // the last frame of the shape
    CHECK_FALSE(spans.equal(copy, s));
    copy = s;
    copy.frames[6].data = 3;  // past it: not compared (a state so changed does not pack)
    CHECK(spans.equal(copy, s));
    CHECK_FALSE(copy == s);
}
