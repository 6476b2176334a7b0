#include "checker/formats/json_members.hpp"

#include <stdexcept>

namespace cowpin {

namespace {

[[noreturn]] void malformed(std::size_t at) {
    throw std::invalid_argument("JSON object members: malformed text at byte " +
                                std::to_string(at));
}

// Past blanks and comments (// to the end of the line, /* to */).
std::size_t skip_blank(std::string_view t, std::size_t i) {
    while (i < t.size()) {
        const char c = t[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            ++i;
        } else if (c == '/' && i + 1 < t.size() && t[i + 1] == '/') {
            while (i < t.size() && t[i] != '\n') ++i;
        } else if (c == '/' && i + 1 < t.size() && t[i + 1] == '*') {
            const std::size_t end = t.find("*/", i + 2);
            if (end == std::string_view::npos) malformed(i);
            i = end + 2;
        } else {
            break;
        }
    }
    return i;
}

// `i` at an opening quote: one past the closing one.
std::size_t skip_string(std::string_view t, std::size_t i) {
    for (++i; i < t.size(); ++i) {
        if (t[i] == '\\')
            ++i;
        else if (t[i] == '"')
            return i + 1;
    }
    malformed(i);
}

// `i` at a value's first byte: one past its last.
std::size_t skip_value(std::string_view t, std::size_t i) {
    if (i >= t.size()) malformed(i);
    if (t[i] == '"') return skip_string(t, i);
    if (t[i] == '{' || t[i] == '[') {
        int depth = 0;
        while (i < t.size()) {
            const char c = t[i];
            if (c == '"') {
                i = skip_string(t, i);
                continue;
            }
            if (c == '/' && i + 1 < t.size() && (t[i + 1] == '/' || t[i + 1] == '*')) {
                i = skip_blank(t, i);
                continue;
            }
            if (c == '{' || c == '[') ++depth;
            if (c == '}' || c == ']') --depth;
            ++i;
            if (depth == 0) return i;
        }
        malformed(i);
    }
    // A number, true, false or null: up to the next delimiter.
    const std::size_t begin = i;
    while (i < t.size() && t[i] != ',' && t[i] != '}' && t[i] != ']' && t[i] != ' ' &&
           t[i] != '\n' && t[i] != '\r' && t[i] != '\t' && t[i] != '/')
        ++i;
    if (i == begin) malformed(i);
    return i;
}

}  // namespace

const JsonMember* JsonObject::find(std::string_view key) const {
    for (const JsonMember& m : members)
        if (m.key == key) return &m;
    return nullptr;
}

JsonObject json_object_at(std::string_view t, std::size_t from) {
    JsonObject obj;
    std::size_t i = skip_blank(t, from);
    if (i >= t.size() || t[i] != '{') malformed(i);
    obj.open = i;
    i = skip_blank(t, i + 1);
    if (i < t.size() && t[i] == '}') {
        obj.close = i;
        return obj;
    }
    while (true) {
        if (i >= t.size() || t[i] != '"') malformed(i);
        JsonMember m;
        m.key_begin = i;
        const std::size_t key_end = skip_string(t, i);
        m.key = std::string(t.substr(i + 1, key_end - i - 2));
        i = skip_blank(t, key_end);
        if (i >= t.size() || t[i] != ':') malformed(i);
        m.value_begin = skip_blank(t, i + 1);
        m.value_end = skip_value(t, m.value_begin);
        obj.members.push_back(std::move(m));
        i = skip_blank(t, obj.members.back().value_end);
        if (i < t.size() && t[i] == ',') {
            i = skip_blank(t, i + 1);
            continue;
        }
        if (i < t.size() && t[i] == '}') {
            obj.close = i;
            return obj;
        }
        malformed(i);
    }
}

std::string line_indent(std::string_view t, std::size_t at) {
    std::size_t start = at == 0 ? std::string_view::npos : t.rfind('\n', at - 1);
    start = start == std::string_view::npos ? 0 : start + 1;
    std::size_t end = start;
    while (end < t.size() && (t[end] == ' ' || t[end] == '\t')) ++end;
    return std::string(t.substr(start, end - start));
}

}  // namespace cowpin
