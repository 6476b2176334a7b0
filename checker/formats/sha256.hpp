// SHA-256 (FIPS 180-4) of a byte string, as lower-case hex: ties a trace to the exact spec
// file it came from (compare with `sha256sum specs/x.json`).
#pragma once

#include <string>
#include <string_view>

namespace cowpin {

std::string sha256_hex(std::string_view data);

}  // namespace cowpin
