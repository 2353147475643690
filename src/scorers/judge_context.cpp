#include "qualbar/scorers/judge.hpp"

#include <fmt/format.h>

#include "qualbar/io/dataset.hpp"
#include "qualbar/suite/yaml_reader.hpp"
#include "qualbar/util/files.hpp"

namespace qb {

ChatSettings judge_settings(const Suite& suite) {
  ChatSettings s = parse_chat_settings(YamlReader(suite.file, suite.dir), suite.judge, "judge");
  if (!s.params.contains("temperature")) {
    s.params["temperature"] = 0.0;
    if (!suite.judge["cache"]) s.cache = true;
  }
  if (!s.params.contains("response_format")) s.params["response_format"] = {{"type", "json_object"}};
  return s;
}

nlohmann::json judge_json(std::string_view reply) {
  if (const auto open = reply.find('{'), close = reply.rfind('}');
      open != std::string_view::npos && close != std::string_view::npos && close > open)
    reply = reply.substr(open, close - open + 1);
  return nlohmann::json::parse(reply, nullptr, false);
}

std::string JudgeContext::model() const { return settings_ ? settings_->model : std::string(); }

std::vector<ChatResult> JudgeContext::ask(const std::vector<std::vector<Message>>& prompts) {
  if (settings_ == nullptr)
    throw RunError("a dimension asks the judge, and this run has no judge settings");
  std::vector<ChatResult> out(prompts.size());
  std::vector<std::string> keys(prompts.size());
  std::vector<ChatCall> calls;
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    ChatCall call;
    call.index = i;
    call.body = settings_->request_body(prompts[i]);
    call.est_tokens = static_cast<std::int64_t>(call.body.size() / 4) +
                      settings_->params.value("max_tokens", std::int64_t{256});
    if (settings_->cache && store_ != nullptr) {
      keys[i] = content_hash(settings_->endpoint.base_url + "\n" + call.body);
      if (auto hit = store_->cached_response(keys[i])) {
        auto parsed = parse_responses(*hit, "the response cache");
        if (parsed.size() == 1) {
          out[i].content = std::move(parsed.front().output);
          out[i].model = std::move(parsed.front().model);
          out[i].usage = parsed.front().usage;
          ++cached_;
          continue;
        }
      }
    }
    calls.push_back(std::move(call));
  }
  calls_ += calls.size();
  if (calls.empty()) return out;

  struct Events final : ChatEvents {
    std::vector<ChatResult>& out;
    explicit Events(std::vector<ChatResult>& o) : out(o) {}
    void done(std::size_t index, ChatResult&& result) override { out[index] = std::move(result); }
  } events(out);
  run_chat_calls(settings_->endpoint, std::move(calls), events);

  // Keep what the judge said (errors are never cached) for the next run of the same requests.
  if (settings_->cache && store_ != nullptr) {
    std::vector<Response> answers;
    std::vector<std::size_t> which;
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (keys[i].empty() || out[i].error || out[i].attempts == 0) continue;
      Response r;
      r.id = fmt::format("judge-{}", i);
      r.output = out[i].content;
      r.model = out[i].model;
      r.usage = out[i].usage;
      answers.push_back(std::move(r));
      which.push_back(i);
    }
    std::vector<CacheEntry> entries;
    for (std::size_t j = 0; j < answers.size(); ++j)
      entries.push_back(CacheEntry{keys[which[j]], &answers[j]});
    store_->save_answers("", {}, entries);
  }
  return out;
}

}  // namespace qb
