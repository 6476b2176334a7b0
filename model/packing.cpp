#include "model/packing.hpp"

#include <bit>
#include <cstddef>
#include <cstring>
#include <stdexcept>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace cowpin {

namespace {

constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7Full;
constexpr std::uint64_t kHigh = 0x8080808080808080ull;
constexpr std::uint64_t kOnes = 0x0101010101010101ull;

// Portable PEXT/PDEP, for CPUs without BMI2.
std::uint64_t soft_pext(std::uint64_t x, std::uint64_t mask) {
    std::uint64_t out = 0;
    for (std::uint64_t bit = 1; mask; bit <<= 1, mask &= mask - 1)
        if (x & mask & -mask) out |= bit;
    return out;
}
std::uint64_t soft_pdep(std::uint64_t x, std::uint64_t mask) {
    std::uint64_t out = 0;
    for (std::uint64_t bit = 1; mask; bit <<= 1, mask &= mask - 1)
        if (x & bit) out |= mask & -mask;
    return out;
}

// Word k's bits go to a fixed place in the packed words (Word::at, shift, spill), so words are
// packed and unpacked independently of each other: no running bit position to wait for.
template <class Word>
inline void place(std::uint64_t* out, const Word& k, std::uint64_t v) {
    out[k.at] |= v << k.shift;
    if (k.spill) out[k.at + 1] |= v >> (64 - k.shift);
}
template <class Word>
inline std::uint64_t take(const std::uint64_t* in, const Word& k) {
    std::uint64_t v = in[k.at] >> k.shift;
    if (k.spill) v |= in[k.at + 1] << (64 - k.shift);
    return v & k.low;
}

// A byte survives pack() then unpack() when it is its default (a byte packed to no bits), fits
// its width (a count or flag), or, nullable, fits its width without being the all-ones code
// or is kNone itself. With 1 added to nullable bytes (kNone wraps to 0, the all-ones code
// carries out of the width), the last two read the same: no bit above the width. So a word x
// fits exactly when  ((x + one) & over) | ((x & outside) ^ def)  is zero, bytewise addition.
// On x86-64, 16 bytes at a time with SSE2 (every x86-64 CPU has it); elsewhere 8 with a
// carry-free bytewise add.
inline bool fits(const unsigned char* bytes, const std::uint64_t* outside, const std::uint64_t* def,
                 const std::uint64_t* one, const std::uint64_t* over, std::size_t words) {
#if defined(__x86_64__)
    __m128i bad = _mm_setzero_si128();
    for (std::size_t i = 0; i < words; i += 2) {
        const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + i * 8));
        const auto at = [i](const std::uint64_t* a) {
            return _mm_load_si128(reinterpret_cast<const __m128i*>(a + i));
        };
        const __m128i y = _mm_add_epi8(x, at(one));
        bad = _mm_or_si128(bad, _mm_and_si128(y, at(over)));
        bad = _mm_or_si128(bad, _mm_xor_si128(_mm_and_si128(x, at(outside)), at(def)));
    }
    return _mm_movemask_epi8(_mm_cmpeq_epi8(bad, _mm_setzero_si128())) == 0xFFFF;
#else
    std::uint64_t bad = 0;
    for (std::size_t i = 0; i < words; ++i) {
        std::uint64_t x;
        std::memcpy(&x, bytes + i * 8, 8);
        const std::uint64_t y = ((x & kLow7) + one[i]) ^ (x & kHigh);
        bad |= (y & over[i]) | ((x & outside[i]) ^ def[i]);
    }
    return bad == 0;
#endif
}

// unpack()'s last pass: bytes holding their all-ones code in nullable positions become kNone
// (0xFF), and bytes packed to no bits get their default (x is 0 there).
inline void restore(const std::uint64_t* x, const std::uint64_t* none_code, const std::uint64_t* nullable,
                    const std::uint64_t* def, unsigned char* bytes, std::size_t words) {
#if defined(__x86_64__)
    for (std::size_t i = 0; i < words; i += 2) {
        const auto at = [i](const std::uint64_t* a) {
            return _mm_load_si128(reinterpret_cast<const __m128i*>(a + i));
        };
        const __m128i v = at(x);
        const __m128i none = _mm_and_si128(_mm_cmpeq_epi8(v, at(none_code)), at(nullable));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(bytes + i * 8),
                         _mm_or_si128(_mm_or_si128(v, none), at(def)));
    }
#else
    for (std::size_t i = 0; i < words; ++i) {
        const std::uint64_t t = (x[i] ^ none_code[i]) | (~nullable[i] & kOnes);  // 0 in none bytes
        const std::uint64_t zero = ~(((t & kLow7) + kLow7) | t) & kHigh;
        const std::uint64_t v = x[i] | ((zero >> 7) * 0xFF) | def[i];
        std::memcpy(bytes + i * 8, &v, 8);
    }
#endif
}

// The same two on chunks whose bytes all pack to no bits: they fit when they hold their
// defaults, and unpack() gives the defaults back.
inline bool fixed_fits(const unsigned char* bytes, const std::uint64_t* def, std::size_t words) {
#if defined(__x86_64__)
    __m128i bad = _mm_setzero_si128();
    for (std::size_t i = 0; i < words; i += 2)
        bad = _mm_or_si128(bad, _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + i * 8)),
                                              _mm_load_si128(reinterpret_cast<const __m128i*>(def + i))));
    return _mm_movemask_epi8(_mm_cmpeq_epi8(bad, _mm_setzero_si128())) == 0xFFFF;
#else
    return std::memcmp(bytes, def, words * 8) == 0;
#endif
}
inline void fixed_restore(const std::uint64_t* def, unsigned char* bytes, std::size_t words) {
    std::memcpy(bytes, def, words * 8);
}

template <class Word, class Pext>
inline void pack_words(const std::vector<Word>& table, const State& s, std::uint64_t* out,
                       std::size_t words, Pext pext) {
    std::memset(out, 0, words * 8);
    const auto* bytes = reinterpret_cast<const unsigned char*>(&s);
    for (const Word& k : table) {
        std::uint64_t x;
        std::memcpy(&x, bytes + k.index * 8, 8);
        place(out, k, pext(x, k.mask));
    }
}

template <class Word, class Pdep>
inline void unpack_words(const std::vector<Word>& table, const std::uint64_t* in, std::uint64_t* x,
                         Pdep pdep) {
    for (const Word& k : table) x[k.index] = pdep(take(in, k), k.mask);
}

#if defined(__x86_64__)
// The same loops with the BMI2 instructions (the intrinsics must be inlined into a function
// compiled for BMI2, so they are written out here rather than passed in).
template <class Word>
__attribute__((target("bmi2"))) void pack_bmi2(const std::vector<Word>& table, const State& s,
                                               std::uint64_t* out, std::size_t words) {
    std::memset(out, 0, words * 8);
    const auto* bytes = reinterpret_cast<const unsigned char*>(&s);
    for (const Word& k : table) {
        std::uint64_t x;
        std::memcpy(&x, bytes + k.index * 8, 8);
        place(out, k, _pext_u64(x, k.mask));
    }
}
template <class Word>
__attribute__((target("bmi2"))) void unpack_bmi2(const std::vector<Word>& table,
                                                 const std::uint64_t* in, std::uint64_t* x) {
    for (const Word& k : table) x[k.index] = _pdep_u64(take(in, k), k.mask);
}
#endif

// Per-byte field descriptions: the largest value a byte holds within the bounds, and whether it
// may also be kNone.
struct Layout {
    std::array<int, sizeof(State)> max{};
    std::array<bool, sizeof(State)> nullable{};
    Layout() { max.fill(-1); }
    void field(std::size_t offset, int m, bool can_be_none) {
        max[offset] = m;
        nullable[offset] = can_be_none;
    }
    unsigned width(std::size_t i) const {
        if (nullable[i]) return max[i] < 0 ? 0 : std::bit_width(static_cast<unsigned>(max[i] + 1));
        return max[i] <= 0 ? 0 : std::bit_width(static_cast<unsigned>(max[i]));
    }
};

}  // namespace

StateCodec::StateCodec(const Shape& sh, const std::array<std::uint8_t, kMaxProcs>& program_lengths) {
    const State def{};
    std::array<std::uint64_t, kStateWords> default_bytes;
    std::memcpy(default_bytes.data(), &def, sizeof(State));
    Layout L;
    const int P = sh.procs, V = sh.pages, H = sh.handles, S = sh.slots, F = sh.stored_frames,
              NV = sh.stored_values;
    const int pte_maps = P * V;
    bool scenario = false;
    for (std::uint8_t len : program_lengths) scenario |= len != 0;
    for (int p = 0; p < P; ++p) {
        const std::size_t po = offsetof(State, procs) + p * sizeof(Process);
        L.field(po + offsetof(Process, alive), 1, false);
        L.field(po + offsetof(Process, parent), P - 1, true);
        L.field(po + offsetof(Process, has_pinned), 1, false);
        L.field(po + offsetof(Process, dontcopy), sh.dontfork ? (1 << V) - 1 : -1, false);
        for (int v = 0; v < V; ++v) {
            const std::size_t to = po + offsetof(Process, pte) + v * sizeof(Pte);
            L.field(to + offsetof(Pte, kind), sh.large_folios ? 5 : 3, false);
            L.field(to + offsetof(Pte, target), std::max(F, S) - 1, true);
            L.field(to + offsetof(Pte, writable), 1, false);
            L.field(to + offsetof(Pte, swp_exclusive), 1, false);
            L.field(to + offsetof(Pte, migration), 2, false);
            L.field(po + offsetof(Process, ideal) + v, NV - 1, true);
        }
    }
    for (int f = 0; f < F; ++f) {
        const std::size_t fo = offsetof(State, frames) + f * sizeof(Frame);
        L.field(fo + offsetof(Frame, in_use), 1, false);
        L.field(fo + offsetof(Frame, mapcount), pte_maps, false);
        L.field(fo + offsetof(Frame, refcount), pte_maps + H + 2, false);
        L.field(fo + offsetof(Frame, pins), H, false);
        L.field(fo + offsetof(Frame, gets), H, false);
        L.field(fo + offsetof(Frame, anon_exclusive), 1, false);
        L.field(fo + offsetof(Frame, swapcache), S - 1, true);
        L.field(fo + offsetof(Frame, isolated), 1, false);
        L.field(fo + offsetof(Frame, data), NV - 1, true);
        L.field(fo + offsetof(Frame, folio), sh.large_folios ? F - 1 : -1, true);
    }
    for (int sl = 0; sl < S; ++sl) {
        const std::size_t so = offsetof(State, slots) + sl * sizeof(Slot);
        L.field(so + offsetof(Slot, in_use), 1, false);
        L.field(so + offsetof(Slot, count), pte_maps, false);
        L.field(so + offsetof(Slot, cache), F - 1, true);
        L.field(so + offsetof(Slot, data), NV - 1, true);
    }
    for (int h = 0; h < H; ++h) {
        const std::size_t ho = offsetof(State, handles) + h * sizeof(Handle);
        L.field(ho + offsetof(Handle, in_use), 1, false);
        L.field(ho + offsetof(Handle, kind), 2, false);
        L.field(ho + offsetof(Handle, write), 1, false);
        L.field(ho + offsetof(Handle, owner), P - 1, true);
        L.field(ho + offsetof(Handle, vaddr), V - 1, false);
        L.field(ho + offsetof(Handle, frame), F - 1, true);
        L.field(ho + offsetof(Handle, cell), H - 1, true);
        L.field(ho + offsetof(Handle, expect), NV - 1, true);
        L.field(ho + offsetof(Handle, baseline), NV - 1, true);
    }
    const int attached_max = (P - 1) * kMaxPages + (V - 1);
    const int cell_max = H > 0 ? (kDetachedCell | (H - 1)) : attached_max;
    for (int v = 0; v < NV; ++v) {
        const std::size_t vo = offsetof(State, values) + v * sizeof(Value);
        L.field(vo + offsetof(Value, cell), std::max(attached_max, cell_max), true);
        L.field(vo + offsetof(Value, writer), P - 1, true);
    }
    for (int p = 0; p < P && scenario; ++p) {
        L.field(offsetof(State, program) + offsetof(Program, pc) + p, program_lengths[p], false);
        L.field(offsetof(State, program) + offsetof(Program, started) + p, 1, false);
    }

    for (std::size_t w = 0; w < kStateWords; ++w) {
        Word k{};
        k.index = static_cast<std::uint16_t>(w);
        std::uint64_t keep = 0;
        for (std::size_t b = 0; b < 8; ++b) {
            const std::size_t i = w * 8 + b;
            const unsigned width = L.width(i);
            if (width == 0) continue;
            const std::uint64_t low = (std::uint64_t{1} << width) - 1;
            k.mask |= low << (8 * b);
            keep |= std::uint64_t{0xFF} << (8 * b);
            if (L.nullable[i]) {
                none_code_.v[w] |= low << (8 * b);
                nullable_.v[w] |= std::uint64_t{0xFF} << (8 * b);
                one_.v[w] |= std::uint64_t{1} << (8 * b);
            }
        }
        outside_.v[w] = ~keep;
        def_.v[w] = default_bytes[w] & ~keep;
        over_.v[w] = keep & ~k.mask;
        if (!k.mask) continue;  // a word packed to no bits: only checked against its default
        k.bits = static_cast<std::uint8_t>(std::popcount(k.mask));
        k.at = static_cast<std::uint16_t>(bits_ / 64);
        k.shift = static_cast<std::uint8_t>(bits_ % 64);
        k.spill = k.shift + k.bits > 64;
        k.low = k.bits == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << k.bits) - 1;
        bits_ += k.bits;
        packed_.push_back(k);
    }
    words_ = std::max<std::size_t>(1, (bits_ + 63) / 64);
    for (std::size_t c = 0; c < kStateWords / 2; ++c) {
        const bool fixed = outside_.v[2 * c] == ~std::uint64_t{0} &&
                           outside_.v[2 * c + 1] == ~std::uint64_t{0};
        std::vector<Run>& runs = fixed ? fixed_ : live_;
        const auto at = static_cast<std::uint16_t>(c);
        if (!runs.empty() && runs.back().last == at)
            ++runs.back().last;
        else
            runs.push_back(Run{at, static_cast<std::uint16_t>(at + 1)});
    }
#if defined(__x86_64__)
    bmi2_ = __builtin_cpu_supports("bmi2");
#endif
}

bool StateCodec::pack(const State& s, std::uint64_t* out) const {
#if defined(__x86_64__)
    if (bmi2_)
        pack_bmi2(packed_, s, out, words_);
    else
#endif
        pack_words(packed_, s, out, words_, soft_pext);
    const auto* bytes = reinterpret_cast<const unsigned char*>(&s);
#if defined(__x86_64__)
    // One pass over the chunks, with the full test where the shape packs bytes and a
    // comparison with the defaults elsewhere (see fits()).
    __m128i bad = _mm_setzero_si128();
    const auto at = [](const std::uint64_t* a, std::size_t c) {
        return _mm_load_si128(reinterpret_cast<const __m128i*>(a + 2 * c));
    };
    for (const Run& r : live_)
        for (std::size_t c = r.first; c < r.last; ++c) {
            const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + 16 * c));
            const __m128i y = _mm_add_epi8(x, at(one_.v.data(), c));
            bad = _mm_or_si128(bad, _mm_and_si128(y, at(over_.v.data(), c)));
            bad = _mm_or_si128(bad, _mm_xor_si128(_mm_and_si128(x, at(outside_.v.data(), c)),
                                                  at(def_.v.data(), c)));
        }
    for (const Run& r : fixed_)
        for (std::size_t c = r.first; c < r.last; ++c)
            bad = _mm_or_si128(bad, _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + 16 * c)),
                                                  at(def_.v.data(), c)));
    return _mm_movemask_epi8(_mm_cmpeq_epi8(bad, _mm_setzero_si128())) == 0xFFFF;
#else
    bool ok = true;
    for (const Run& r : live_) {
        const std::size_t w = 2 * r.first, n = 2 * (r.last - r.first);
        ok &= fits(bytes + 8 * w, outside_.v.data() + w, def_.v.data() + w, one_.v.data() + w,
                   over_.v.data() + w, n);
    }
    for (const Run& r : fixed_) {
        const std::size_t w = 2 * r.first, n = 2 * (r.last - r.first);
        ok &= fixed_fits(bytes + 8 * w, def_.v.data() + w, n);
    }
    return ok;
#endif
}

void StateCodec::unpack(const std::uint64_t* in, State& s) const {
    Words x;  // only the live runs are read: zeroed, then the packed words put in
    for (const Run& r : live_)
        std::memset(x.v.data() + 2 * r.first, 0, 16 * (r.last - r.first));
#if defined(__x86_64__)
    if (bmi2_)
        unpack_bmi2(packed_, in, x.v.data());
    else
#endif
        unpack_words(packed_, in, x.v.data(), soft_pdep);
    auto* bytes = reinterpret_cast<unsigned char*>(&s);
    for (const Run& r : live_) {
        const std::size_t w = 2 * r.first, n = 2 * (r.last - r.first);
        restore(x.v.data() + w, none_code_.v.data() + w, nullable_.v.data() + w,
                def_.v.data() + w, bytes + 8 * w, n);
    }
    for (const Run& r : fixed_) {
        const std::size_t w = 2 * r.first, n = 2 * (r.last - r.first);
        fixed_restore(def_.v.data() + w, bytes + 8 * w, n);
    }
}

bool StateCodec::round_trips(const State& s) const {
    std::uint64_t buf[kStateWords + 1];
    const bool fits = pack(s, buf);
    State back;
    unpack(buf, back);
    if ((back == s) != fits) throw std::logic_error("StateCodec: pack() misjudged a round trip");
    return fits;
}

}  // namespace cowpin
