#include "qualbar/providers/chat_settings.hpp"

#include <cstdlib>

#include <fmt/format.h>

namespace qb {

const std::vector<std::string>& chat_setting_fields() {
  static const std::vector<std::string> fields = {"base_url",
                                                  "api_key_env",
                                                  "headers",
                                                  "temperature",
                                                  "max_tokens",
                                                  "seed",
                                                  "stop",
                                                  "top_p",
                                                  "response_format",
                                                  "tools",
                                                  "tool_choice",
                                                  "logprobs",
                                                  "confidence",
                                                  "prompt",
                                                  "system_prompt",
                                                  "stream",
                                                  "concurrency",
                                                  "requests_per_minute",
                                                  "tokens_per_minute",
                                                  "timeout_s",
                                                  "max_attempts",
                                                  "retry_base_s",
                                                  "retry_max_s",
                                                  "max_connect_failures",
                                                  "cache",
                                                  "price"};
  return fields;
}

namespace {

// ${NAME} in a header value is replaced by the environment variable NAME (for keys in headers).
std::string expand_env(const ConfigReader& r, const ConfigNode& node, const std::string& field,
                       std::vector<std::string>& secrets, std::vector<std::string>* missing) {
  std::string value = r.string(node, field);
  std::string out;
  std::size_t pos = 0;
  while (true) {
    const std::size_t open = value.find("${", pos);
    if (open == std::string::npos) break;
    const std::size_t close = value.find('}', open);
    if (close == std::string::npos) r.fail(node, field, "'${' is never closed with '}'");
    const std::string name = value.substr(open + 2, close - open - 2);
    const char* env = std::getenv(name.c_str());
    if (env == nullptr) {
      const std::string why = fmt::format("the environment variable {} is not set", name);
      if (missing == nullptr) r.fail(node, field, why);
      missing->push_back(fmt::format("{} ({})", name, field));
      env = "";
    }
    if (*env != '\0') secrets.emplace_back(env);
    out += value.substr(pos, open - pos);
    out += env;
    pos = close + 1;
  }
  out += value.substr(pos);
  return out;
}

// How calls are made: streaming, concurrency, rate limits, timeouts and retries.
void read_transport(const ConfigReader& r, const ConfigNode& map, const std::string& where,
                    ChatSettings& s) {
  const auto field = [&](const char* key) { return where + "." + key; };
  const auto get = [&](const char* key) -> const ConfigNode& { return map[key]; };
  if (const ConfigNode& t = get("stream")) s.endpoint.stream = r.boolean(t, field("stream"));
  if (const ConfigNode& t = get("concurrency"))
    s.endpoint.concurrency = static_cast<int>(r.integer(t, field("concurrency"), 1));
  if (const ConfigNode& t = get("requests_per_minute"))
    s.endpoint.requests_per_minute = r.positive(t, field("requests_per_minute"));
  if (const ConfigNode& t = get("tokens_per_minute"))
    s.endpoint.tokens_per_minute = r.positive(t, field("tokens_per_minute"));
  if (const ConfigNode& t = get("timeout_s"))
    s.endpoint.timeout_s = r.positive(t, field("timeout_s"));
  if (const ConfigNode& t = get("max_attempts"))
    s.endpoint.retry.max_attempts = static_cast<int>(r.integer(t, field("max_attempts"), 1));
  if (const ConfigNode& t = get("retry_base_s"))
    s.endpoint.retry.base_delay_s = r.positive(t, field("retry_base_s"));
  if (const ConfigNode& t = get("retry_max_s"))
    s.endpoint.retry.max_delay_s = r.positive(t, field("retry_max_s"));
  if (const ConfigNode& t = get("max_connect_failures"))
    s.endpoint.max_connect_failures =
        static_cast<int>(r.integer(t, field("max_connect_failures"), 1));
}

void read_price(const ConfigReader& r, const ConfigNode& p, const std::string& field,
                ChatSettings& s) {
  if (!p.is_map())
    r.fail(p, field, "expected {input: USD per million tokens, output: USD per million}");
  r.check_keys(p, field, {"input", "output"});
  if (p["input"]) s.price_input = r.number(p["input"], field + ".input");
  if (p["output"]) s.price_output = r.number(p["output"], field + ".output");
  for (const auto& [v, name] : {std::pair{s.price_input, "input"}, {s.price_output, "output"}}) {
    if (v && *v < 0) r.fail(p[name], field + "." + name, "must not be negative");
  }
}

// The key: from the named variable (which must then be set), else OPENAI_API_KEY when set.
void read_api_key(const ConfigReader& r, const ConfigNode& map, const std::string& where,
                  bool keys_needed, ChatSettings& s) {
  const auto field = [&](const char* key) { return where + "." + key; };
  const auto get = [&](const char* key) -> const ConfigNode& { return map[key]; };
  // Validating, a key that is not set is listed for the run, not an error.
  const auto no_key = [&](const ConfigNode& node, const std::string& variable,
                          const std::string& why) {
    if (keys_needed) r.fail(node, field("api_key_env"), why);
    s.missing_keys.push_back(fmt::format("{} ({})", variable, field("api_key_env")));
  };
  if (const ConfigNode& k = get("api_key_env")) {
    s.api_key_env = r.string(k, field("api_key_env"));
    if (s.api_key_env.empty())
      r.fail(k, field("api_key_env"),
             "is empty: name the environment variable that holds the API key, e.g. "
             "api_key_env: OPENAI_API_KEY (or leave the field out to use OPENAI_API_KEY)");
    const char* key = std::getenv(s.api_key_env.c_str());
    if (key == nullptr || *key == '\0')
      no_key(k, s.api_key_env,
             fmt::format("the environment variable {} is not set: export it with the API key "
                         "(qualbar reads keys only from the environment)",
                         s.api_key_env));
    else
      s.endpoint.api_key = key;
  } else if (const char* key = std::getenv("OPENAI_API_KEY"); key != nullptr && *key != '\0') {
    s.api_key_env = "OPENAI_API_KEY";
    s.endpoint.api_key = key;
  } else if (s.endpoint.base_url.find("api.openai.com") != std::string::npos) {
    no_key(map, "OPENAI_API_KEY",
           "no API key: export OPENAI_API_KEY, or name the variable holding the key with "
           "api_key_env");
  }
}

}  // namespace

ChatSettings parse_chat_settings(const ConfigReader& r, const ConfigNode& map,
                                 const std::string& where, bool keys_needed) {
  ChatSettings s;
  const auto field = [&](const char* key) { return where + "." + key; };
  const auto get = [&](const char* key) -> const ConfigNode& { return map[key]; };

  s.endpoint.base_url = get("base_url") ? r.string(get("base_url"), field("base_url"))
                                        : std::string("https://api.openai.com/v1");
  while (!s.endpoint.base_url.empty() && s.endpoint.base_url.back() == '/')
    s.endpoint.base_url.pop_back();
  if (!s.endpoint.base_url.starts_with("http://") && !s.endpoint.base_url.starts_with("https://"))
    r.fail(get("base_url"), field("base_url"),
           "expected an http:// or https:// URL such as https://api.openai.com/v1");

  if (!get("model"))
    r.fail(map, field("model"), "is required: the model to call, e.g. gpt-4o-mini");
  s.model = r.string(get("model"), field("model"));

  read_api_key(r, map, where, keys_needed, s);

  if (const ConfigNode& h = get("headers")) {
    if (!h.is_map()) r.fail(h, field("headers"), "expected a map of header name to value");
    r.check_unique_keys(h, field("headers"));
    for (const auto& kv : h.members()) {
      const auto name = kv.first.scalar();
      s.endpoint.headers.emplace_back(
          name, expand_env(r, kv.second, field("headers") + "." + name, s.endpoint.secrets,
                           keys_needed ? nullptr : &s.missing_keys));
      s.header_names.push_back(name);
    }
  }
  // Too short to tell from ordinary text: redacting "EMPTY" or "x" would rewrite answers.
  if (!s.endpoint.api_key.empty() && s.endpoint.api_key.size() < Redactor::kMinSecretBytes) {
    s.warnings.push_back(fmt::format(
        "{}: the API key in {} is {} characters long, so it is taken for a placeholder (such as "
        "vLLM's EMPTY) and is not redacted from answers and messages; keys of {} characters or "
        "more are",
        where, s.api_key_env, s.endpoint.api_key.size(), Redactor::kMinSecretBytes));
  }
  for (const auto& secret : s.endpoint.secrets) {
    if (secret.size() < Redactor::kMinSecretBytes) {
      s.warnings.push_back(fmt::format(
          "{}.headers: a value taken from the environment is {} characters long, so it is taken "
          "for a placeholder and is not redacted; values of {} characters or more are",
          where, secret.size(), Redactor::kMinSecretBytes));
    }
  }

  // Request parameters, passed to the endpoint as written.
  if (const ConfigNode& t = get("temperature")) {
    const double v = r.number(t, field("temperature"));
    if (v < 0 || v > 2) r.fail(t, field("temperature"), "must be between 0 and 2");
    s.params["temperature"] = v;
  }
  if (const ConfigNode& t = get("top_p")) {
    const double v = r.number(t, field("top_p"));
    if (!(v > 0 && v <= 1)) r.fail(t, field("top_p"), "must be more than 0 and at most 1");
    s.params["top_p"] = v;
  }
  if (const ConfigNode& t = get("max_tokens"))
    s.params["max_tokens"] = r.integer(t, field("max_tokens"), 1);
  if (const ConfigNode& t = get("seed")) s.params["seed"] = r.integer(t, field("seed"), 0);
  if (const ConfigNode& t = get("stop")) {
    if (t.is_scalar()) {
      s.params["stop"] = nlohmann::json::array({r.string(t, field("stop"))});
    } else if (t.is_sequence()) {
      auto& stop = s.params["stop"] = nlohmann::json::array();
      for (const auto& x : t.items()) stop.push_back(r.string(x, field("stop")));
    } else {
      r.fail(t, field("stop"), "expected a text or a list of texts");
    }
  }
  if (const ConfigNode& t = get("response_format")) {
    if (t.is_scalar() && (t.scalar() == "json" || t.scalar() == "json_object")) {
      s.params["response_format"] = {{"type", "json_object"}};
    } else if (t.is_scalar() && t.scalar() == "text") {
      s.params["response_format"] = {{"type", "text"}};
    } else if (t.is_map()) {
      s.params["response_format"] = nlohmann::json::parse(config_json(t));
    } else {
      r.fail(t, field("response_format"),
             "expected json, text, or a map such as {type: json_schema, json_schema: {...}}");
    }
  }
  if (const ConfigNode& t = get("tools")) {
    if (!t.is_sequence()) r.fail(t, field("tools"), "expected a list of tool definitions");
    s.params["tools"] = nlohmann::json::parse(config_json(t));
  }
  if (const ConfigNode& t = get("tool_choice"))
    s.params["tool_choice"] = nlohmann::json::parse(config_json(t));
  bool logprobs = false;
  if (const ConfigNode& t = get("logprobs")) {
    logprobs = r.boolean(t, field("logprobs"));
    if (logprobs) s.params["logprobs"] = true;
  }
  if (const ConfigNode& t = get("confidence")) {
    const std::string v = r.string(t, field("confidence"));
    if (v == "logprobs") {
      s.confidence = ConfidenceSource::logprobs;
      s.params["logprobs"] = true;
    } else if (v == "verbalized") {
      s.confidence = ConfidenceSource::verbalized;
    } else if (v == "none") {
      s.confidence = ConfidenceSource::none;
    } else {
      r.fail(t, field("confidence"), "expected logprobs, verbalized or none");
    }
  } else if (logprobs) {
    s.confidence = ConfidenceSource::logprobs;
  }

  if (const ConfigNode& t = get("prompt"))
    s.prompt.emplace(r.string(t, field("prompt")), r.at(t, field("prompt")));
  if (const ConfigNode& t = get("system_prompt"))
    s.system_prompt.emplace(r.string(t, field("system_prompt")), r.at(t, field("system_prompt")));

  read_transport(r, map, where, s);

  // Cached by default when the answer is meant to be deterministic (temperature 0).
  s.cache = s.params.contains("temperature") && s.params["temperature"].get<double>() == 0.0;
  if (const ConfigNode& t = get("cache")) s.cache = r.boolean(t, field("cache"));

  if (const ConfigNode& p = map["price"]) read_price(r, p, where + ".price", s);
  return s;
}

std::string ChatSettings::request_body(const std::vector<Message>& messages) const {
  nlohmann::json body = params;
  body["model"] = model;
  auto& ms = body["messages"] = nlohmann::json::array();
  for (const auto& m : messages) ms.push_back({{"role", m.role}, {"content", m.content}});
  if (endpoint.stream) {
    body["stream"] = true;
    body["stream_options"] = {{"include_usage", true}};
  }
  return body.dump();
}

std::string ChatSettings::audit_json() const {
  nlohmann::json j = params;
  j["base_url"] = endpoint.base_url;
  j["model"] = model;
  if (!api_key_env.empty()) j["api_key_env"] = api_key_env;  // the variable's name only
  if (!header_names.empty()) j["headers"] = header_names;    // names only: values may be secrets
  if (prompt) j["prompt"] = prompt->text();
  if (system_prompt) j["system_prompt"] = system_prompt->text();
  j["stream"] = endpoint.stream;
  j["concurrency"] = endpoint.concurrency;
  if (endpoint.requests_per_minute > 0) j["requests_per_minute"] = endpoint.requests_per_minute;
  if (endpoint.tokens_per_minute > 0) j["tokens_per_minute"] = endpoint.tokens_per_minute;
  j["timeout_s"] = endpoint.timeout_s;
  j["max_attempts"] = endpoint.retry.max_attempts;
  j["cache"] = cache;
  if (price_input || price_output)
    j["price"] = {{"input", price_input.value_or(0)}, {"output", price_output.value_or(0)}};
  return j.dump();
}

std::optional<double> ChatSettings::cost_usd(const Usage& usage) const {
  if (!price_input && !price_output) return std::nullopt;
  return (static_cast<double>(usage.input_tokens) * price_input.value_or(0) +
          static_cast<double>(usage.output_tokens) * price_output.value_or(0)) /
         1e6;
}

}  // namespace qb
