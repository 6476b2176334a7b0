// Parser tests: what parse_spec() says of a spec's text.
#pragma once

#include <string>

#include "checker/formats/spec.hpp"

namespace cowpin::test {

// The one-line error for a spec text named specs/bad.json, or "(accepted)".
inline std::string spec_error(const std::string& text) {
    try {
        parse_spec(text, "specs/bad.json");
    } catch (const SpecError& e) {
        return e.what();
    }
    return "(accepted)";
}

}  // namespace cowpin::test
