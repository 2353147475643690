#include "qualbar/core/run_info.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "qualbar/core/error.hpp"

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

void check_run_label(std::string_view label, std::string_view what) {
  const bool bad_char = std::any_of(label.begin(), label.end(), [](unsigned char c) {
    return c <= ' ' || c == 0x7f;
  });
  if (bad_char) {
    throw InputError(fmt::format("{}: a label has no spaces or control characters (use - or _)",
                                 what));
  }
  if (label.empty() || label.size() > 64) {
    throw InputError(fmt::format("{} '{}': a label is 1 to 64 characters", what,
                                 label.substr(0, 80)));
  }
}

void check_run_note(std::string_view note, std::string_view what) {
  if (note.size() > 2000) {
    throw InputError(fmt::format("{}: a note is at most 2,000 characters ({} given)", what,
                                 note.size()));
  }
}

}  // namespace qb
