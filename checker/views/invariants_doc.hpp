// `cowpin policies --invariants`: the invariants checked in every reachable state, read off the
// model's table (model/invariants.hpp: name, matrix tag, violation message) and the policies
// that have PG_anon_exclusive; what each one says is the prose of invariants_doc.cpp, one entry
// per invariant (a missing one throws).
#pragma once

#include <string>
#include <string_view>

#include "checker/views/doc_text.hpp"
#include "model/invariants.hpp"

namespace cowpin {

// What the invariant says, in words.
std::string_view invariant_prose(Inv inv);

std::string invariants_document(DocFormat format);

}  // namespace cowpin
