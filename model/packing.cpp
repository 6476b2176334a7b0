#include "model/packing.hpp"

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstring>
#include <stdexcept>
#include <utility>

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
// unpacked independently of each other: no running bit position to wait for.
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
// fits exactly when  ((x + one) & over) | ((x & outside) ^ def)  is zero, bytewise addition
// (pack()'s fit check, below unpack()'s restore()).

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

// pack()'s fit check on a run of N chunks, unrolled (one routine per length, a table per kind):
// the formula above on chunks where the shape packs bytes, and on the others, whose bytes all
// pack to no bits, only whether they hold their defaults. `m` points at the run's first chunk's
// masks (StateCodec::FitChunk: one, over, outside, def). On x86-64, 16 bytes at a time with SSE2
// (every x86-64 CPU has it); elsewhere 8 with a carry-free bytewise add.
#if defined(__x86_64__)
inline __m128i ld(const std::uint64_t* a) { return _mm_load_si128(reinterpret_cast<const __m128i*>(a)); }
inline __m128i chunk(const unsigned char* bytes, std::size_t c) {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes) + c);
}
inline bool zero(__m128i bad) { return _mm_movemask_epi8(_mm_cmpeq_epi8(bad, _mm_setzero_si128())) == 0xFFFF; }
template <class Masks>
inline __m128i live_bad(__m128i x, const Masks& m) {
    return (_mm_add_epi8(x, ld(m.one)) & ld(m.over)) | ((x & ld(m.outside)) ^ ld(m.def));
}
template <class Masks, std::size_t... I>
bool live_fits([[maybe_unused]] const unsigned char* bytes, [[maybe_unused]] const Masks* m,
               std::index_sequence<I...>) {
    return zero((_mm_setzero_si128() | ... | live_bad(chunk(bytes, I), m[I])));
}
template <class Masks, std::size_t... I>
bool fixed_chunks_fit([[maybe_unused]] const unsigned char* bytes, [[maybe_unused]] const Masks* m,
                      std::index_sequence<I...>) {
    return zero((_mm_setzero_si128() | ... | (chunk(bytes, I) ^ ld(m[I].def))));
}
#else
inline std::uint64_t word(const unsigned char* bytes, std::size_t w) {
    std::uint64_t x;
    std::memcpy(&x, bytes + w * 8, 8);
    return x;
}
template <class Masks>
inline std::uint64_t live_bad(const unsigned char* bytes, const Masks& m) {
    std::uint64_t bad = 0;
    for (int h = 0; h < 2; ++h) {
        const std::uint64_t x = word(bytes, h);
        const std::uint64_t y = ((x & kLow7) + m.one[h]) ^ (x & kHigh);
        bad |= (y & m.over[h]) | ((x & m.outside[h]) ^ m.def[h]);
    }
    return bad;
}
template <class Masks, std::size_t... I>
bool live_fits(const unsigned char* bytes, const Masks* m, std::index_sequence<I...>) {
    return (std::uint64_t{0} | ... | live_bad(bytes + 16 * I, m[I])) == 0;
}
template <class Masks, std::size_t... I>
bool fixed_chunks_fit(const unsigned char* bytes, const Masks* m, std::index_sequence<I...>) {
    return (std::uint64_t{0} | ... |
            ((word(bytes + 16 * I, 0) ^ m[I].def[0]) | (word(bytes + 16 * I, 1) ^ m[I].def[1]))) == 0;
}
#endif
template <class Masks, std::size_t N>
bool live_run_fits(const unsigned char* bytes, const Masks* m) {
    return live_fits(bytes, m, std::make_index_sequence<N>{});
}
template <class Masks, std::size_t N>
bool fixed_run_fits(const unsigned char* bytes, const Masks* m) {
    return fixed_chunks_fit(bytes, m, std::make_index_sequence<N>{});
}
template <class Masks, std::size_t... N>
constexpr auto live_table(std::index_sequence<N...>) {
    return std::array<bool (*)(const unsigned char*, const Masks*), sizeof...(N)>{
        &live_run_fits<Masks, N>...};
}
template <class Masks, std::size_t... N>
constexpr auto fixed_table(std::index_sequence<N...>) {
    return std::array<bool (*)(const unsigned char*, const Masks*), sizeof...(N)>{
        &fixed_run_fits<Masks, N>...};
}

// The packed words are filled in order (Word::at, shift ascending), so each is built in a
// register and stored once it is full (Word::flush), the last one after the loop: no zeroing
// of `out` first, no load and store of it per word.
template <class Word, class Pext>
inline void pack_words(const std::vector<Word>& table, const State& s, std::uint64_t* out,
                       std::size_t words, Pext pext) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(&s);
    std::uint64_t acc = 0;
    std::uint64_t* o = out;
    for (const Word& k : table) {
        std::uint64_t x;
        std::memcpy(&x, bytes + k.index * 8, 8);
        const std::uint64_t v = pext(x, k.mask);
        acc |= v << k.shift;
        if (k.flush) {
            *o++ = acc;
            acc = k.spill ? v >> (64 - k.shift) : 0;
        }
    }
    if (o < out + words) *o = acc;
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
    const auto* bytes = reinterpret_cast<const unsigned char*>(&s);
    std::uint64_t acc = 0;
    std::uint64_t* o = out;
    for (const Word& k : table) {
        std::uint64_t x;
        std::memcpy(&x, bytes + k.index * 8, 8);
        const std::uint64_t v = _pext_u64(x, k.mask);
        acc |= v << k.shift;
        if (k.flush) {
            *o++ = acc;
            acc = k.spill ? v >> (64 - k.shift) : 0;
        }
    }
    if (o < out + words) *o = acc;
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
        k.flush = k.shift + k.bits >= 64;
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
            runs.push_back(Run{at, static_cast<std::uint16_t>(at + 1), nullptr});
        for (int half = 0; half < 2; ++half) {
            const std::size_t w = 2 * c + half;
            fit_[c].one[half] = one_.v[w];
            fit_[c].over[half] = over_.v[w];
            fit_[c].outside[half] = outside_.v[w];
            fit_[c].def[half] = def_.v[w];
        }
    }
    static constexpr auto kLive = live_table<FitChunk>(std::make_index_sequence<kStateWords / 2 + 1>{});
    static constexpr auto kFixed = fixed_table<FitChunk>(std::make_index_sequence<kStateWords / 2 + 1>{});
    for (Run& r : live_) {
        r.copy = chunk_copy(r.last - r.first);
        checks_.push_back(Check{kLive[r.last - r.first], r.first});
    }
    for (Run& r : fixed_) {
        r.copy = chunk_copy(r.last - r.first);
        checks_.push_back(Check{kFixed[r.last - r.first], r.first});
    }
    std::sort(checks_.begin(), checks_.end(),
              [](const Check& a, const Check& b) { return a.first < b.first; });
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
    bool ok = true;
    for (const Check& c : checks_) ok &= c.fn(bytes + 16 * c.first, &fit_[c.first]);
    return ok;
}

void StateCodec::unpack(const std::uint64_t* in, State& s) const {
    static constexpr Words kZero{};
    Words x;  // only the live runs are read: zeroed, then the packed words put in
    auto* xb = reinterpret_cast<unsigned char*>(x.v.data());
    const auto* zb = reinterpret_cast<const unsigned char*>(kZero.v.data());
    for (const Run& r : live_) r.copy(xb + 16 * r.first, zb + 16 * r.first);
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
    const auto* def = reinterpret_cast<const unsigned char*>(def_.v.data());
    for (const Run& r : fixed_) r.copy(bytes + 16 * r.first, def + 16 * r.first);
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
