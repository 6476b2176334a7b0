// SIGINT and SIGTERM while `cowpin check` searches. The first one asks the explorer to stop
// after the block it is expanding (engine::Limits::interrupt): the run ends as a limit does,
// incomplete, with its verdict line, its level sizes and projection under --stats, its --disk
// files removed, exit 4, and the runs not yet started are skipped. A second signal ends the
// process at once, through whatever handler was there before (the output files' cleanup of
// checker/formats/output_file.hpp, or the default). Without this a killed search printed
// nothing and left its --disk directory behind.
#pragma once

#include <atomic>

namespace cowpin {

class InterruptScope {
public:
    InterruptScope();   // installs the handlers; the flag starts clear
    ~InterruptScope();  // puts the previous handlers back
    InterruptScope(const InterruptScope&) = delete;
    InterruptScope& operator=(const InterruptScope&) = delete;

    // For engine::Limits::interrupt.
    const std::atomic<bool>* flag() const;
    // The signal that set the flag (SIGINT or SIGTERM), or 0.
    int signal() const;
};

}  // namespace cowpin
