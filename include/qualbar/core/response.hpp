#pragma once
// What the system under test returned for one case.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qb {

struct Usage {
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
};

struct Response {
  std::string id;
  std::string output;
  std::optional<double> confidence;
  std::vector<std::string> citations;
  std::optional<std::string> label;
  std::optional<double> latency_ms;
  std::optional<double> ttft_ms;
  std::optional<Usage> usage;
  std::optional<double> cost_usd;
  std::string model;
  // Set when the call failed (or no response exists for the case): the case is an error case,
  // counted as such and never a pass.
  std::optional<std::string> error;
  std::string extra_json;  // unknown fields, minified JSON object; "" when none

  [[nodiscard]] bool is_error() const { return error.has_value(); }
};

}  // namespace qb
