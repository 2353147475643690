#pragma once
// One process at a time answers a run. A run takes its lock before its first call and keeps it
// until it ends (complete, interrupted or failed); a second `qualbar run --resume` of the same run
// is refused while the first is alive. A lock left by a process that no longer runs (kill -9) is
// stale: it is taken over, and the caller says so.

#include <optional>
#include <string>

#include "qualbar/core/error.hpp"
#include "qualbar/store/run_store.hpp"

namespace qb {

// Another live process answers the run.
class RunBusy : public RunError {
 public:
  using RunError::RunError;
};

class RunLock {
 public:
  // Throws RunBusy naming the holder when a live process answers run `id`; RunError when the
  // store cannot record the lock.
  RunLock(RunStore& runs, std::string id);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

  // Set when a stale lock was taken over: a sentence naming the process that left it.
  [[nodiscard]] const std::optional<std::string>& took_over() const { return took_over_; }

  // This process, as a lock holder.
  static RunHolder self();
  // Whether `h` no longer runs: on this host, its pid is gone or belongs to a later process. A
  // holder on another host cannot be checked from here and is never stale.
  static bool is_stale(const RunHolder& h);

 private:
  RunStore& runs_;
  std::string id_;
  RunHolder me_;
  std::optional<std::string> took_over_;
};

}  // namespace qb
