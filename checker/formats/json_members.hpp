// Where each member of a JSON object sits in the text, byte for byte: what `check --bless` needs
// to change one member of a hand-formatted spec and keep every other byte (spec_bless.cpp).
//
// The text must be JSON as parse_spec() accepts it (comments allowed); the scanner does not
// validate, it only skips strings, comments and nested values to find where each member starts
// and ends.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cowpin {

struct JsonMember {
    std::string key;               // as written between the quotes (escapes kept)
    std::size_t key_begin = 0;     // the key's opening quote
    std::size_t value_begin = 0;   // the value's first byte
    std::size_t value_end = 0;     // one past the value's last byte
};

struct JsonObject {
    std::size_t open = 0, close = 0;  // the '{' and the '}'
    std::vector<JsonMember> members;  // in text order

    const JsonMember* find(std::string_view key) const;
};

// The object whose '{' is the first non-blank, non-comment byte at or after `from`. Throws
// std::invalid_argument if there is no object there, or it does not end.
JsonObject json_object_at(std::string_view text, std::size_t from = 0);

// The blanks that start the line holding byte `at` (its indentation).
std::string line_indent(std::string_view text, std::size_t at);

}  // namespace cowpin
