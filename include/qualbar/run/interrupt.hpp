#pragma once
// Ctrl-C during a run. While an InterruptScope lives, the first Ctrl-C asks the run to start no
// new call and finish those in flight, then save (the run is marked interrupted, resumable); the
// second drops the calls in flight and saves at once; a third ends the process immediately (what
// was saved stays resumable). SIGTERM counts as the second. Outside a scope, Ctrl-C ends the
// process as usual.

namespace qb {

class InterruptScope {
 public:
  // `first_message`: what the first Ctrl-C prints (a string that outlives the scope); nullptr:
  // the run's ("finishing the calls in flight, then saving").
  explicit InterruptScope(const char* first_message = nullptr);
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

  // 0: none; 1: stop starting calls; 2: drop the calls in flight.
  [[nodiscard]] static int level();
  // For tests: as if Ctrl-C had been pressed `n` times (without the message).
  static void raise_for_test(int n);
};

}  // namespace qb
