#pragma once
// The audit record of one run: enough to know exactly what was measured, never a secret.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>
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
  std::vector<std::string> labels;  // `qualbar run --label`: a team's own names for it
  std::string note;                 // `qualbar run --note`: why it was run
  std::string git_commit;  // the commit checked out where the suite lives, when it is in a repository
  std::string archived_at;  // when an admin archived it; "" while it is listed
};

// Labels and notes of a run, as `run --label/--note` and the API take them: a label is 1 to 64
// characters with no space or control character, a note at most 2,000 characters on one line or
// more. InputError naming `what` ("--label", "labels[2]") otherwise.
void check_run_label(std::string_view label, std::string_view what);
void check_run_note(std::string_view note, std::string_view what);

}  // namespace qb
