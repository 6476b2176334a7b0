// Issue 24's storage: 64-bit state ids (4-byte index slots while ids fit 28 bits, 8-byte past
// that).
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "checker/engine/bfs.hpp"
#include "checker/formats/spec.hpp"
#include "checker/run/run.hpp"
#include "tests/model_helpers.hpp"
#include "tests/toy_models.hpp"

using namespace cowpin;
using engine::Explorer;
using engine::StateId;

namespace {

std::string spec_path(const std::string& name) {
    return std::string(COWPIN_SOURCE_DIR) + "/specs/" + name + ".json";
}

CowModel pins_model(const std::string& policy) {
    static std::vector<Spec> specs;  // the model keeps a pointer to the policy only
    specs.push_back(load_spec(spec_path("exhaustive-pins")));
    RunOptions opts;
    opts.symmetry = false;
    return CowModel(run_config(specs.back(), test::policy(policy), opts));
}

}  // namespace

TEST_CASE("an id past 2^32 keeps its place in an 8-byte index slot, with a 26-bit tag") {
    const engine::SlotLayout narrow = engine::SlotLayout::for_capacity(std::size_t{1} << 22);
    CHECK_FALSE(narrow.wide);
    CHECK(narrow.id_bits == 23);
    CHECK(narrow.tag_mask == 0xFF);  // 31 - 23 bits
    const std::size_t capacity = std::size_t{1} << 40;
    const engine::SlotLayout wide = engine::SlotLayout::for_capacity(capacity);
    CHECK(wide.wide);
    CHECK(wide.id_bits == 41);
    CHECK(wide.tag_mask == (std::uint64_t{1} << 22) - 1);  // 63 - 41 bits
    const StateId id = (StateId{1} << 40) + 12345;
    const std::uint64_t h = 0xABCDEF0123456789ull;
    const std::uint64_t slot = wide.slot(h, id);
    CHECK(wide.id_of(slot) == id);
    CHECK(wide.matches(slot, h));
    CHECK_FALSE(wide.matches(slot, h ^ (std::uint64_t{1} << 32)));
    CHECK_FALSE(wide.matches(wide.empty, h));
    CHECK_FALSE(wide.matches(wide.pending | 7, h));
    // Past 28 id bits the slots widen even at the test knob's default.
    CHECK(engine::SlotLayout::for_capacity(std::size_t{1} << 28).wide);
    CHECK_FALSE(engine::SlotLayout::for_capacity((std::size_t{1} << 28) - 1).wide);
}

TEST_CASE("8-byte index slots number every state as 4-byte slots do, on one and two threads") {
    // exhaustive-pins at (2, 1, 1, 1) under linux-5.19 without symmetry: 122,603 states. With
    // narrow_id_bits 10 the index takes 8-byte slots from 1 Ki slots on, so from the start.
    const CowModel model = pins_model("linux-5.19");
    engine::Options wide1{1, false}, wide2{2, false};
    wide1.narrow_id_bits = wide2.narrow_id_bits = 10;
    Explorer<CowModel> narrow(model, {1, false}), one(model, wide1), two(model, wide2);
    const engine::Result n = narrow.run(), w1 = one.run(), w2 = two.run();
    CHECK(n.states == 122603);
    CHECK(w1.states == 122603);
    CHECK(w2.states == 122603);
    CHECK(w1.transitions == n.transitions);
    CHECK(w2.transitions == n.transitions);
    CHECK(w1.depth == n.depth);
    CHECK(w1.first_violation == n.first_violation);
    CHECK(w2.first_violation == n.first_violation);
    CHECK(w2.violation_depth == n.violation_depth);
    int differ = 0;
    for (StateId id = 0; id < n.states; ++id) {
        differ += !(narrow.state(id) == two.state(id));
        differ += narrow.action_index(id) != two.action_index(id);
        if (id % 499 == 0) differ += narrow.parent(id) != two.parent(id);
        if (id % 997 == 0) differ += one.find(narrow.state(id)) != id;
    }
    CHECK(differ == 0);
    // The same tables at twice the bytes a slot: 4 more bytes a state over 4-byte slots in
    // tables at most 80% full.
    const double extra = double(w1.store_bytes - n.store_bytes) / n.states;
    CHECK(extra >= 4.0);
    CHECK(extra <= 4.0 / 0.6);
}
