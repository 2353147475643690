#pragma once
// The judge: a model that grades answers against a rubric. Scorers that need it ask it through a
// JudgeContext in Scorer::prepare, every case at once, on the chat client's event loop with the
// judge's concurrency, rate limits and retries. Its grades are kept in the store as they arrive,
// like the system's answers (same request, same answer, no call); a reply that is not a grade is
// never kept. A judge that fails, or answers out of format, gives an ungraded score naming why —
// counted, never a guessed grade.

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "qualbar/core/case.hpp"
#include "qualbar/providers/chat_client.hpp"
#include "qualbar/providers/response_cache.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb {

struct JudgeSettings;  // scorers/judge_settings.hpp

// What a judge prompt is about: the answer of one case. A recorded grade is found by it.
struct JudgeSubject {
  std::string_view case_id;
  std::string_view output;
};

// What the run tells the judge while it asks: where its answers belong and whether Ctrl-C was
// pressed.
struct JudgeHooks {
  // Answers are kept as they arrive, so that a stopped or failed run asks only what is missing
  // when it is resumed. With the judge's cache off, they are kept for this scope (a run id) only.
  std::string scope;
  // 0: go on; 1: start no new call, finish those in flight; 2: drop those in flight.
  std::function<int()> interrupt_level;
};

class JudgeContext {
 public:
  JudgeContext() = default;  // no judge: ask() is a RunError (the suite loader prevents it)
  // `cache` keeps the judge's grades (nullptr: none are kept).
  JudgeContext(const JudgeSettings* settings, ResponseCache* cache, JudgeHooks hooks = {})
      : settings_(settings), cache_(cache), hooks_(std::move(hooks)) {}

  // The dimension whose scorer asks next (recorded grades are per dimension).
  void set_dimension(std::string name) { dimension_ = std::move(name); }

  // Tells a reply that grades from one that does not (prose, a refusal, a verdict out of
  // format), by the prompt's index: only grades are kept, so a judge that did not grade is asked
  // again next time.
  using IsGrade = std::function<bool(std::size_t prompt, const ChatResult& reply)>;

  // One judge call per prompt, results aligned with the prompts; recorded and kept grades are
  // reused. `subjects[i]` is the answer prompt i is about. A call the judge was not asked
  // (Ctrl-C) has no content and no error: it grades nothing.
  std::vector<ChatResult> ask(const std::vector<std::vector<Message>>& prompts,
                              std::span<const JudgeSubject> subjects, const IsGrade& is_grade);

  [[nodiscard]] std::string model() const;
  [[nodiscard]] std::size_t calls() const { return calls_; }            // sent to the judge
  [[nodiscard]] std::size_t cached() const { return cached_; }          // answered from the cache
  [[nodiscard]] std::size_t recorded() const { return recorded_; }      // from judge.grades
  // Recorded-only judge: answers with no recorded grade (also counted in not_graded).
  [[nodiscard]] std::size_t unrecorded() const { return unrecorded_; }
  // Everything the judge was asked about, however it answered.
  [[nodiscard]] std::size_t asked() const { return calls_ + cached_ + recorded_ + unrecorded_; }
  [[nodiscard]] std::size_t not_graded() const { return not_graded_; }  // failed or no grade
  // Ctrl-C stopped the judge before every prompt was asked.
  [[nodiscard]] bool interrupted() const { return interrupted_; }
  // Why the first reply that did not grade failed ("" when every reply graded).
  [[nodiscard]] const std::string& first_failure() const { return first_failure_; }

 private:
  const JudgeSettings* settings_ = nullptr;
  ResponseCache* cache_ = nullptr;
  JudgeHooks hooks_;
  std::string dimension_;
  std::size_t calls_ = 0;
  std::size_t cached_ = 0;
  std::size_t recorded_ = 0;
  std::size_t unrecorded_ = 0;
  std::size_t not_graded_ = 0;
  std::string first_failure_;
  bool interrupted_ = false;
};

}  // namespace qb
