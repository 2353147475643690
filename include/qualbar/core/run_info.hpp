#pragma once
// The audit record of one run: enough to know exactly what was measured, never a secret.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace qb {

// Where a run stands. A run is saved as it goes: running while answers arrive (a killed process
// leaves it so), interrupted after Ctrl-C, failed when it could not go on, complete with its
// scores. Any run but a complete one can be continued with `qualbar run --resume`. A monitor's
// row among the runs has its own status.
enum class RunStatus { running, interrupted, failed, complete, monitor };
std::string_view to_string(RunStatus s);
std::optional<RunStatus> parse_run_status(std::string_view s);

struct RunInfo {
  std::string id;
  std::string suite_name;
  std::string suite_hash;
  std::string bars_hash;
  std::string dataset_hash;
  std::string model;
  std::string provider;       // registered provider name
  std::string provider_json;  // provider settings, without secrets
  std::string qualbar_version;
  std::string started_at;  // RFC 3339, UTC
  std::string ended_at;
  std::string host;
  std::string user;
  RunStatus status = RunStatus::running;
  std::size_t n_cases = 0;
  std::size_t n_errors = 0;
  bool passed = false;  // every gating bar met
};

}  // namespace qb
