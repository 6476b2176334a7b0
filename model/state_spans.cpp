// StateSpans' runs (state_spans.hpp), and the unrolled chunk routines they call.
#include "model/state_spans.hpp"

#include <cstring>
#include <utility>

#if defined(__x86_64__)
#include <emmintrin.h>
#endif

namespace cowpin {

namespace {

constexpr std::size_t kChunks = sizeof(State) / 16;

// One routine per length (0 too: a run's length indexes the tables), every chunk its own load and store (or compare) at a fixed offset:
// no loop counter, no bounds to reload.
#if defined(__x86_64__)
inline __m128i load(const unsigned char* p, std::size_t chunk) {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p) + chunk);
}
template <std::size_t... I>
void copy_chunks([[maybe_unused]] unsigned char* d, [[maybe_unused]] const unsigned char* s,
                 std::index_sequence<I...>) {
    (_mm_storeu_si128(reinterpret_cast<__m128i*>(d) + I, load(s, I)), ...);
}
template <std::size_t... I>
bool equal_chunks([[maybe_unused]] const unsigned char* a, [[maybe_unused]] const unsigned char* b,
                  std::index_sequence<I...>) {
    const __m128i diff = (_mm_setzero_si128() | ... | (load(a, I) ^ load(b, I)));
    return _mm_movemask_epi8(_mm_cmpeq_epi8(diff, _mm_setzero_si128())) == 0xFFFF;
}
#else
template <std::size_t... I>
void copy_chunks(unsigned char* d, const unsigned char* s, std::index_sequence<I...>) {
    std::memcpy(d, s, sizeof...(I) * 16);
}
template <std::size_t... I>
bool equal_chunks(const unsigned char* a, const unsigned char* b, std::index_sequence<I...>) {
    return std::memcmp(a, b, sizeof...(I) * 16) == 0;
}
#endif

template <std::size_t N>
void copy_n(unsigned char* d, const unsigned char* s) {
    copy_chunks(d, s, std::make_index_sequence<N>{});
}
template <std::size_t N>
bool equal_n(const unsigned char* a, const unsigned char* b) {
    return equal_chunks(a, b, std::make_index_sequence<N>{});
}

template <std::size_t... N>
constexpr std::array<ChunkCopy, sizeof...(N)> copy_table(std::index_sequence<N...>) {
    return {&copy_n<N>...};
}
template <std::size_t... N>
constexpr std::array<ChunkEqual, sizeof...(N)> equal_table(std::index_sequence<N...>) {
    return {&equal_n<N>...};
}
constexpr auto kCopy = copy_table(std::make_index_sequence<kChunks + 1>{});
constexpr auto kEqual = equal_table(std::make_index_sequence<kChunks + 1>{});

}  // namespace

ChunkCopy chunk_copy(std::size_t chunks) { return kCopy.at(chunks); }
ChunkEqual chunk_equal(std::size_t chunks) { return kEqual.at(chunks); }

StateSpans::StateSpans(const Shape& sh) {
    std::array<std::uint8_t, 6> begin{}, end{};
    auto add = [&](std::size_t offset, std::size_t bytes) {
        if (bytes == 0) return;
        const int b = static_cast<int>(offset / 16);
        const int e = static_cast<int>((offset + bytes + 15) / 16);
        if (n_ > 0 && b <= end[n_ - 1]) {
            if (e > end[n_ - 1]) end[n_ - 1] = static_cast<std::uint8_t>(e);
            return;
        }
        begin[n_] = static_cast<std::uint8_t>(b);
        end[n_] = static_cast<std::uint8_t>(e);
        ++n_;
    };
    add(offsetof(State, procs), sh.procs * sizeof(Process));
    add(offsetof(State, frames), sh.frames * sizeof(Frame));
    add(offsetof(State, slots), sh.slots * sizeof(Slot));
    add(offsetof(State, handles), sh.handles * sizeof(Handle));
    add(offsetof(State, values), sh.values * sizeof(Value));
    add(offsetof(State, program), sizeof(State) - offsetof(State, program));
    for (int r = 0; r < n_; ++r) {
        const std::size_t len = end[r] - begin[r];
        run_[r] = Run{chunk_copy(len), chunk_equal(len), static_cast<std::uint16_t>(begin[r] * 16)};
        chunks_ += static_cast<int>(len);
    }
}

}  // namespace cowpin
