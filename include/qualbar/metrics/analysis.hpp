#pragma once
// A dimension's analysis: what one number per slice cannot say — a classifier's per-class metrics
// and confusion matrix, a refusal detector's under- and over-refusal rates. A scorer names its
// analysis in ScorerInfo::analysis; each analysis is one file with one AnalysisRegistrar line, and
// every report format shows it (JSON: the dimension's `analysis` object; terminal: its lines).

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "qualbar/core/case.hpp"
#include "qualbar/core/registry.hpp"
#include "qualbar/core/response.hpp"
#include "qualbar/metrics/score_table.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb {

// How many of the worst slices an analysis names in its text.
inline constexpr std::size_t kShownSlices = 5;

struct AnalysisInput {
  const Suite& suite;
  std::size_t dimension;  // index into suite.dimensions and the score table's columns
  std::span<const Case> cases;
  std::span<const Response> responses;
  const ScoreTable& scores;
};

struct Analysis {
  std::string kind;       // the analysis' registered name, e.g. "classification"
  std::string data_json;  // a JSON object for the JSON report (docs/report-json.md)
  std::string title;      // the terminal's heading, e.g. "routing: per class, weakest first"
  std::vector<std::string> lines;  // the terminal's lines under it, worst first
};

struct AnalysisEntry {
  std::string name;
  std::string summary;
  // nullopt when there is nothing to analyse (e.g. no case has an expected label).
  std::function<std::optional<Analysis>(const AnalysisInput&)> run;
};

Registry<AnalysisEntry>& analysis_registry();

struct AnalysisRegistrar {
  explicit AnalysisRegistrar(AnalysisEntry e) { analysis_registry().add(std::move(e)); }
};

}  // namespace qb
