// The bytes of a State that a Shape can use (StateSpans): copy and compare only those.
//
// A State is sized for the largest bounds (kMaxPages 4 for a 16 kB mTHP, kMaxFrames 28): 544
// bytes, where a base-page search of (2, 1, 2, 1) uses about 200 of them. next_state() copies
// the parent and compares the successor with it for every candidate action; the bytes past the
// shape's processes, frames, slots, handles and values always hold their defaults in both (the
// model writes nothing there, and pack() refuses a state that does), so copying and comparing
// the used spans gives the same result as the whole State.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "model/state.hpp"

#if defined(__x86_64__)
#include <emmintrin.h>
#endif

namespace cowpin {

class StateSpans {
public:
    StateSpans() : StateSpans(Shape::full()) {}
    // The spans of a shape's mid-step state (Shape::frames, Shape::values: a step's own frame
    // and value too), in 16-byte chunks, neighbouring ones merged.
    explicit StateSpans(const Shape& sh) {
        add(offsetof(State, procs), sh.procs * sizeof(Process));
        add(offsetof(State, frames), sh.frames * sizeof(Frame));
        add(offsetof(State, slots), sh.slots * sizeof(Slot));
        add(offsetof(State, handles), sh.handles * sizeof(Handle));
        add(offsetof(State, values), sh.values * sizeof(Value));
        add(offsetof(State, program), sizeof(State) - offsetof(State, program));
    }

    // dst = src, where both hold defaults outside the spans.
    void copy(State& dst, const State& src) const {
#if defined(__x86_64__)
        auto* d = reinterpret_cast<__m128i*>(&dst);
        const auto* s = reinterpret_cast<const __m128i*>(&src);
        for (int r = 0; r < n_; ++r)
            for (int i = begin_[r]; i < end_[r]; ++i) _mm_storeu_si128(d + i, _mm_loadu_si128(s + i));
#else
        for (int r = 0; r < n_; ++r)
            std::memcpy(reinterpret_cast<char*>(&dst) + begin_[r] * 16,
                        reinterpret_cast<const char*>(&src) + begin_[r] * 16,
                        (end_[r] - begin_[r]) * 16);
#endif
    }
    // a == b, where both hold defaults outside the spans.
    bool equal(const State& a, const State& b) const {
#if defined(__x86_64__)
        const auto* x = reinterpret_cast<const __m128i*>(&a);
        const auto* y = reinterpret_cast<const __m128i*>(&b);
        __m128i diff = _mm_setzero_si128();
        for (int r = 0; r < n_; ++r)
            for (int i = begin_[r]; i < end_[r]; ++i)
                diff = _mm_or_si128(diff, _mm_xor_si128(_mm_loadu_si128(x + i), _mm_loadu_si128(y + i)));
        return _mm_movemask_epi8(_mm_cmpeq_epi8(diff, _mm_setzero_si128())) == 0xFFFF;
#else
        for (int r = 0; r < n_; ++r)
            if (std::memcmp(reinterpret_cast<const char*>(&a) + begin_[r] * 16,
                            reinterpret_cast<const char*>(&b) + begin_[r] * 16,
                            (end_[r] - begin_[r]) * 16) != 0)
                return false;
        return true;
#endif
    }
    // 16-byte chunks covered (for tests and bench notes).
    int chunks() const {
        int c = 0;
        for (int r = 0; r < n_; ++r) c += end_[r] - begin_[r];
        return c;
    }

private:
    static_assert(sizeof(State) % 16 == 0);
    void add(std::size_t offset, std::size_t bytes) {
        if (bytes == 0) return;
        const int b = static_cast<int>(offset / 16);
        const int e = static_cast<int>((offset + bytes + 15) / 16);
        if (n_ > 0 && b <= end_[n_ - 1]) {
            if (e > end_[n_ - 1]) end_[n_ - 1] = static_cast<std::uint8_t>(e);
            return;
        }
        begin_[n_] = static_cast<std::uint8_t>(b);
        end_[n_] = static_cast<std::uint8_t>(e);
        ++n_;
    }
    std::array<std::uint8_t, 6> begin_{}, end_{};
    int n_ = 0;
};

}  // namespace cowpin
