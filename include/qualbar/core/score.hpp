#pragma once
// A score: one case on one dimension.

#include <cstdint>
#include <string>
#include <string_view>

namespace qb {

// What a scorer's values are, and how a dimension's cell sums them up (the scorer declares the
// first; the suite's threshold and the scorer decide the second).
enum class ScoreKind {
  binary,       // value is 0 or 1: a pass rate
  graded,       // value in [0,1]: a pass rate at the dimension's threshold, else a mean
  measurement,  // value is a quantity with a unit (ms, USD): percentiles or totals
};

enum class Aggregation {
  rate,       // share of cases that pass; Wilson interval
  mean,       // mean value (scores in [0, 1]); Wilson interval at the effective sample size
  quantiles,  // p50/p90/p95/p99 with distribution-free intervals
  total,      // sum, mean per response and per useful response
};

enum class ScoreStatus : std::uint8_t {
  scored,          // `value` holds the result
  not_applicable,  // the scorer does not apply to this case (e.g. no expected_label)
  error,           // the model call failed: counted as a failure, never a pass
  ungraded,        // the scorer could not grade (the judge failed or answered out of format):
                   // counted and shown, left out of the estimate — never a guessed grade
};

struct Score {
  double value = 0.0;  // [0,1] for quality scorers; a measurement (ms, USD) for measurement scorers
  ScoreStatus status = ScoreStatus::scored;
  std::string evidence;  // why: the missing phrase, the matched pattern, the error message

  static Score pass(std::string evidence = {}) {
    return {1.0, ScoreStatus::scored, std::move(evidence)};
  }
  static Score fail(std::string evidence) {
    return {0.0, ScoreStatus::scored, std::move(evidence)};
  }
  static Score of(double v, std::string evidence = {}) {
    return {v, ScoreStatus::scored, std::move(evidence)};
  }
  static Score not_applicable(std::string why) {
    return {0.0, ScoreStatus::not_applicable, std::move(why)};
  }
  static Score failed_call(std::string error) {
    return {0.0, ScoreStatus::error, std::move(error)};
  }
  static Score ungraded(std::string why) { return {0.0, ScoreStatus::ungraded, std::move(why)}; }
};

std::string_view to_string(ScoreStatus s);

}  // namespace qb
