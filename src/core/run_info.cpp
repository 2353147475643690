#include "qualbar/core/run_info.hpp"

namespace qb {

std::string_view to_string(RunStatus s) {
  switch (s) {
    case RunStatus::running:
      return "running";
    case RunStatus::interrupted:
      return "interrupted";
    case RunStatus::failed:
      return "failed";
    case RunStatus::complete:
      return "complete";
    case RunStatus::monitor:
      return "monitor";
  }
  return "running";
}

std::optional<RunStatus> parse_run_status(std::string_view s) {
  for (RunStatus x : {RunStatus::running, RunStatus::interrupted, RunStatus::failed,
                      RunStatus::complete, RunStatus::monitor}) {
    if (to_string(x) == s) return x;
  }
  return std::nullopt;
}

}  // namespace qb
