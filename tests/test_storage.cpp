// Issue 24's storage: 64-bit state ids (4-byte index slots while ids fit 28 bits, 8-byte past
// that), compact mode's 100-bit fingerprints in a compact table, --disk (the queue and the
// trace links in files), and the agreement of every storage mode with the exact one-thread
// search on the shipped exhaustive specs.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "checker/engine/bfs.hpp"
#include "checker/engine/fingerprint_table.hpp"
#include "checker/formats/spec.hpp"
#include "checker/run/run.hpp"
#include "tests/cli_helpers.hpp"
#include "tests/model_helpers.hpp"
#include "tests/toy_models.hpp"

using namespace cowpin;
using engine::Explorer;
using engine::StateId;
namespace fs = std::filesystem;

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

TEST_CASE("a fingerprint table tells apart fingerprints that share their first 64 bits") {
    engine::FingerprintTable t(5);
    const std::uint64_t h1 = (std::uint64_t{5} << 58) | 0x123456789ull;
    CHECK(t.insert(h1, std::uint64_t{1} << 28));
    CHECK(t.insert(h1, std::uint64_t{2} << 28));  // the same 64-bit hash, another h2
    CHECK_FALSE(t.insert(h1, std::uint64_t{1} << 28));
    CHECK(t.contains(h1, std::uint64_t{2} << 28));
    CHECK_FALSE(t.contains(h1, std::uint64_t{3} << 28));
    // h2's low 28 bits are not part of the fingerprint: 64 + 36 = 100 bits.
    CHECK(t.contains(h1, (std::uint64_t{2} << 28) | 0xFFFFFFF));
    CHECK(t.used() == 2);
}

TEST_CASE("a fingerprint table keeps every fingerprint through its growth") {
    // 300,000 random fingerprints of shard 9: from 64 slots the table doubles 13 times; a
    // table of 2^q slots stores 94 - q bits of each in a 12-byte slot.
    engine::FingerprintTable t(9);
    std::mt19937_64 rng(24);
    std::vector<std::pair<std::uint64_t, std::uint64_t>> in, out;
    for (int i = 0; i < 300000; ++i) {
        const std::uint64_t h1 = (std::uint64_t{9} << 58) | (rng() >> 6);
        in.emplace_back(h1, rng());
        out.emplace_back((std::uint64_t{9} << 58) | (rng() >> 6), rng());
    }
    int added = 0;
    for (const auto& [a, b] : in) added += t.insert(a, b);
    CHECK(added == 300000);
    CHECK(t.used() == 300000);
    CHECK(t.capacity() == std::size_t{1} << 19);  // 57% full
    CHECK(t.bytes() == 12 * t.capacity());
    int found = 0, strangers = 0;
    for (const auto& [a, b] : in) found += t.contains(a, b);
    for (const auto& [a, b] : out) strangers += t.contains(a, b);
    CHECK(found == 300000);
    CHECK(strangers == 0);
    for (const auto& [a, b] : in) added -= t.insert(a, b);
    CHECK(added == 300000);  // nothing added twice
}

TEST_CASE("compact mode stores 100-bit fingerprints and prints d(g - d) / 2^100") {
    const CowModel model = pins_model("linux-5.19");
    Explorer<CowModel> exact(model, {1, false}), one(model, {1, true}), two(model, {2, true});
    const engine::Result e = exact.run(), c1 = one.run(), c2 = two.run();
    CHECK(e.states == 122603);
    CHECK(c1.states == 122603);
    CHECK(c2.states == 122603);
    CHECK(c1.transitions == e.transitions);
    CHECK(c2.transitions == e.transitions);
    CHECK(c1.first_violation == e.first_violation);  // compact runs number states alike
    CHECK(c2.violation_depth == e.violation_depth);
    CHECK(c1.fingerprint_bits == 100);
    CHECK(e.fingerprint_bits == 0);
    const double d = double(c1.states), g = double(c1.transitions);
    CHECK(c1.omission_probability == d * (g - d) / std::ldexp(1.0, 100));
    CHECK(c1.omission_probability < 1e-18);
    // 12-byte slots in tables 45% to 90% full.
    CHECK(double(c1.store_bytes) / c1.states >= 12.0 / 0.9);
    CHECK(double(c1.store_bytes) / c1.states <= 12.0 / 0.45);
}

TEST_CASE("a --disk run keeps the exact run's numbers with its queue on disk, and removes its files" *
          doctest::test_suite("slow")) {
    // exhaustive-pins under linux-5.9 without symmetry: 1,092,215 states in 33 levels, the
    // widest over 64 Ki states, so whole chunks of the queue go to disk and come back.
    const CowModel model = pins_model("linux-5.9");
    cli_test::TempDir tmp("disk-queue");
    engine::Options on_disk{2, false};
    on_disk.disk_dir = tmp.path.string();
    Explorer<CowModel> exact(model, {1, false}), compact(model, {2, true}), disk(model, on_disk);
    const engine::Result e = exact.run(), c = compact.run(), d = disk.run();
    CHECK(e.states == 1092215);
    CHECK(d.states == 1092215);
    CHECK(d.transitions == 11272065);
    CHECK(d.depth == 32);
    CHECK(d.first_violation == e.first_violation);
    CHECK(d.violation_depth == e.violation_depth);
    CHECK(d.compact);
    CHECK(d.disk);
    CHECK(d.omission_probability == c.omission_probability);
    // Every state's 8-byte link, and the queue's full chunks (24-byte states, 64 Ki a chunk).
    CHECK(d.disk_bytes > 8 * d.states);
    CHECK((d.disk_bytes - 8 * d.states) % (24 * 65536) == 0);
    // In memory: the fingerprints, a chunk or two of the queue and the block's buffers, where
    // compact mode without --disk keeps two levels of states.
    CHECK(d.peak_bytes < c.peak_bytes);
    // The files stay while the explorer can still rebuild a trace, and go with it.
    CHECK(std::distance(fs::directory_iterator(tmp.path), fs::directory_iterator{}) == 2);  // io/, cowpin-*/
}

TEST_CASE("a --disk run past its memory cap stops as incomplete and leaves no files") {
    const CowModel model = pins_model("linux-5.19");
    cli_test::TempDir tmp("disk-cap");
    {
        engine::Options on_disk{1, false};
        on_disk.disk_dir = tmp.path.string();
        Explorer<CowModel> disk(model, on_disk);
        engine::Limits cap;
        cap.max_bytes = 2 << 20;
        const engine::Result r = disk.run(cap);
        CHECK_FALSE(r.complete);
        CHECK(r.memory_limited);
    }
    CHECK(std::distance(fs::directory_iterator(tmp.path), fs::directory_iterator{}) == 1);  // io/
}

TEST_CASE("check --disk writes the exact run's counterexamples, byte for byte, on 1 and 2 threads") {
    cli_test::TempDir tmp("disk-check");
    fs::create_directories(tmp.path / "queue");
    const std::string spec = "specs/exhaustive-pins.json --policy linux-5.18 --threads ";
    const cli_test::Run exact =
        cli_test::cowpin("check " + spec + "1 --out " + cli_test::quote(tmp / "exact"), tmp);
    const cli_test::Run one = cli_test::cowpin(
        "check " + spec + "1 --out " + cli_test::quote(tmp / "one") + " --disk " +
            cli_test::quote(tmp / "queue"), tmp);
    const cli_test::Run two = cli_test::cowpin(
        "check " + spec + "2 --compact --out " + cli_test::quote(tmp / "two") + " --disk " +
            cli_test::quote(tmp / "queue"), tmp);
    CHECK(exact.code == 0);
    CHECK(one.code == 0);
    CHECK(two.code == 0);
    CHECK(cli_test::has(exact.out, "states=203219 transitions="));  // the pinned symmetric count
    CHECK(cli_test::has(one.out, "states=203219 transitions="));
    CHECK(cli_test::has(two.out, "states=203219 transitions="));
    CHECK(cli_test::has(one.out, "(100-bit fingerprints)"));
    const auto traces = cli_test::snapshot(tmp.path / "exact");
    CHECK(traces.size() == 3);  // pinned_exclusive, memory_private, pin_reliable
    CHECK(cli_test::snapshot(tmp.path / "one") == traces);
    CHECK(cli_test::snapshot(tmp.path / "two") == traces);
    CHECK(fs::is_empty(tmp.path / "queue"));  // every run removed its files
}

TEST_CASE("--disk on a path that cannot hold a directory exits 2 with one line") {
    cli_test::TempDir tmp("disk-bad");
    const cli_test::Run r = cli_test::cowpin(
        "check specs/exhaustive-pins.json --policy linux-5.19 --disk specs/exhaustive-pins.json", tmp);
    CHECK(r.code == 2);
    CHECK(r.err == "cowpin: --disk: cannot make a directory in 'specs/exhaustive-pins.json': "
                   "Not a directory (expected a writable directory)\n");
    CHECK(r.out == "");
    const cli_test::Run missing = cli_test::cowpin(
        "check specs/exhaustive-pins.json --disk " + cli_test::quote(tmp / "no/such/dir"), tmp);
    CHECK(missing.code == 2);
    CHECK(cli_test::count_lines(missing.err) == 1);
    CHECK(cli_test::has(missing.err, "No such file or directory (expected a writable directory)"));
}

TEST_CASE("a full disk under --disk ends the run as a limit: exit 4, the file named, nothing written or left") {
    // A file size limit (RLIMIT_FSIZE, SIGXFSZ ignored) fails the writes as a full disk would:
    // 32 blocks of 512 bytes hold the links of 2,048 states; exhaustive-pins has 57,515.
    cli_test::TempDir tmp("disk-full");
    fs::create_directories(tmp / "queue");
    const cli_test::Run r = cli_test::sh(
        "trap '' XFSZ; ulimit -f 32; exec " + cli_test::quote(cli_test::kBinary.string()) +
            " check specs/exhaustive-pins.json --policy linux-5.9 --disk " +
            cli_test::quote(tmp / "queue") + " --out " + cli_test::quote(tmp / "out"),
        tmp);
    CHECK(r.code == 4);
    CHECK(cli_test::has(r.out, "states=1546 transitions=5780 depth=5 "));
    CHECK(cli_test::has(r.out, "INCOMPLETE (disk limit reached after 1546 states, depth 5: verdicts "
                               "are for the states explored; cannot write '"));
    CHECK(cli_test::has(r.out, "/links': File too large)"));
    CHECK(cli_test::has(r.out, "1 checks, 0 as expected, 0 not, 1 incomplete"));
    CHECK(fs::is_empty(tmp / "out"));    // the violations found are in no trace file
    CHECK(fs::is_empty(tmp / "queue"));  // the run's directory is gone
}

TEST_CASE("SIGTERM stops a --disk search as a limit: exit 4, its levels printed, its files removed, the next runs skipped") {
    // (3, 1, 2, 1) takes half an hour here. The signal is sent once the first progress line
    // (3 s in) says the search is under way; the second policy's run never starts.
    cli_test::TempDir tmp("interrupt");
    fs::create_directories(tmp / "queue");
    const std::string queue = cli_test::quote(tmp / "queue"), err = cli_test::quote(tmp / "err");
    const cli_test::Run r = cli_test::sh(
        "{ " + cli_test::quote(cli_test::kBinary.string()) +
            " check specs/bench/bench-pins-3121.json --policy linux-5.19,linux-5.9 --threads 1"
            " --no-write --stats --disk " + queue + " 2>" + err + " & pid=$!; "
            "until grep -q ' states, ' " + err + "; do sleep 0.1; done; "
            "kill -TERM $pid; wait $pid; code=$?; cat " + err + " >&2; exit $code; }",
        tmp);
    CHECK(r.code == 4);
    CHECK(cli_test::has(r.out, "bench-pins-3121  linux-5.19  no violation in the states explored"));
    CHECK(cli_test::has(r.out, "INCOMPLETE (interrupt signal reached after "));
    CHECK(cli_test::has(r.out, "1 checks, 0 as expected, 0 not, 1 incomplete"));
    CHECK(cli_test::has(r.err, "\n  levels: 1 "));
    CHECK(cli_test::has(r.err, "[warning] Terminated: 1 run not started\n"));
    CHECK(fs::is_empty(tmp / "queue"));  // the run's directory is gone
}
