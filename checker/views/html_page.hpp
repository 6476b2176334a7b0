// A static HTML page written through pugixml (which escapes every text and attribute), for the
// report `cowpin report --html` writes: a page that stands alone from file:// (its style sheet
// inline, no script, nothing fetched) and links only by relative paths. The page is HTML5 in its
// XML-compatible form: void elements end in "/>", and every other element is closed, also when
// empty (an empty <td/> would read as an open tag to a browser).
#pragma once

#include <string>
#include <string_view>

#include <pugixml.hpp>

namespace cowpin {

class HtmlPage {
public:
    // <!DOCTYPE html>, <html lang="en">, a <head> with charset UTF-8, `title` and `css`.
    HtmlPage(std::string_view title, std::string_view css);

    pugi::xml_node body() { return body_; }
    // A child element of `parent` holding `text` (may be empty), with a class if given.
    pugi::xml_node add(pugi::xml_node parent, std::string_view tag, std::string_view text = {},
                       std::string_view cls = {});
    // <a href="href">text</a>; `href` is a relative path, percent-encoded here.
    pugi::xml_node link(pugi::xml_node parent, std::string_view href, std::string_view text,
                        std::string_view cls = {});

    std::string str() const;

private:
    pugi::xml_document doc_;
    pugi::xml_node body_;
};

// A relative path as a URL path: every byte but unreserved ones and '/' percent-encoded, so a
// name with '#', '?', '%' or a space still links to its file.
std::string url_path(std::string_view path);

}  // namespace cowpin
