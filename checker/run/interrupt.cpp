#include "checker/run/interrupt.hpp"

#include <signal.h>

namespace cowpin {

namespace {

// Lock-free, so the handler may touch them (static_assert below).
std::atomic<bool> g_check_stop{false};
std::atomic<int> g_check_signal{0};
struct sigaction g_check_prev_int, g_check_prev_term;
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

extern "C" void on_check_interrupt(int sig) {
    if (!g_check_stop.exchange(true)) {
        g_check_signal.store(sig);
        return;  // the explorer stops after its block
    }
    // Asked twice: end now, as the handler before this one would have.
    sigaction(sig, sig == SIGINT ? &g_check_prev_int : &g_check_prev_term, nullptr);
    raise(sig);
}

}  // namespace

InterruptScope::InterruptScope() {
    g_check_stop.store(false);
    g_check_signal.store(0);
    struct sigaction sa {};
    sa.sa_handler = on_check_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaction(SIGINT, &sa, &g_check_prev_int);
    sigaction(SIGTERM, &sa, &g_check_prev_term);
    // A shell that started us in the background ignores SIGINT for us: keep it ignored.
    if (g_check_prev_int.sa_handler == SIG_IGN) sigaction(SIGINT, &g_check_prev_int, nullptr);
}

InterruptScope::~InterruptScope() {
    sigaction(SIGINT, &g_check_prev_int, nullptr);
    sigaction(SIGTERM, &g_check_prev_term, nullptr);
}

const std::atomic<bool>* InterruptScope::flag() const { return &g_check_stop; }

int InterruptScope::signal() const { return g_check_signal.load(); }

}  // namespace cowpin
