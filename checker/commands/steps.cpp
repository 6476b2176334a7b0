// `cowpin steps [--format text|markdown]`: every program step and action family, with its form,
// the system call it stands for, what it does, where a spec may use it and on which memory, the
// GUP reference it takes under each policy and the decision points it may consult; read off the
// model's and the parser's own tables (checker/views/steps_doc.hpp). docs/semantics/steps.md is
// its Markdown.
#include <iostream>
#include <memory>
#include <string>

#include "checker/commands/commands.hpp"
#include "checker/commands/common.hpp"
#include "checker/views/steps_doc.hpp"

namespace cowpin {

Command add_steps(CLI::App& app) {
    auto format = std::make_shared<std::string>("text");
    auto* s = app.add_subcommand(
        "steps", "list every program step and action family: form, system call, effect, memory");
    s->add_option("--format", *format, "text (default) or markdown (docs/semantics/steps.md)")
        ->check(CLI::IsMember({"text", "markdown"}));
    return {s, [format] {
                std::cout << steps_document(*parse_doc_format(*format));
                return kExitOk;
            }};
}

}  // namespace cowpin
