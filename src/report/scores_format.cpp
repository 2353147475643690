// scores: one JSON line per case with every dimension's score and its evidence.
#include <cmath>
#include <ostream>
#include <string>

#include "qualbar/report/format.hpp"
#include "qualbar/util/json_write.hpp"

namespace qb {
namespace {

// Written field by field (util/json_write.hpp) rather than as a document per line: a million-case
// run is five million scores.
void append_field(std::string& line, std::string_view key, std::string_view value) {
  append_json_string(line, key);
  line += ':';
  append_json_string(line, value);
  line += ',';
}

void write_scores(const ReportInput& in, std::ostream& out) {
  const auto& dims = in.report.dimensions;
  std::string line;
  for (std::size_t c = 0; c < in.cases.size(); ++c) {
    const Case& k = in.cases[c];
    const Response& r = in.responses[c];
    line = "{";
    append_field(line, "id", k.id);
    if (!k.category.empty()) append_field(line, "category", k.category);
    if (!k.language.empty()) append_field(line, "language", k.language);
    append_field(line, "model", r.model);
    append_field(line, "output", r.output);
    line += "\"error\":";
    if (r.error)
      append_json_string(line, *r.error);
    else
      line += "null";
    line += ",\"scores\":{";
    for (std::size_t d = 0; d < dims.size() && d < in.scores.n_dimensions(); ++d) {
      const ScoreView s = in.scores.at(c, d);
      if (d > 0) line += ',';
      append_json_string(line, dims[d].name);
      line += ":{";
      append_field(line, "status", to_string(s.status));
      line += "\"value\":";
      if (s.status == ScoreStatus::scored && std::isfinite(s.value))
        append_json_number(line, s.value);
      else
        line += "null";
      // Not applicable, or not graded by the judge: neither passed nor failed.
      if (dims[d].aggregation == Aggregation::rate && dims[d].higher_is_better &&
          s.status != ScoreStatus::not_applicable && s.status != ScoreStatus::ungraded) {
        const double threshold = dims[d].threshold.value_or(0.5);
        line += s.status == ScoreStatus::scored && s.value >= threshold ? ",\"passed\":true"
                                                                         : ",\"passed\":false";
      }
      line += ",\"evidence\":";
      if (s.evidence.empty())
        line += "null";
      else
        append_json_string(line, s.evidence);
      line += '}';
    }
    line += "}}\n";
    out << line;
  }
}

const ReportFormatRegistrar scores_format_registrar{
    ReportFormatEntry{"scores", "Per-case scores with their evidence, one JSON line per case.",
                      ".jsonl", write_scores, /*needs_cases=*/true}};

}  // namespace
}  // namespace qb
