#include "checker/formats/json_input.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <memory>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "checker/formats/spec.hpp"

namespace cowpin {

using nlohmann::json;

std::string quote_excerpt(const std::string& text) {
    if (text.size() <= kMaxQuotedChars) return text;
    // Cut at a character boundary of UTF-8, so the message stays valid text.
    std::size_t cut = kMaxQuotedChars;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return text.substr(0, cut) + "…";
}

namespace {

// The length of the well-formed UTF-8 character at text[i] (RFC 3629: no overlong form, no
// surrogate, nothing past U+10FFFF), or 0 if the byte there does not begin one.
std::size_t utf8_length(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char b = byte(i);
    if (b < 0x80) return 1;
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
    if (b >= 0xC2 && b <= 0xDF) {
        n = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
        n = 3;
        if (b == 0xE0) lo = 0xA0;  // overlong
        if (b == 0xED) hi = 0x9F;  // surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
        n = 4;
        if (b == 0xF0) lo = 0x90;  // overlong
        if (b == 0xF4) hi = 0x8F;  // past U+10FFFF
    } else {
        return 0;
    }
    if (i + n > text.size() || byte(i + 1) < lo || byte(i + 1) > hi) return 0;
    for (std::size_t k = 2; k < n; ++k)
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
    return n;
}

}  // namespace

std::string printable(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20) {
            switch (c) {
                case '\b': out += "\\b"; break;
                case '\f': out += "\\f"; break;
                case '\n': out += "\\n"; break;
                case '\r': out += "\\r"; break;
                case '\t': out += "\\t"; break;
                default: out += fmt::format("\\u{:04x}", c);
            }
            ++i;
        } else if (const std::size_t n = utf8_length(text, i)) {
            out.append(text.substr(i, n));
            i += n;
        } else {
            out += fmt::format("\\x{:02X}", c);
            ++i;
        }
    }
    return out;
}

std::string quote_text(std::string_view text) {
    std::string escaped;
    escaped.reserve(text.size());
    for (const char c : text) {
        if (c == '"' || c == '\\') escaped += '\\';
        escaped += c;
    }
    return quote_excerpt(printable(escaped));
}

std::string unusable_path_reason(const std::string& path, int err) {
    if (err != ENAMETOOLONG) return std::strerror(err);
    std::size_t begin = 0;
    while (begin < path.size()) {
        std::size_t end = path.find('/', begin);
        if (end == std::string::npos) end = path.size();
        if (end - begin > NAME_MAX)
            return fmt::format("a name in the path is {} bytes, over the {} a file name may have "
                               "(NAME_MAX)", end - begin, NAME_MAX);
        begin = end + 1;
    }
    return fmt::format("the path is {} bytes, over the {} a path may have (PATH_MAX)",
                       path.size(), PATH_MAX - 1);
}

std::string read_input_file(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw SpecError(fmt::format("{}: cannot read the file: {}", path,
                                    unusable_path_reason(path, errno)));
    if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode))
        throw SpecError(fmt::format("{}: cannot read the file: {}", path,
                                    S_ISDIR(st.st_mode) ? "it is a directory"
                                                        : "not a regular file"));
    if (S_ISREG(st.st_mode) && std::size_t(st.st_size) > kMaxInputBytes)
        throw SpecError(fmt::format("{}: the file is {} bytes, over the {} MiB an input may have",
                                    path, st.st_size, kMaxInputBytes >> 20));
    const std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"),
                                                            &std::fclose);
    if (!f) throw SpecError(fmt::format("{}: cannot read the file: {}", path, std::strerror(errno)));
    std::string text;
    char buf[1 << 16];
    while (const std::size_t n = std::fread(buf, 1, sizeof buf, f.get())) {
        text.append(buf, n);
        if (text.size() > kMaxInputBytes)  // a pipe that does not end
            throw SpecError(fmt::format("{}: more than the {} MiB an input may have", path,
                                        kMaxInputBytes >> 20));
    }
    if (std::ferror(f.get()))
        throw SpecError(fmt::format("{}: cannot read the file: {}", path, std::strerror(errno)));
    return text;
}

namespace {

// Where the parser is: "bounds.pages", "steps[3].args", for messages.
struct Nesting {
    bool array = false;
    std::size_t next = 0;  // the next element's index (arrays)
    std::string key;       // the current member's key (objects)
    std::set<std::string> keys;
};

std::string field_of(const std::vector<Nesting>& stack) {
    std::string field;
    for (const Nesting& f : stack) {
        if (f.array) {
            if (f.next > 0) field += fmt::format("[{}]", f.next - 1);
        } else if (!f.key.empty()) {
            if (!field.empty()) field += '.';
            field += quote_text(f.key);
        }
    }
    return quote_excerpt(field);
}

// nlohmann's messages end with the text last read ("last read: '...'"), which can be the whole
// rest of the file and hold bytes that are not UTF-8 (nlohmann writes control characters as
// "<U+000A>"): quote an excerpt of it, printable().
std::string parse_message(const json::exception& e) {
    std::string what = e.what();
    const std::string marker = "; last read: '";
    if (const std::size_t at = what.find(marker); at != std::string::npos) {
        const std::size_t start = at + marker.size();
        const std::size_t end = what.rfind('\'');
        what = what.substr(0, start) +
               quote_excerpt(printable(what.substr(start, end > start ? end - start : 0))) + "'";
    }
    return what;
}

}  // namespace

json parse_json_input(const std::string& text, const std::string& path, bool comments) {
    std::vector<Nesting> stack;
    std::string error;  // the first limit broken, as "field 'x': ..."
    // An element of an array begins: count it.
    auto element = [&] {
        if (!stack.empty() && stack.back().array) ++stack.back().next;
    };
    const json::parser_callback_t limits = [&](int depth, json::parse_event_t event, json& parsed) {
        switch (event) {
            case json::parse_event_t::object_start:
            case json::parse_event_t::array_start:
                element();
                if (depth >= kMaxJsonDepth) {
                    error = fmt::format("field '{}': nested deeper than {} levels", field_of(stack),
                                        kMaxJsonDepth);
                    throw SpecError(error);
                }
                stack.push_back(Nesting{event == json::parse_event_t::array_start, 0, {}, {}});
                break;
            case json::parse_event_t::object_end:
            case json::parse_event_t::array_end:
                if (!stack.empty()) stack.pop_back();
                break;
            case json::parse_event_t::key:
                if (!stack.empty()) {
                    stack.back().key = parsed.get<std::string>();
                    if (!stack.back().keys.insert(stack.back().key).second) {
                        error = fmt::format("field '{}': appears twice in one object",
                                            field_of(stack));
                        throw SpecError(error);
                    }
                }
                break;
            case json::parse_event_t::value:
                element();
                break;
        }
        return true;
    };
    try {
        return json::parse(text, limits, true, comments);
    } catch (const SpecError&) {
        throw SpecError(fmt::format("{}: {}", path, error));
    } catch (const json::out_of_range& e) {  // 1e400: beyond the range of a double
        throw SpecError(fmt::format("{}: field '{}': a number beyond the range of a double ({})",
                                    path, field_of(stack), parse_message(e)));
    } catch (const json::exception& e) {
        throw SpecError(fmt::format("{}: not valid JSON: {}", path, parse_message(e)));
    }
}

}  // namespace cowpin
