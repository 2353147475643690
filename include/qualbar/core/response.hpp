#pragma once
// What the system under test returned for one case.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "qualbar/core/compact_optional.hpp"
#include "qualbar/core/owned_copy.hpp"
#include "qualbar/core/shared_text.hpp"

namespace qb {

struct Usage {
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
};

// The fields a replayed answer seldom has, kept out of line (Response::details): a Response is
// 168 bytes with them out of line, 272 with them in it.
struct ResponseDetails {
  std::vector<std::string> citations;
  std::optional<double> ttft_ms;
  std::optional<Usage> usage;
  std::optional<double> cost_usd;
  std::string extra_json;  // unknown fields, minified JSON object; "" when none
};

struct Response {
  std::string id;
  std::string output;
  // Eight bytes each: the optionals (core/compact_optional.hpp) and the texts a million answers
  // repeat, shared between them (core/shared_text.hpp).
  OptionalNumber confidence;
  OptionalSharedText label;
  OptionalNumber latency_ms;
  SharedText model;
  // Set when the call failed (or no response exists for the case): the case is an error case,
  // counted as such and never a pass. On the heap when set.
  BoxedOptional<std::string> error;

  [[nodiscard]] bool is_error() const { return error.has_value(); }

  // The seldom set fields: read through details() (all empty when none was set), written through
  // edit_details(), which makes them on first use. A copy of the response copies them.
  [[nodiscard]] const ResponseDetails& details() const { return details_.get(); }
  ResponseDetails& edit_details() { return details_.edit(); }

 private:
  OwnedCopy<ResponseDetails> details_;
};

}  // namespace qb
