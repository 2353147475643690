#include "qualbar/providers/chat_settings.hpp"
#include "qualbar/scorers/judge.hpp"
#include "qualbar/scorers/judge_reply.hpp"
#include "qualbar/scorers/judge_settings.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "qualbar/io/dataset.hpp"
#include "qualbar/util/files.hpp"
#include "qualbar/util/text.hpp"

namespace qb {

JudgeSettings judge_settings(const Suite& suite, bool keys_needed) {
  JudgeSettings out;
  const ConfigReader reader(suite.file, suite.dir);
  if (const ConfigNode& grades = suite.judge["grades"]) {
    const std::string name = reader.string(grades, "judge.grades");
    const std::filesystem::path path = std::filesystem::path(suite.dir) / name;
    if (!std::filesystem::is_regular_file(path)) {
      reader.fail(grades, "judge.grades",
                  fmt::format("there is no file '{}': name a JSONL file of recorded judge grades, "
                              "relative to the suite's folder",
                              path.string()));
    }
    out.recorded = std::make_shared<const RecordedGrades>(
        RecordedGrades::load(path.string(), path.lexically_normal().string()));
    // Without a base_url the judge only replays: nothing is sent, so no key is needed.
    out.recorded_only = !suite.judge["base_url"];
  }
  ChatSettings& s = out.chat;
  s = parse_chat_settings(reader, suite.judge, "judge", keys_needed && !out.recorded_only);
  if (out.recorded_only) {
    s.endpoint.base_url.clear();
    s.missing_keys.clear();
  }
  if (!s.params.contains("temperature")) {
    s.params["temperature"] = 0.0;
    if (!suite.judge["cache"]) s.cache = true;
  }
  if (!s.params.contains("response_format"))
    s.params["response_format"] = {{"type", "json_object"}};
  return out;
}

nlohmann::json judge_json(std::string_view reply) {
  if (const auto open = reply.find('{'), close = reply.rfind('}');
      open != std::string_view::npos && close != std::string_view::npos && close > open)
    reply = reply.substr(open, close - open + 1);
  return nlohmann::json::parse(reply, nullptr, false);
}

std::string JudgeContext::model() const {
  return settings_ ? settings_->chat.model : std::string();
}

std::vector<ChatResult> JudgeContext::ask(const std::vector<std::vector<Message>>& prompts,
                                          std::span<const JudgeSubject> subjects,
                                          const IsGrade& is_grade) {
  if (settings_ == nullptr)
    throw RunError("a dimension asks the judge, and this run has no judge settings");
  const ChatSettings& chat = settings_->chat;
  const RecordedGrades* recorded = settings_->recorded.get();
  std::vector<ChatResult> out(prompts.size());
  // Where each answer is kept: the cache key (same request, same answer) or, with the cache off,
  // a key of this run's own so only its resume reuses it.
  std::vector<std::string> keys(prompts.size());
  std::vector<ChatCall> calls;
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    if (recorded != nullptr && i < subjects.size()) {
      if (const std::string* reply =
              recorded->find(dimension_, subjects[i].case_id, subjects[i].output)) {
        out[i].content = *reply;
        ++recorded_;
        continue;
      }
      if (settings_->recorded_only) {
        out[i].error = fmt::format(
            "no recorded grade of this answer in {} (judge.grades: a grade stands for the exact "
            "answer it was given to)",
            recorded->file());
        ++unrecorded_;
        continue;
      }
    }
    ChatCall call;
    call.index = i;
    call.body = chat.request_body(prompts[i]);
    call.est_tokens = static_cast<std::int64_t>(call.body.size() / 4) +
                      chat.params.value("max_tokens", std::int64_t{256});
    if (cache_ != nullptr && (chat.cache || !hooks_.scope.empty())) {
      const std::string request = chat.endpoint.base_url + "\n" + call.body;
      keys[i] = content_hash(chat.cache ? request : "run " + hooks_.scope + "\n" + request);
      if (auto hit = cache_->get(keys[i])) {
        auto parsed = parse_responses(*hit, "the response cache");
        if (parsed.size() == 1) {
          ChatResult kept;
          kept.content = std::move(parsed.front().output);
          kept.model = std::move(parsed.front().model);
          kept.usage = parsed.front().details().usage;
          // A reply kept before replies were checked may not grade: it is asked again.
          if (is_grade(i, kept)) {
            out[i] = std::move(kept);
            ++cached_;
            continue;
          }
        }
      }
    }
    calls.push_back(std::move(call));
  }
  calls_ += calls.size();
  if (!calls.empty()) {
    // Each grade is kept as it arrives (at the event loop's pauses), so a stop, a failure or a
    // crash loses no paid call.
    struct Events final : ChatEvents {
      JudgeContext& self;
      std::vector<ChatResult>& out;
      const std::vector<std::string>& keys;
      const IsGrade& is_grade;
      std::vector<std::size_t> pending;
      Events(JudgeContext& s, std::vector<ChatResult>& o, const std::vector<std::string>& k,
             const IsGrade& g)
          : self(s), out(o), keys(k), is_grade(g) {}
      void done(std::size_t index, ChatResult&& result) override {
        out[index] = std::move(result);
        if (!keys[index].empty() && !out[index].error && is_grade(index, out[index]))
          pending.push_back(index);
      }
      void idle() override { flush(); }
      bool stop_requested() override { return level() >= 1; }
      bool abort_requested() override { return level() >= 2; }
      int level() const { return self.hooks_.interrupt_level ? self.hooks_.interrupt_level() : 0; }
      void flush() {
        if (pending.empty() || self.cache_ == nullptr) return;
        std::vector<Response> answers(pending.size());
        std::vector<CacheEntry> entries;
        for (std::size_t j = 0; j < pending.size(); ++j) {
          const ChatResult& r = out[pending[j]];
          answers[j].id = fmt::format("judge-{}", pending[j]);
          answers[j].output = r.content;
          answers[j].model = r.model;
          if (r.usage) answers[j].edit_details().usage = r.usage;
          entries.push_back(CacheEntry{keys[pending[j]], &answers[j]});
        }
        self.cache_->put(entries);
        pending.clear();
      }
    } events(*this, out, keys, is_grade);
    try {
      run_chat_calls(chat.endpoint, std::move(calls), events);
    } catch (const RunError&) {
      events.flush();  // what was graded before the judge became unreachable is kept
      throw;
    }
    events.flush();
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    const bool asked = out[i].error || out[i].attempts > 0 || !out[i].content.empty();
    if (!asked) {
      interrupted_ = true;
    } else if (out[i].error || !is_grade(i, out[i])) {
      ++not_graded_;
      if (first_failure_.empty()) {
        first_failure_ = out[i].error
                             ? *out[i].error
                             : "it answered out of format: " + excerpt(out[i].content, 160);
      }
    }
  }
  return out;
}

}  // namespace qb
