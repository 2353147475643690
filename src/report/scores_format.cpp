// scores: one JSON line per case with every dimension's score and its evidence.
#include <cmath>

#include <nlohmann/json.hpp>

#include "qualbar/report/format.hpp"

namespace qb {
namespace {

using json = nlohmann::ordered_json;

void write_scores(const ReportInput& in, std::ostream& out) {
  const auto& dims = in.report.dimensions;
  for (std::size_t c = 0; c < in.cases.size(); ++c) {
    const Case& k = in.cases[c];
    const Response& r = in.responses[c];
    json j;
    j["id"] = k.id;
    if (!k.category.empty()) j["category"] = k.category;
    if (!k.language.empty()) j["language"] = k.language;
    j["model"] = r.model;
    j["output"] = r.output;
    j["error"] = r.error ? json(*r.error) : json(nullptr);
    json scores = json::object();
    for (std::size_t d = 0; d < dims.size() && d < in.scores.n_dimensions(); ++d) {
      const ScoreView s = in.scores.at(c, d);
      json sj;
      sj["status"] = to_string(s.status);
      sj["value"] =
          s.status == ScoreStatus::scored && std::isfinite(s.value) ? json(s.value) : json(nullptr);
      // Not applicable, or not graded by the judge: neither passed nor failed.
      if (dims[d].aggregation == Aggregation::rate && dims[d].higher_is_better &&
          s.status != ScoreStatus::not_applicable && s.status != ScoreStatus::ungraded) {
        const double threshold = dims[d].threshold.value_or(0.5);
        sj["passed"] = s.status == ScoreStatus::scored && s.value >= threshold;
      }
      sj["evidence"] = s.evidence.empty() ? json(nullptr) : json(s.evidence);
      scores[dims[d].name] = sj;
    }
    j["scores"] = scores;
    out << j.dump() << '\n';
  }
}

const ReportFormatRegistrar scores_format_registrar{
    ReportFormatEntry{"scores", "Per-case scores with their evidence, one JSON line per case.",
                      ".jsonl", write_scores, /*needs_cases=*/true}};

}  // namespace
}  // namespace qb
