#pragma once
// The settings of an OpenAI-compatible chat endpoint as a suite writes them: the endpoint, the
// request parameters, the prompt, the confidence, the cache and the price. The openai provider
// reads them under `system:`; a judge reads the same fields under its own map.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "qualbar/core/case.hpp"
#include "qualbar/providers/chat_client.hpp"
#include "qualbar/providers/prompt.hpp"
#include "qualbar/util/config.hpp"

namespace qb {

enum class ConfidenceSource { none, logprobs, verbalized };

struct ChatSettings {
  EndpointSettings endpoint;  // api_key read from the environment variable `api_key_env`
  std::string api_key_env;
  std::string model;
  nlohmann::json params = nlohmann::json::object();  // temperature, max_tokens, seed, stop, ...
  std::optional<PromptTemplate> system_prompt;
  std::optional<PromptTemplate> prompt;
  ConfidenceSource confidence = ConfidenceSource::none;
  bool cache = false;                     // answers reused for the same request
  std::optional<double> price_input;      // USD per million input tokens
  std::optional<double> price_output;     // USD per million output tokens
  std::vector<std::string> header_names;  // for the audit record (values may be secrets)
  // Said once before anything runs: a key too short to redact is taken as a placeholder.
  std::vector<std::string> warnings;
  // Read without the keys (`qualbar validate`): the environment variables a run will need that
  // are not set, each "NAME (field)".
  std::vector<std::string> missing_keys;

  // The request body for these messages: model, messages, the parameters, stream options.
  [[nodiscard]] std::string request_body(const std::vector<Message>& messages) const;
  // The settings for a run's audit record, as a JSON object's text: names of secrets, never
  // values.
  [[nodiscard]] std::string audit_json() const;
  // The cost of a call with this usage; nullopt without a price.
  [[nodiscard]] std::optional<double> cost_usd(const Usage& usage) const;
};

// The keys parse_chat_settings reads.
const std::vector<std::string>& chat_setting_fields();

// Reads the chat settings of `map` (whose other keys the caller has checked); `where` names the
// map in messages ("system"). The API key is read from the environment here: a named variable
// that is not set is an InputError naming the variable (never its value).
// With `keys_needed` false (validating, not running), an environment variable that is not set is
// listed in `missing_keys` instead of failing.
ChatSettings parse_chat_settings(const ConfigReader& r, const ConfigNode& map,
                                 const std::string& where, bool keys_needed = true);

}  // namespace qb
