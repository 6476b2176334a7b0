#include "checker/views/html_page.hpp"

#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

namespace cowpin {

namespace {

void attr(pugi::xml_node n, const char* name, std::string_view value) {
    n.append_attribute(name).set_value(std::string(value).c_str());
}

}  // namespace

std::string url_path(std::string_view path) {
    std::string out;
    for (const char c : path) {
        const auto u = static_cast<unsigned char>(c);
        if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~' || c == '/')
            out += c;
        else
            out += fmt::format("%{:02X}", u);
    }
    return out;
}

HtmlPage::HtmlPage(std::string_view title, std::string_view css) {
    // A browser reads <style> as raw text: an escaped '<', '>' or '&' would stay escaped.
    if (css.find_first_of("<>&") != std::string_view::npos)
        throw std::logic_error("HtmlPage: a style sheet with '<', '>' or '&'");
    doc_.append_child(pugi::node_doctype).set_value("html");
    pugi::xml_node html = doc_.append_child("html");
    attr(html, "lang", "en");
    pugi::xml_node head = html.append_child("head");
    attr(head.append_child("meta"), "charset", "utf-8");
    add(head, "title", title);
    add(head, "style", css);
    body_ = html.append_child("body");
}

pugi::xml_node HtmlPage::add(pugi::xml_node parent, std::string_view tag, std::string_view text,
                             std::string_view cls) {
    pugi::xml_node n = parent.append_child(std::string(tag).c_str());
    if (!cls.empty()) attr(n, "class", cls);
    // Always a text child, even empty: pugixml then writes <td></td>, never <td />.
    n.append_child(pugi::node_pcdata).set_value(std::string(text).c_str());
    return n;
}

pugi::xml_node HtmlPage::link(pugi::xml_node parent, std::string_view href, std::string_view text,
                              std::string_view cls) {
    pugi::xml_node a = add(parent, "a", text, cls);
    attr(a, "href", url_path(href));
    return a;
}

std::string HtmlPage::str() const {
    std::ostringstream out;
    doc_.save(out, "", pugi::format_raw | pugi::format_no_declaration, pugi::encoding_utf8);
    return out.str() + "\n";
}

}  // namespace cowpin
