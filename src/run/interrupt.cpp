#include "qualbar/run/interrupt.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace qb {
namespace {

std::atomic<int> g_level{0};
constexpr const char* kRunMessage =
    "\nqualbar: interrupted - finishing the calls in flight, then saving. Press Ctrl-C again to "
    "stop at once.\n";
std::atomic<const char*> g_first_message{kRunMessage};
struct sigaction g_old_int {};
struct sigaction g_old_term {};

void say(const char* text) { (void)!::write(STDERR_FILENO, text, std::strlen(text)); }

// Async-signal-safe: an atomic and write(2) only.
void on_signal(int sig) {
  const int level = sig == SIGTERM ? std::max(2, g_level.load() + 1) : g_level.load() + 1;
  g_level.store(level);
  if (level == 1) {
    say(g_first_message.load());
  } else if (level == 2) {
    say("\nqualbar: stopping now; the answers so far are saved.\n");
  } else {
    _exit(130);
  }
}

}  // namespace

InterruptScope::InterruptScope(const char* first_message) {
  g_level.store(0);
  g_first_message.store(first_message != nullptr ? first_message : kRunMessage);
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking wait returns EINTR and looks at the level
  sigaction(SIGINT, &sa, &g_old_int);
  sigaction(SIGTERM, &sa, &g_old_term);
}

InterruptScope::~InterruptScope() {
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
  g_level.store(0);
}

int InterruptScope::level() { return g_level.load(); }

void InterruptScope::raise_for_test(int n) { g_level.store(n); }

}  // namespace qb
