#include "model/action.hpp"

#include <array>
#include <charconv>
#include <vector>

#include <fmt/format.h>

namespace cowpin {

namespace {

constexpr std::array<std::string_view, kOps> kOpNames = {
    "fork",   "exit",  "write",     "read",     "mprotect", "clear_refs",    "munmap",
    "pin",    "get",   "unpin",     "dma_write", "swap_out", "reclaim", "migrate_start",
    "migrate_finish", "wait", "vmsplice", "odirect_read", "odirect_write", "iouring_fixed",
    "uffd_wp", "split_pmd", "dontfork", "dofork", "mprotect_vma", "split_folio", "collapse",
};

std::vector<std::string_view> split(std::string_view text) {
    std::vector<std::string_view> words;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && text[i] == ' ') ++i;
        std::size_t j = i;
        while (j < text.size() && text[j] != ' ') ++j;
        if (j > i) words.push_back(text.substr(i, j - i));
        i = j;
    }
    return words;
}

// "v3" with prefix 'v' → 3; nullopt if malformed.
std::optional<int> numbered(std::string_view word, char prefix) {
    if (word.size() < 2 || word[0] != prefix) return std::nullopt;
    int n = 0;
    auto [end, ec] = std::from_chars(word.data() + 1, word.data() + word.size(), n);
    if (ec != std::errc() || end != word.data() + word.size() || n < 0 || n > 200)
        return std::nullopt;
    if (word.size() > 2 && word[1] == '0') return std::nullopt;  // "v01" is not a name
    return n;
}

}  // namespace

std::string_view op_name(Op op) { return kOpNames[static_cast<int>(op)]; }

std::optional<Op> parse_op(std::string_view name) {
    for (int i = 0; i < kOps; ++i)
        if (kOpNames[i] == name) return static_cast<Op>(i);
    return std::nullopt;
}

bool is_frame_op(Op op) {
    return op == Op::swap_out || op == Op::reclaim || op == Op::migrate_start ||
           op == Op::migrate_finish || op == Op::split_folio;
}

bool is_gup_op(Op op) {
    return op == Op::pin || op == Op::get || op == Op::vmsplice || op == Op::odirect_read ||
           op == Op::odirect_write || op == Op::iouring_fixed;
}

bool gup_op_writes(Op op, bool flag) {
    switch (op) {
        case Op::pin:
        case Op::get:
            return flag;
        case Op::odirect_read:
        case Op::iouring_fixed:
            return true;
        default:
            return false;
    }
}

bool is_handle_op(Op op) { return is_gup_op(op) || op == Op::unpin || op == Op::dma_write; }

bool is_page_op(Op op) {
    return op == Op::write || op == Op::read || op == Op::mprotect || op == Op::clear_refs ||
           op == Op::munmap || op == Op::uffd_wp || op == Op::split_pmd || op == Op::dontfork ||
           op == Op::dofork || op == Op::collapse || is_gup_op(op) ||
           is_frame_op(op);
}

std::string format_step(const Step& st) {
    switch (st.op) {
        case Op::fork:
            return fmt::format("fork P{}", st.arg);
        case Op::wait:
            return fmt::format("wait P{} exited", st.arg);
        case Op::exit:
        case Op::mprotect_vma:
            return std::string(op_name(st.op));
        case Op::pin:
        case Op::get:
            return fmt::format("{} {} v{} h{}", op_name(st.op), st.write ? "rw" : "ro", st.arg,
                               st.handle);
        case Op::vmsplice:
        case Op::odirect_read:
        case Op::odirect_write:
        case Op::iouring_fixed:
            return fmt::format("{} v{} h{}", op_name(st.op), st.arg, st.handle);
        case Op::unpin:
        case Op::dma_write:
            return fmt::format("{} h{}", op_name(st.op), st.handle);
        default:
            return fmt::format("{} v{}", op_name(st.op), st.arg);
    }
}

std::optional<Step> parse_step(std::string_view text, std::string& error) {
    const std::vector<std::string_view> w = split(text);
    if (w.empty()) {
        error = "an empty step";
        return std::nullopt;
    }
    const std::optional<Op> op = parse_op(w[0]);
    if (!op) {
        error = fmt::format("unknown action '{}' (expected one of: fork, exit, write, read, "
                            "mprotect, clear_refs, uffd_wp, munmap, pin, get, vmsplice, "
                            "odirect_read, odirect_write, iouring_fixed, unpin, dma_write, "
                            "swap_out, reclaim, migrate_start, migrate_finish, wait, split_pmd, "
                            "dontfork, dofork, mprotect_vma, split_folio, collapse)",
                            w[0]);
        return std::nullopt;
    }
    Step st;
    st.op = *op;
    auto expect_words = [&](std::size_t n, std::string_view form) {
        if (w.size() == n) return true;
        error = fmt::format("'{}' takes the form '{}'", text, form);
        return false;
    };
    auto number = [&](std::string_view word, char prefix, std::uint8_t& out) {
        const std::optional<int> n = numbered(word, prefix);
        if (!n) {
            error = fmt::format("in '{}': expected {}N, got '{}'", text, prefix, word);
            return false;
        }
        out = static_cast<std::uint8_t>(*n);
        return true;
    };
    switch (st.op) {
        case Op::exit:
        case Op::mprotect_vma:
            if (!expect_words(1, op_name(st.op))) return std::nullopt;
            return st;
        case Op::fork:
            if (!expect_words(2, "fork Pn") || !number(w[1], 'P', st.arg)) return std::nullopt;
            return st;
        case Op::wait:
            if (!expect_words(3, "wait Pn exited") || !number(w[1], 'P', st.arg))
                return std::nullopt;
            if (w[2] != "exited") {
                error = fmt::format("'{}' takes the form 'wait Pn exited'", text);
                return std::nullopt;
            }
            return st;
        case Op::pin:
        case Op::get:
            if (!expect_words(4, fmt::format("{} ro|rw vN hK", w[0]))) return std::nullopt;
            if (w[1] != "ro" && w[1] != "rw") {
                error = fmt::format("in '{}': expected ro or rw, got '{}'", text, w[1]);
                return std::nullopt;
            }
            st.write = w[1] == "rw";
            if (!number(w[2], 'v', st.arg) || !number(w[3], 'h', st.handle)) return std::nullopt;
            return st;
        case Op::vmsplice:
        case Op::odirect_read:
        case Op::odirect_write:
        case Op::iouring_fixed:
            if (!expect_words(3, fmt::format("{} vN hK", w[0]))) return std::nullopt;
            st.write = gup_op_writes(st.op, false);
            if (!number(w[1], 'v', st.arg) || !number(w[2], 'h', st.handle)) return std::nullopt;
            return st;
        case Op::unpin:
        case Op::dma_write:
            if (!expect_words(2, fmt::format("{} hK", w[0])) || !number(w[1], 'h', st.handle))
                return std::nullopt;
            return st;
        default:
            if (!expect_words(2, fmt::format("{} vN", w[0])) || !number(w[1], 'v', st.arg))
                return std::nullopt;
            return st;
    }
}

std::string format_action(const Action& a) {
    const std::string actor = a.proc == kNone ? std::string("kernel") : fmt::format("P{}", a.proc);
    switch (a.op) {
        case Op::fork:
            return fmt::format("{} fork P{}", actor, a.arg);
        case Op::exit:
        case Op::mprotect_vma:
            return fmt::format("{} {}", actor, op_name(a.op));
        case Op::wait:
            return fmt::format("{} wait P{} exited", actor, a.arg);
        case Op::pin:
        case Op::get:
            return fmt::format("{} {} {} v{} h{}", actor, op_name(a.op), a.write() ? "rw" : "ro",
                               a.arg, a.handle);
        case Op::vmsplice:
        case Op::odirect_read:
        case Op::odirect_write:
        case Op::iouring_fixed:
            return fmt::format("{} {} v{} h{}", actor, op_name(a.op), a.arg, a.handle);
        case Op::unpin:
        case Op::dma_write:
            return a.proc == kNone ? fmt::format("h{} {}", a.handle, op_name(a.op))
                                   : fmt::format("{} {} h{}", actor, op_name(a.op), a.handle);
        default:
            if (is_frame_op(a.op) && !a.from_program())
                return fmt::format("{} {} frame {}", actor, op_name(a.op), a.arg);
            return fmt::format("{} {} v{}", actor, op_name(a.op), a.arg);
    }
}

}  // namespace cowpin
