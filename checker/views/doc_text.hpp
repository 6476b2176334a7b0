// What the reference commands (`cowpin steps`, `cowpin policies --describe`, `cowpin policies
// --invariants`) share: their two formats, terminal text and the Markdown of docs/semantics/.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cowpin {

enum class DocFormat { text, markdown };

// "text" or "markdown"; nullopt otherwise.
std::optional<DocFormat> parse_doc_format(std::string_view name);

// `text` in lines of at most `width` columns, each starting with `indent` (the first with
// `first` if given), words kept whole.
std::string wrap(std::string_view text, std::size_t width, const std::string& indent,
                 const std::optional<std::string>& first = std::nullopt);

// `s` as Markdown inline code.
std::string code(const std::string& s);

// "a, b, c".
std::string join(const std::vector<std::string>& items, std::string_view sep = ", ");

// A Markdown table: a header row, then the rows; `|` in a cell is escaped.
std::string markdown_table(const std::vector<std::string>& header,
                           const std::vector<std::vector<std::string>>& rows);

// The line every generated page of docs/semantics/ starts with, naming the command that wrote it.
std::string generated_note(std::string_view command);

}  // namespace cowpin
