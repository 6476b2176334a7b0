// The packed encoding of a State, sized from the bounds (issue 5, "compact states").
//
// A State is 544 bytes so that the model can index it with plain arrays; most of those bytes are
// out of bounds (process slots, pages, frames, values the bounds never use) or hold small
// numbers. The codec gives every byte of the State a bit width from the bounds — 0 for bytes
// that always hold their default, ceil(log2(max + 1)) for a count or flag, one more for a field
// that may be kNone (stored as all ones) — and packs the bytes of each 8-byte word with one
// BMI2 PEXT (PDEP to unpack; a portable loop where the CPU has no BMI2). At (2, 1, 2, 1) a
// canonical state packs into 32 bytes instead of 544.
//
// pack() then unpack() gives back the same bytes for every state within the bounds. A state
// that is not (a model bug: a frame or value past the Shape, a count past its maximum) does not
// survive the round trip, and pack() says so; the engine checks that for every successor.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/state.hpp"
#include "model/state_spans.hpp"

namespace cowpin {

class StateCodec {
public:
    // `program_lengths[p]`: steps in process p's scenario program (0 in the exhaustive form).
    StateCodec(const Shape& shape, const std::array<std::uint8_t, kMaxProcs>& program_lengths);

    std::size_t words() const { return words_; }  // packed size in 64-bit words
    std::size_t bits() const { return bits_; }    // bits actually used
    // Packs `s`; returns whether it fits, i.e. unpack() will give `s` back (checked on the
    // State's bytes, 16 at a time, without unpacking).
    bool pack(const State& s, std::uint64_t* out) const;
    void unpack(const std::uint64_t* in, State& s) const;
    // pack() then unpack() reproduces `s` exactly (and pack() said so).
    bool round_trips(const State& s) const;

private:
    static constexpr std::size_t kStateWords = sizeof(State) / 8;
    static_assert(kStateWords % 2 == 0, "the fit check and unpack() take 16 bytes at a time");
    // A word of the State that packs to some bits: where they go.
    struct Word {
        std::uint16_t index;     // which 8-byte word of the State
        std::uint8_t bits;       // popcount(mask)
        std::uint8_t shift;      // its bits start at bit `shift` of packed word `at`...
        std::uint16_t at;
        std::uint8_t spill;      // ...and continue in word at + 1
        std::uint8_t flush;      // they fill word `at` up (to its last bit or past it)
        std::uint64_t low;       // the low `bits` bits set
        std::uint64_t mask;      // the low `width` bits of each byte
    };
    // Per word of the State (all of them, fixed ones too), what a byte must look like to
    // survive the round trip, and how unpack() rebuilds it. Each array is 16-byte aligned and
    // kStateWords is even, so the checks run 16 bytes at a time.
    struct alignas(16) Words {
        std::array<std::uint64_t, kStateWords> v;
    };
    Words outside_{};    // 0xFF in bytes packed to no bits (kept at their default)
    Words def_{};        // the bytes of State{} where outside_ is 0xFF, else 0
    Words one_{};        // 0x01 in nullable bytes (kNone, 0xFF, becomes 0 when 1 is added)
    Words over_{};       // bits of packed bytes above their width, once one_ is added
    Words none_code_{};  // nullable bytes: their all-ones code; others: 0
    Words nullable_{};   // 0xFF in nullable bytes
    // 16-byte chunks of the State, as runs [first, last): `live_` holds a byte the shape packs
    // to some bits; `fixed_` only bytes packed to none (past the shape: other processes'
    // slots, frames, values...). pack()'s fit check and unpack() run their full formula on the
    // live runs and only compare with, or copy, the defaults on the fixed ones (most of a
    // 608-byte State at base-page bounds).
    struct Run {
        std::uint16_t first, last;
        ChunkCopy copy;  // chunk_copy(last - first)
    };
    std::vector<Run> live_, fixed_;
    // The fit check of pack(), per chunk: the masks it needs side by side, and per run (live and
    // fixed, in chunk order) a routine unrolled for the run's length (packing.cpp), as
    // StateSpans does for its copies: a loop over the chunks of each run cost the base-page
    // search 63 M more instructions than the old 320-byte State's single loop.
    struct alignas(16) FitChunk {
        std::uint64_t one[2], over[2], outside[2], def[2];
    };
    using FitCheck = bool (*)(const unsigned char* bytes, const FitChunk* masks);
    struct Check {
        FitCheck fn;
        std::uint16_t first;
    };
    std::array<FitChunk, kStateWords / 2> fit_{};
    std::vector<Check> checks_;
    std::vector<Word> packed_;
    std::size_t words_ = 0, bits_ = 0;
    bool bmi2_ = false;
};

}  // namespace cowpin
