// A structure-aware mutator for the JSON targets (libFuzzer's LLVMFuzzerCustomMutator). Byte
// mutations of a spec or trace mostly make text that is no JSON at all and stops in the lexer;
// the readers' bugs are in what comes after: a field of the wrong type, a key left out, a number
// out of range, a name that is almost right. So half the time, when the input parses, one node
// of the document is changed as a whole and the document written back:
//   - replaced by a value of another type, a boundary number, or a word of cowpin.dict;
//   - removed (a member or an element), or duplicated (an element);
//   - given a member named by a word of cowpin.dict;
//   - replaced by a copy of another node of the same document.
// The other half, and whenever the input is no JSON, libFuzzer's own byte mutations run.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);

namespace cowpin::fuzz {

// The quoted words of cowpin.dict, unquoted: field, op, policy, invariant and behaviour names.
inline const std::vector<std::string>& dictionary_words() {
    static const std::vector<std::string> words = [] {
        std::vector<std::string> out;
        std::ifstream in(std::string(COWPIN_SOURCE_DIR) + "/fuzz/cowpin.dict");
        for (std::string line; std::getline(in, line);) {
            // "\"name\"" is a JSON string literal whose content is a quoted name.
            if (line.rfind("\"\\\"", 0) == 0 && line.size() > 6)
                out.push_back(line.substr(3, line.size() - 6));
        }
        if (out.empty()) out.push_back("name");
        return out;
    }();
    return words;
}

// The nesting depth of `text`, counting brackets outside strings; a mutation of a document
// deeper than the readers allow (64) would only be refused again.
inline int bracket_depth(const std::uint8_t* data, std::size_t size) {
    int depth = 0, deepest = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < size; ++i) {
        const char c = static_cast<char>(data[i]);
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return deepest;
}

class JsonMutator {
public:
    explicit JsonMutator(unsigned seed) : rng_(seed) {}

    // Mutates `doc` in place; false if it had nothing to mutate.
    bool mutate(nlohmann::json& doc) {
        std::vector<nlohmann::json*> nodes;
        collect(doc, nodes);
        if (nodes.empty()) return false;
        nlohmann::json& node = *nodes[pick(nodes.size())];
        switch (pick(6)) {
            case 0:  // another type or a boundary value
                node = any_value();
                return true;
            case 1:  // a word of the dictionary where a string (or anything) was
                node = word();
                return true;
            case 2:  // drop a member or an element
                if (node.is_object() && !node.empty()) {
                    auto it = node.begin();
                    std::advance(it, pick(node.size()));
                    node.erase(it);
                    return true;
                }
                if (node.is_array() && !node.empty()) {
                    node.erase(node.begin() + static_cast<std::ptrdiff_t>(pick(node.size())));
                    return true;
                }
                node = nullptr;
                return true;
            case 3:  // add a member or duplicate an element
                if (node.is_object()) {
                    node[word()] = pick(2) ? any_value() : nlohmann::json(word());
                    return true;
                }
                if (node.is_array() && !node.empty()) {
                    node.push_back(node[pick(node.size())]);
                    return true;
                }
                node = nlohmann::json::array({node});
                return true;
            case 4: {  // a copy of another node
                const nlohmann::json copy = *nodes[pick(nodes.size())];
                node = copy;
                return true;
            }
            default:  // a number nudged by one, or a string cut or grown
                if (node.is_number_integer()) {
                    node = node.get<std::int64_t>() + (pick(2) ? 1 : -1);
                } else if (node.is_string()) {
                    std::string s = node.get<std::string>();
                    if (!s.empty() && pick(2))
                        s.resize(pick(s.size()));
                    else
                        s += word();
                    node = s;
                } else {
                    node = any_value();
                }
                return true;
        }
    }

private:
    std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }

    std::string word() {
        const std::vector<std::string>& w = dictionary_words();
        return w[pick(w.size())];
    }

    nlohmann::json any_value() {
        switch (pick(14)) {
            case 0: return nullptr;
            case 1: return true;
            case 2: return false;
            case 3: return 0;
            case 4: return -1;
            case 5: return 1;
            case 6: return pick(300);
            case 7: return std::uint64_t{1} << 32;
            case 8: return std::numeric_limits<std::uint64_t>::max();
            case 9: return 0.5;
            case 10: return "";
            case 11: return nlohmann::json::array();
            case 12: return nlohmann::json::object();
            default: return std::string(pick(2) ? 300 : 3, 'a');
        }
    }

    static void collect(nlohmann::json& j, std::vector<nlohmann::json*>& out) {
        out.push_back(&j);
        if (j.is_structured())
            for (nlohmann::json& child : j) collect(child, out);
    }

    std::minstd_rand rng_;
};

// LLVMFuzzerCustomMutator's body: half the mutations structural (above), half libFuzzer's own.
inline std::size_t mutate_json(std::uint8_t* data, std::size_t size, std::size_t max_size,
                               unsigned int seed) {
    if (seed % 2 == 0 && size > 0 && bracket_depth(data, size) <= 64) {
        nlohmann::json doc = nlohmann::json::parse(data, data + size, nullptr, false, true);
        JsonMutator m(seed);
        if (!doc.is_discarded() && m.mutate(doc)) {
            // A cut string may end inside a UTF-8 sequence: written with U+FFFD for it.
            const std::string text = doc.dump(seed % 3 == 0 ? 1 : -1, ' ', false,
                                              nlohmann::json::error_handler_t::replace);
            if (text.size() <= max_size) {
                std::memcpy(data, text.data(), text.size());
                return text.size();
            }
        }
    }
    return LLVMFuzzerMutate(data, size, max_size);
}

}  // namespace cowpin::fuzz
