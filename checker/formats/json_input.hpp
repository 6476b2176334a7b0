// Every JSON document cowpin reads (specs, policy files, traces) goes through here, under one set
// of limits, so a malformed input is one line naming the file and the field, exit 2, and never an
// abort: a size cap (no reading /dev/zero until memory runs out), a nesting cap (no stack
// overflow on a 200,000-deep array), numbers within the double range (1e400 is refused, not an
// uncaught out_of_range), keys unique in each object (the last would silently win), and error
// messages cut to one readable line (an unterminated 100 MB string is not quoted whole, a key or
// an excerpt with a newline or a byte that is not UTF-8 is escaped).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cowpin {

// The largest input file: the biggest shipped trace is under 1 MiB.
inline constexpr std::size_t kMaxInputBytes = std::size_t{16} << 20;
// The deepest nesting of arrays and objects: specs, policy files and traces need fewer than 10.
inline constexpr int kMaxJsonDepth = 64;
// The longest excerpt of the input an error message quotes.
inline constexpr std::size_t kMaxQuotedChars = 80;

// Why `path` cannot be opened, for a message: strerror(err), and for ENAMETOOLONG which limit
// it breaks (a name in it over NAME_MAX bytes, or the whole over PATH_MAX).
std::string unusable_path_reason(const std::string& path, int err);

// The whole file, or a SpecError naming it: a directory, a device (not a regular file or a pipe),
// an unreadable file, or one over kMaxInputBytes.
std::string read_input_file(const std::string& path);

// The document in `text` (read from `path`, for messages), under the limits above; `comments`
// allows // and /* */ comments (specs and policy files do, traces do not). Throws SpecError.
nlohmann::json parse_json_input(const std::string& text, const std::string& path, bool comments);

// `text` cut to kMaxQuotedChars, with "…" where it was cut: for quoting input in a message.
std::string quote_excerpt(const std::string& text);

// `text` as one line of valid UTF-8: each control character (U+0000..U+001F) as JSON escapes it
// ("\n", "\t", "\u0001") and each byte that is not part of a well-formed UTF-8 character as
// "\xNN"; everything else as is.
std::string printable(std::string_view text);

// A string from an input (a key, a name) as a message quotes it: the text of a JSON string
// ('"' and '\' escaped too, then printable()), cut to kMaxQuotedChars. A key with a newline
// cannot split the message's one line, nor a stray byte make it invalid text.
std::string quote_text(std::string_view text);

}  // namespace cowpin
