// The chat endpoint's settings as a suite writes them (src/providers/chat_settings.cpp).
#include "qualbar/providers/chat_settings.hpp"

#include <cstdlib>

#include <gtest/gtest.h>

namespace qb {
namespace QB_UNITY_ID {

ChatSettings parse(const std::string& yaml) {
  const ConfigReader r("suite.yaml", ".");
  return parse_chat_settings(r, r.load(yaml), "system");
}

std::string error_of(const std::string& yaml) {
  try {
    (void)parse(yaml);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

struct Env {
  Env(const char* name, const char* value) : name(name) { ::setenv(name, value, 1); }
  ~Env() { ::unsetenv(name); }
  const char* name;
};

TEST(ChatSettings, EveryRequestParameterGoesIntoTheBodyAsTheEndpointExpects) {
  const Env key("QB_SETTINGS_KEY", "sk-settings-1");
  const ChatSettings s = parse(R"(
base_url: http://127.0.0.1:8000/v1/
model: local-model
api_key_env: QB_SETTINGS_KEY
temperature: 0
max_tokens: 64
seed: 7
stop: "###"
top_p: 0.9
response_format: json
tools:
  - type: function
    function: {name: lookup, parameters: {type: object, properties: {id: {type: string}}}}
tool_choice: auto
stream: true
)");
  EXPECT_EQ(s.endpoint.base_url, "http://127.0.0.1:8000/v1");
  EXPECT_EQ(s.endpoint.api_key, "sk-settings-1");
  EXPECT_TRUE(s.endpoint.stream);
  EXPECT_TRUE(s.cache) << "temperature 0 caches by default";
  const auto body = nlohmann::json::parse(s.request_body({{"user", "Hi"}}));
  EXPECT_EQ(body["model"], "local-model");
  EXPECT_EQ(body["messages"], nlohmann::json::parse(R"([{"role":"user","content":"Hi"}])"));
  EXPECT_EQ(body["temperature"], 0.0);
  EXPECT_EQ(body["max_tokens"], 64);
  EXPECT_EQ(body["seed"], 7);
  EXPECT_EQ(body["stop"], nlohmann::json::parse(R"(["###"])"));
  EXPECT_EQ(body["top_p"], 0.9);
  EXPECT_EQ(body["response_format"], nlohmann::json::parse(R"({"type":"json_object"})"));
  EXPECT_EQ(body["tools"][0]["function"]["name"], "lookup");
  EXPECT_EQ(body["tool_choice"], "auto");
  EXPECT_EQ(body["stream"], true);
  EXPECT_EQ(body["stream_options"]["include_usage"], true);
  // The audit record names the key's variable, never the key.
  const std::string audit = s.audit_json();
  EXPECT_EQ(audit.find("sk-settings-1"), std::string::npos);
  EXPECT_NE(audit.find("QB_SETTINGS_KEY"), std::string::npos);
}

TEST(ChatSettings, HeaderSecretsComeFromTheEnvironmentAndOnlyTheirNamesAreRecorded) {
  const Env team("QB_TEAM_TOKEN", "tok-42");
  const ChatSettings s =
      parse("base_url: http://h/v1\nmodel: m\nheaders: {X-Team: \"Bearer ${QB_TEAM_TOKEN}\"}\n");
  ASSERT_EQ(s.endpoint.headers.size(), 1U);
  EXPECT_EQ(s.endpoint.headers[0].second, "Bearer tok-42");
  EXPECT_EQ(s.endpoint.secrets, std::vector<std::string>{"tok-42"});
  ASSERT_EQ(s.warnings.size(), 1U) << "tok-42 is too short to redact: the user is told";
  EXPECT_NE(s.warnings[0].find("system.headers: a value taken from the environment is 6 "
                               "characters long"),
            std::string::npos)
      << s.warnings[0];
  EXPECT_EQ(s.audit_json().find("tok-42"), std::string::npos);
  EXPECT_EQ(error_of("base_url: http://h/v1\nmodel: m\nheaders: {X-Team: \"${QB_UNSET_VAR_9}\"}\n"),
            "suite.yaml:3:19: field 'system.headers.X-Team': the environment variable "
            "QB_UNSET_VAR_9 is not set");
}

TEST(ChatSettings, PriceConfidenceCacheAndLimits) {
  const ChatSettings s = parse(R"(
base_url: http://h/v1
model: m
temperature: 0.7
logprobs: true
concurrency: 64
requests_per_minute: 600
tokens_per_minute: 100000
max_attempts: 3
price: {input: 0.15, output: 0.60}
)");
  EXPECT_FALSE(s.cache) << "a sampling temperature is not cached unless asked";
  EXPECT_EQ(s.confidence, ConfidenceSource::logprobs);
  EXPECT_EQ(s.endpoint.concurrency, 64);
  EXPECT_EQ(s.endpoint.requests_per_minute, 600);
  EXPECT_EQ(s.endpoint.tokens_per_minute, 100000);
  EXPECT_EQ(s.endpoint.retry.max_attempts, 3);
  // 1,000 prompt tokens at $0.15/M and 200 answer tokens at $0.60/M.
  EXPECT_DOUBLE_EQ(*s.cost_usd(Usage{1000, 200}), (1000 * 0.15 + 200 * 0.60) / 1e6);
  EXPECT_FALSE(parse("base_url: http://h/v1\nmodel: m\n").cost_usd(Usage{1, 1}).has_value());
  EXPECT_TRUE(parse("base_url: http://h/v1\nmodel: m\ntemperature: 1\ncache: true\n").cache);
  EXPECT_EQ(parse("base_url: http://h/v1\nmodel: m\nconfidence: verbalized\n").confidence,
            ConfidenceSource::verbalized);
}

TEST(ChatSettings, AKeyTooShortToRedactIsTakenForAPlaceholderWithAWarning) {
  const Env placeholder("QB_SETTINGS_KEY", "EMPTY");
  const ChatSettings s = parse("base_url: http://h/v1\nmodel: m\napi_key_env: QB_SETTINGS_KEY\n");
  EXPECT_EQ(s.endpoint.api_key, "EMPTY") << "it is still sent";
  ASSERT_EQ(s.warnings.size(), 1U);
  EXPECT_EQ(s.warnings[0],
            "system: the API key in QB_SETTINGS_KEY is 5 characters long, so it is taken for a "
            "placeholder (such as vLLM's EMPTY) and is not redacted from answers and messages; "
            "keys of 8 characters or more are");
  const Env real("QB_SETTINGS_KEY", "sk-a-real-key-000");
  EXPECT_TRUE(
      parse("base_url: http://h/v1\nmodel: m\napi_key_env: QB_SETTINGS_KEY\n").warnings.empty());
}

TEST(ChatSettings, BadValuesAreErrorsAtTheirPlace) {
  EXPECT_EQ(error_of("base_url: ftp://h\nmodel: m\n"),
            "suite.yaml:1:11: field 'system.base_url': expected an http:// or https:// URL such as "
            "https://api.openai.com/v1");
  EXPECT_EQ(error_of("base_url: http://h/v1\nmodel: m\ntemperature: 3\n"),
            "suite.yaml:3:14: field 'system.temperature': must be between 0 and 2");
  EXPECT_EQ(error_of("base_url: http://h/v1\nmodel: m\nconcurrency: 0\n"),
            "suite.yaml:3:14: field 'system.concurrency': must be at least 1");
  EXPECT_EQ(error_of("base_url: http://h/v1\nmodel: m\nprice: {input: 1, ouput: 2}\n"),
            "suite.yaml:3:19: field 'system.price.ouput': unknown field 'ouput'. Did you mean "
            "'output'?");
  EXPECT_EQ(error_of("base_url: http://h/v1\nmodel: m\nconfidence: sometimes\n"),
            "suite.yaml:3:13: field 'system.confidence': expected logprobs, verbalized or none");
  EXPECT_EQ(error_of("base_url: http://h/v1\nmodel: m\napi_key_env: QB_UNSET_VAR_9\n"),
            "suite.yaml:3:14: field 'system.api_key_env': the environment variable QB_UNSET_VAR_9 "
            "is not set: export it with the API key (qualbar reads keys only from the "
            "environment)");
}

}  // namespace QB_UNITY_ID
}  // namespace qb
