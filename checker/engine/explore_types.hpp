// What an exploration is asked and what it reports (Limits, Options, Progress, Result), and
// how the engine stores a model's states (detail::Codec: the model's packed encoding, or the
// state's own bytes). The exploration itself is in checker/engine/bfs.hpp.
#pragma once

#include <array>
#include <atomic>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "checker/engine/state_store.hpp"

namespace cowpin::engine {

struct Limits {
    std::uint32_t max_depth = 0;   // 0 = none; states at this depth are not expanded
    std::uint64_t max_states = 0;  // 0 = none; exploration stops (incomplete) past this
    std::uint64_t max_bytes = 0;   // 0 = none; stops (incomplete) when memory grows past this
    double max_seconds = 0;        // 0 = none; stops (incomplete) after this long
    // Set from outside (a signal handler: SIGINT, SIGTERM) to stop the run after the block
    // being expanded, as a limit: the levels found so far are reported, --disk files removed.
    const std::atomic<bool>* interrupt = nullptr;
    // 0 = none; Result::mark_seconds says when the run first held this many states. States are
    // numbered and counted after each block in the same way on any thread count, so a run
    // given another's final count as its mark does exactly that run's work by the mark.
    std::uint64_t mark_states = 0;
};

struct Options {
    unsigned threads = 1;
    // 100-bit fingerprints instead of states (checker/engine/fingerprint_table.hpp); traces are
    // rebuilt by an exact re-run.
    bool compact = false;
    // Exact mode: index slots are 4 bytes while ids need at most this many bits (at most 28),
    // 8 bytes past that. Tests lower it to take the 8-byte path on small runs.
    unsigned narrow_id_bits = 28;
    // --disk: a directory for the BFS queue and the trace links (checker/engine/disk_store.hpp);
    // implies compact mode. Empty: everything in memory.
    std::string disk_dir;
};

struct Progress {
    std::uint64_t states = 0, transitions = 0;
    std::uint32_t depth = 0;  // levels fully expanded so far
    std::uint64_t queue = 0;  // states found but not yet expanded
    std::uint64_t bytes = 0;  // the visited set and queues
    double seconds = 0;
};

struct Result {
    std::uint64_t states = 0;
    std::uint64_t transitions = 0;  // enabled (state, action) pairs, new or not
    std::uint32_t depth = 0;        // deepest level reached
    bool complete = true;           // false if a limit cut the run short
    bool memory_limited = false;    // it was max_bytes
    bool id_limited = false;        // it was kMaxStates
    bool time_limited = false;      // it was max_seconds
    bool interrupted = false;       // it was Limits::interrupt
    // --disk: a write or read of the disk directory failed (a full disk): why, naming the file.
    std::string disk_error;
    std::uint64_t bytes = 0;        // memory at the end: visited set (+ queues, compact)
    std::uint64_t store_bytes = 0;  // the visited set alone
    std::uint64_t peak_bytes = 0;   // the most `bytes` after any block
    std::size_t packed_bytes = 0;   // one packed state
    bool depth_limited = false;     // true if max_depth left states unexpanded
    double seconds = 0;
    // The states at each depth: level_states[d] is level d, whole (every parent of level d-1
    // expanded); a run cut short while expanding a level has the next level's states found so
    // far in partial_level. level_states sum to states minus partial_level, and are the same
    // on any number of threads or ranks (a level is a set).
    std::vector<std::uint64_t> level_states;
    std::uint64_t partial_level = 0;
    unsigned threads = 1;
    bool compact = false;
    // Over ranks (checker/engine/distributed_bfs.hpp): how many, and what they sent one another
    // (payload bytes and non-empty messages to other ranks, and collective calls per rank).
    unsigned ranks = 1;
    std::uint64_t bytes_sent = 0, messages = 0, collectives = 0;
    // Compact mode: the fingerprints' width, and the chance that a state was never explored
    // because its fingerprint equalled another's — TLC's optimistic estimate,
    // states × (transitions − states) / 2^fingerprint_bits.
    unsigned fingerprint_bits = 0;
    // --disk: bytes written to the disk directory (queue chunks and links; the first are read
    // back and removed as the search reaches them).
    bool disk = false;
    std::uint64_t disk_bytes = 0;
    double omission_probability = 0;
    std::optional<double> mark_seconds;  // when the run first held Limits::mark_states states
    // Wall time in the phases of a block (expand, grow the index, insert, number, store): how
    // well the threads share the work.
    std::array<double, 5> phase_seconds{};
    // Per action label (models with label(), concepts.hpp): the states whose first discovery was
    // by an action of that label (the initial state is no one's).
    std::vector<std::uint64_t> discovered_by;
    std::vector<std::optional<StateId>> first_violation;    // per invariant (exact mode)
    std::vector<std::optional<std::uint32_t>> violation_depth;  // per invariant
};

// Which limit cut a run short, in words, for a Result that is not complete (disk_error says
// why the disk did).
inline std::string limit_name(const Result& r) {
    if (!r.disk_error.empty()) return "disk limit";
    return r.interrupted       ? "interrupt signal"
           : r.memory_limited  ? "memory limit"
           : r.time_limited  ? "time limit"
           : r.depth_limited ? "depth bound"
                             : "state limit";
}

namespace detail {

template <class M>
concept Packs = requires(const M& m, const typename M::State& s, std::uint64_t* w,
                         const std::uint64_t* cw, typename M::State& out) {
    { m.packed_words() } -> std::convertible_to<std::size_t>;
    { m.pack(s, w) } -> std::convertible_to<bool>;  // false: the state does not fit (model bug)
    m.unpack(cw, out);
};

// A model that says when a step left its state unchanged: successor(s, a, out, unchanged) is
// next_state(s, a, out) and sets `unchanged` only when out == s (false says nothing). The engine
// then counts the self-loop without packing the successor.
template <class M>
concept SaysUnchanged = requires(const M& m, const typename M::State& s, const typename M::Action& a,
                                 typename M::State& out, bool& unchanged) {
    { m.successor(s, a, out, unchanged) } -> std::convertible_to<bool>;
};

// The model's packed encoding, or the state's own bytes for models without one.
template <class M>
struct Codec {
    using State = typename M::State;
    const M& m;
    std::size_t words() const {
        if constexpr (Packs<M>)
            return m.packed_words();
        else
            return (sizeof(State) + 7) / 8;
    }
    // Packs `s`; false if unpack() would not give it back.
    bool pack(const State& s, std::uint64_t* out) const {
        if constexpr (Packs<M>) {
            return m.pack(s, out);
        } else {
            out[words() - 1] = 0;
            std::memcpy(out, &s, sizeof(State));
            return true;
        }
    }
    // The successor by `a`, or false if `a` is not enabled; `unchanged`: it is `s` itself, as
    // the model saw (see SaysUnchanged). Other self-loops show as packed words equal to the
    // parent's: the packed form is exact for states that fit.
    bool successor(const State& s, const typename M::Action& a, State& out, bool& unchanged) const {
        if constexpr (SaysUnchanged<M>) {
            return m.successor(s, a, out, unchanged);
        } else {
            unchanged = false;
            return m.next_state(s, a, out);
        }
    }
    void unpack(const std::uint64_t* in, State& s) const {
        if constexpr (Packs<M>)
            m.unpack(in, s);
        else
            std::memcpy(static_cast<void*>(&s), in, sizeof(State));
    }
};

}  // namespace detail

}  // namespace cowpin::engine
