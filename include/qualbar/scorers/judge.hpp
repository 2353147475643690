#pragma once
// The judge: a model that grades answers against a rubric. Scorers that need it ask it through a
// JudgeContext in Scorer::prepare, every case at once, on the chat client's event loop with the
// judge's concurrency, rate limits and retries. Its answers are cached in the store like the
// system's (same request, same answer, no call). A judge that fails, or answers out of format,
// gives an error score naming why — never a guessed grade.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "qualbar/core/case.hpp"
#include "qualbar/providers/chat_client.hpp"
#include "qualbar/providers/chat_settings.hpp"
#include "qualbar/store/store.hpp"

namespace qb {

class JudgeContext {
 public:
  JudgeContext() = default;  // no judge: ask() is a RunError (the suite loader prevents it)
  JudgeContext(const ChatSettings* settings, Store* store) : settings_(settings), store_(store) {}

  // One judge call per prompt, results aligned with the prompts; cached answers are reused.
  std::vector<ChatResult> ask(const std::vector<std::vector<Message>>& prompts);

  [[nodiscard]] std::string model() const;
  [[nodiscard]] std::size_t calls() const { return calls_; }    // sent to the judge
  [[nodiscard]] std::size_t cached() const { return cached_; }  // answered from the cache

 private:
  const ChatSettings* settings_ = nullptr;
  Store* store_ = nullptr;
  std::size_t calls_ = 0;
  std::size_t cached_ = 0;
};

// The JSON object in a judge's reply (a code fence or a sentence around it is tolerated); a
// discarded or non-object value when there is none: the caller reports it, never guesses.
nlohmann::json judge_json(std::string_view reply);

// The judge's settings from the suite's `judge:` map (reads the API key). Judges default to
// temperature 0, JSON answers and the cache, unless the map says otherwise.
ChatSettings judge_settings(const Suite& suite);

}  // namespace qb
