// The bytes of a State that a Shape can use (StateSpans): copy and compare only those.
//
// A State is sized for the largest bounds (kMaxPages 4 for a 16 kB mTHP, kMaxFrames 32): 608
// bytes, where a base-page search of (2, 1, 2, 1) uses 15 of its 38 chunks of 16 bytes.
// next_state() copies the parent and compares the successor with it for every enabled action;
// the bytes past the shape's processes, frames, slots, handles and values always hold their
// defaults in both (the model writes nothing there, and pack() refuses a state that does), so
// copying and comparing the used spans gives the same result as the whole State.
//
// Each run of chunks is copied and compared by a routine unrolled for its length (one of
// chunk_copy(n), chunk_equal(n)), picked when the shape is known: a loop over the chunks of a
// run cost the base-page search 77 M more instructions than the 20 unrolled chunks of the old
// 320-byte State (callgrind, exhaustive-pins under linux-5.19).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "model/state.hpp"

namespace cowpin {

// dst = src over n chunks of 16 bytes, and whether a and b agree there, for n from 0 to
// sizeof(State) / 16; unaligned pointers.
using ChunkCopy = void (*)(unsigned char* dst, const unsigned char* src);
using ChunkEqual = bool (*)(const unsigned char* a, const unsigned char* b);
ChunkCopy chunk_copy(std::size_t chunks);
ChunkEqual chunk_equal(std::size_t chunks);

class StateSpans {
public:
    StateSpans() : StateSpans(Shape::full()) {}
    // The spans of a shape's mid-step state (Shape::frames, Shape::values: a step's own frame
    // and value too), in 16-byte chunks, neighbouring ones merged.
    explicit StateSpans(const Shape& sh);

    // dst = src, where both hold defaults outside the spans.
    void copy(State& dst, const State& src) const {
        auto* d = reinterpret_cast<unsigned char*>(&dst);
        const auto* s = reinterpret_cast<const unsigned char*>(&src);
        for (int r = 0; r < n_; ++r) run_[r].copy(d + run_[r].offset, s + run_[r].offset);
    }
    // a == b, where both hold defaults outside the spans. Run by run, the processes first: a
    // step that changed something (five enabled steps in six) mostly changed a PTE.
    bool equal(const State& a, const State& b) const {
        const auto* x = reinterpret_cast<const unsigned char*>(&a);
        const auto* y = reinterpret_cast<const unsigned char*>(&b);
        for (int r = 0; r < n_; ++r)
            if (!run_[r].equal(x + run_[r].offset, y + run_[r].offset)) return false;
        return true;
    }
    // 16-byte chunks covered (for tests and bench notes).
    int chunks() const { return chunks_; }

private:
    static_assert(sizeof(State) % 16 == 0);
    struct Run {
        ChunkCopy copy = nullptr;
        ChunkEqual equal = nullptr;
        std::uint16_t offset = 0;  // bytes
    };
    std::array<Run, 6> run_{};
    int n_ = 0, chunks_ = 0;
};

}  // namespace cowpin
