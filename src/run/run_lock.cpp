#include "qualbar/run/run_lock.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "qualbar/core/error.hpp"
#include "qualbar/util/files.hpp"

namespace qb {
namespace {

// The start time of process `pid` in clock ticks since boot (field 22 of /proc/PID/stat), ""
// when it does not exist. With the pid it names one process, never a later one reusing the pid.
std::string process_start(std::int64_t pid) {
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string stat;
  if (!std::getline(in, stat)) return {};
  // The command name (field 2) is in parentheses and may hold spaces: count after its end.
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
    if (i == 22) return field;
  }
  return {};
}

}  // namespace

RunHolder RunLock::self() {
  const auto pid = static_cast<std::int64_t>(::getpid());
  return RunHolder{host_name(), pid, process_start(pid), now_rfc3339()};
}

bool RunLock::is_stale(const RunHolder& h) {
  if (h.host != host_name()) return false;
  if (h.pid <= 0) return true;
  if (::kill(static_cast<pid_t>(h.pid), 0) != 0 && errno == ESRCH) return true;
  const std::string started = process_start(h.pid);
  return !started.empty() && started != h.process_start;
}

RunLock::RunLock(RunStore& runs, std::string id) : runs_(runs), id_(std::move(id)), me_(self()) {
  const RunLockResult r = runs_.lock_run(id_, me_, &RunLock::is_stale);
  if (!r.taken) {
    const RunHolder& h = *r.previous;
    throw RunBusy(fmt::format(
        "run {} is being answered by process {} on {} (since {}): wait for it to finish, or stop "
        "it (Ctrl-C saves what it has), then resume. Two processes answering one run would ask "
        "the same cases twice",
        id_, h.pid, h.host, h.since));
  }
  if (r.previous) {
    took_over_ = fmt::format(
        "run {} was last answered by process {} on {} (since {}), which ended without releasing "
        "the run (killed?): this process takes it over",
        id_, r.previous->pid, r.previous->host, r.previous->since);
  }
}

RunLock::~RunLock() {
  try {
    runs_.unlock_run(id_, me_);
  } catch (const std::exception&) {
    // The store became unusable (disk full): a lock left behind is stale once this process ends.
  }
}

}  // namespace qb
