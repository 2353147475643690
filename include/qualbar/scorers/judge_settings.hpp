#pragma once
// The suite's `judge:` map read: the model the judge calls, and the grades it recorded before.

#include <memory>

#include "qualbar/providers/chat_settings.hpp"
#include "qualbar/scorers/recorded_grades.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb {

// The suite's judge: the model it calls, and the grades it recorded before (`judge.grades`).
struct JudgeSettings {
  ChatSettings chat;
  std::shared_ptr<const RecordedGrades> recorded;
  // Recorded grades and no base_url: nothing is sent, no key is read, and an answer without a
  // recorded grade is ungraded.
  bool recorded_only = false;
};

// The judge's settings from the suite's `judge:` map (reads the API key, unless the judge only
// replays recorded grades; reads the recorded grades). Judges default to temperature 0, JSON
// answers and the cache, unless the map says otherwise.
JudgeSettings judge_settings(const Suite& suite, bool keys_needed = true);

}  // namespace qb
