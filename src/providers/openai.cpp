// openai: any OpenAI-compatible chat-completions endpoint (hosted APIs, vLLM, llama.cpp server,
// Ollama). Each case becomes one request (the prompt template filled from the case, or its chat
// messages); the requests run on the chat client's event loop (providers/chat_client.hpp) with the
// suite's concurrency, rate limits and retries. Settings: docs/providers.md.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/providers/chat_client.hpp"
#include "qualbar/providers/chat_settings.hpp"
#include "qualbar/providers/provider.hpp"
#include "qualbar/util/files.hpp"

namespace qb {
namespace {

class OpenAiProvider final : public Provider {
 public:
  OpenAiProvider(const Suite& suite, const ProviderOptions& options)
      : settings_(parse_chat_settings(ConfigReader(suite.file, suite.dir), suite.system.settings,
                                      "system", options.keys_needed)),
        label_(options.model.empty() ? settings_.model : options.model) {
    // Room on the wire for an answer at system.max_output_bytes with its envelope and escapes.
    settings_.endpoint.max_body_bytes =
        std::max(settings_.endpoint.max_body_bytes, 8 * suite.limits.max_output_bytes);
  }

  std::string model() const override { return label_; }

  std::string settings_json() const override { return settings_.audit_json(); }

  std::vector<std::string> settings_warnings() const override { return settings_.warnings; }
  std::vector<std::string> missing_keys() const override { return settings_.missing_keys; }

  void check(std::span<const Case> cases) override {
    for (const auto& c : cases) (void)build_messages(c, settings_.system_prompt, settings_.prompt);
  }

  std::string cache_key(const Case& c) const override {
    if (!settings_.cache) return {};
    return content_hash(settings_.endpoint.base_url + "\n" + body(c));
  }

  void run(std::span<const Case> cases, std::span<const std::size_t> todo,
           std::vector<Response>& out, ProviderSink& sink) override {
    out.resize(cases.size());
    const std::int64_t max_tokens = settings_.params.value("max_tokens", std::int64_t{256});
    std::vector<ChatCall> calls;
    calls.reserve(todo.size());
    for (const std::size_t i : todo) {
      ChatCall call;
      call.index = i;
      call.body = body(cases[i]);
      // About four bytes a token for the prompt, plus the most the answer may take.
      call.est_tokens = static_cast<std::int64_t>(call.body.size() / 4) + max_tokens;
      calls.push_back(std::move(call));
    }

    struct Events final : ChatEvents {
      const OpenAiProvider& self;
      std::span<const Case> cases;
      std::vector<Response>& out;
      ProviderSink& sink;
      Events(const OpenAiProvider& p, std::span<const Case> c, std::vector<Response>& o,
             ProviderSink& s)
          : self(p), cases(c), out(o), sink(s) {}
      void done(std::size_t index, ChatResult&& result) override {
        out[index] = self.to_response(cases[index], std::move(result));
        sink.done(index);
      }
      void retrying(std::size_t index, const std::string& why) override {
        sink.retrying(index, why);
      }
      void idle() override { sink.idle(); }
      bool stop_requested() override { return sink.stop_requested(); }
      bool abort_requested() override { return sink.abort_requested(); }
    } events(*this, cases, out, sink);
    run_chat_calls(settings_.endpoint, std::move(calls), events);
  }

 private:
  std::string body(const Case& c) const {
    return settings_.request_body(build_messages(c, settings_.system_prompt, settings_.prompt));
  }

  Response to_response(const Case& c, ChatResult&& res) const {
    Response r;
    r.id = c.id;
    r.model = res.model.empty() ? settings_.model : std::move(res.model);
    r.latency_ms = res.latency_ms;
    if (res.error) {
      r.error = std::move(*res.error);
      return r;
    }
    r.output = res.content.empty() && !res.tool_calls_json.empty() ? res.tool_calls_json
                                                                   : std::move(res.content);
    if (res.ttft_ms) r.edit_details().ttft_ms = res.ttft_ms;
    if (res.usage) {
      r.edit_details().usage = res.usage;
      r.edit_details().cost_usd = settings_.cost_usd(*res.usage);
    }
    switch (settings_.confidence) {
      case ConfidenceSource::logprobs:
        if (res.logprob_tokens > 0)  // the geometric mean of the answer's token probabilities
          r.confidence = std::exp(res.logprob_sum / static_cast<double>(res.logprob_tokens));
        break;
      case ConfidenceSource::verbalized:
        r.confidence = verbalized_confidence(r.output);
        break;
      case ConfidenceSource::none:
        break;
    }
    // What a scorer of tool use or truncation needs, kept with the response.
    if (!res.tool_calls_json.empty() ||
        (!res.finish_reason.empty() && res.finish_reason != "stop")) {
      nlohmann::json extra = nlohmann::json::object();
      if (!res.tool_calls_json.empty())
        extra["tool_calls"] = nlohmann::json::parse(res.tool_calls_json, nullptr, false);
      if (!res.finish_reason.empty()) extra["finish_reason"] = res.finish_reason;
      r.edit_details().extra_json = extra.dump();
    }
    return r;
  }

  ChatSettings settings_;
  std::string label_;
};

const ProviderRegistrar openai_registrar{ProviderEntry{
    "openai",
    "Any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, llama.cpp, Ollama), with "
    "streaming, retries, rate limits and concurrency.",
    chat_setting_fields(), [](const Suite& s, const ProviderOptions& o) {
      return std::make_unique<OpenAiProvider>(s, o);
    }}};

}  // namespace
}  // namespace qb
