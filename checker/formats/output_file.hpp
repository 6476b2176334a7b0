// Output files that are whole or absent. Every file cowpin writes (traces, C reproducers, DOT
// graphs) goes through write_file_atomically(): the bytes go to "<path>.tmp.<pid>" beside it and
// are renamed over <path> only once all of them are written, so a reader (or the next `cowpin
// replay`) sees the old file or the new one, never half of one. An I/O error is an OutputError
// naming the path (main() prints it as one line, exit 2), never an uncaught filesystem_error.
//
// A SIGINT, SIGTERM or SIGHUP (handlers installed by install_signal_cleanup(), from main())
// removes the temporary files being written at that moment, runs the cleanup hooks registered
// with SignalCleanup (a reproducer's swap file, vm.nr_hugepages), then ends the process by the
// same signal, so that the shell sees 130 / 143 / 129 and a script running cowpin stops too.
#pragma once

#include <string>
#include <string_view>

#include "checker/formats/spec.hpp"

namespace cowpin {

// An output path cowpin cannot write. A SpecError: the command line named a place that cannot
// take the output, so it is bad input (exit 2), and nothing half-written is left behind.
struct OutputError : SpecError {
    using SpecError::SpecError;
};

// `content` becomes the whole of `path`, or `path` is left as it was: "<path>.tmp.<pid>" in the
// same directory, written, closed and checked, then renamed over `path`. A symlink is followed
// (its target is replaced); a directory, device or other non-regular file is refused.
void write_file_atomically(const std::string& path, std::string_view content);

// Before a run: `dir` (given as `option`, e.g. "--out") is a directory cowpin can write files
// into. Created (with its parents) if absent; a file of that name, a directory that cannot be
// created, or one where no file can be created is an OutputError "--out DIR: ...".
void prepare_output_dir(const std::string& dir, std::string_view option);
// Before a run: `path` (given as `option`, e.g. "-o") can be written by write_file_atomically():
// not a directory or device, in an existing directory where a file can be created.
void check_output_file(const std::string& path, std::string_view option);
// `dir` exists as a directory, created if need be (OutputError naming it otherwise); what
// write_trace() calls before writing into it.
void make_output_dir(const std::string& dir);

// SIGINT, SIGTERM and SIGHUP remove the partial files and run the hooks, then end the process
// by that signal. A signal that was ignored when cowpin started (nohup, `cmd &` in a script)
// stays ignored.
void install_signal_cleanup();

// A hook run by the signal handler, newest first: fn(arg) must be async-signal-safe (open,
// write, close, unlink, swapoff(2), write_signal_safe(); no malloc, no iostreams, no spdlog,
// no exceptions). It runs only in the process that registered it, not in a forked child. At
// most kMaxSignalCleanups at once; past that the constructor throws std::length_error.
// Typical use, putting back a machine setting a reproducer changed:
//     static char old_total[24];  // "1024\n", formatted before the setting is changed
//     SignalCleanup restore([](void* v) { write_signal_safe(kNrHugepages, (char*)v); }, old_total);
// The hook is gone when `restore` is (after the destructor put the setting back the usual way).
inline constexpr int kMaxSignalCleanups = 8;
class SignalCleanup {
public:
    using Fn = void (*)(void* arg);
    SignalCleanup(Fn fn, void* arg);
    ~SignalCleanup();
    SignalCleanup(const SignalCleanup&) = delete;
    SignalCleanup& operator=(const SignalCleanup&) = delete;

private:
    int slot_;
};

// `text` as the whole of the existing file `path` (open, write, close: a /proc/sys setting),
// async-signal-safe; false if any step failed.
bool write_signal_safe(const char* path, const char* text);

}  // namespace cowpin
