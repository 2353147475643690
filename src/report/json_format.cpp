// json: the whole report as one JSON document (schema: docs/report-json.md).
#include <cmath>

#include <nlohmann/json.hpp>

#include "qualbar/report/format.hpp"
#include "qualbar/report/report_json.hpp"
#include "qualbar/util/json_number.hpp"

namespace qb {
namespace {

using json = nlohmann::ordered_json;

std::string_view aggregation_name(Aggregation a) {
  switch (a) {
    case Aggregation::rate:
      return "rate";
    case Aggregation::mean:
      return "mean";
    case Aggregation::quantiles:
      return "quantiles";
    case Aggregation::total:
      return "total";
  }
  return "rate";
}

std::string_view kind_name(ScoreKind k) {
  switch (k) {
    case ScoreKind::binary:
      return "binary";
    case ScoreKind::graded:
      return "graded";
    case ScoreKind::measurement:
      return "measurement";
  }
  return "binary";
}

json cell_json(const Cell& c) {
  json j;
  j["slice"] = c.slice.empty() ? json(nullptr) : json(c.slice);
  j["value"] = c.value.empty() ? json(nullptr) : json(c.value);
  j["label"] = c.label();
  j["n"] = c.n;
  j["n_errors"] = c.n_errors;
  j["n_not_applicable"] = c.n_not_applicable;
  j["n_ungraded"] = c.n_ungraded;
  j["estimate"] = json_number<json>(c.estimate);
  j["interval"] = json::array({json_number<json>(c.interval.lo), json_number<json>(c.interval.hi)});
  json stats = json::object();
  for (const auto& [k, v] : c.stats) stats[k] = json_number<json>(v);
  j["stats"] = stats;
  j["min_detectable_drop"] =
      c.min_detectable_drop ? json_number<json>(*c.min_detectable_drop) : json(nullptr);
  j["too_small"] = c.too_small;
  j["critical"] = c.critical;
  j["status"] = to_string(c.status);
  json bars = json::array();
  for (const auto& b : c.bars) {
    bars.push_back({{"key", b.key},
                    {"stat", b.stat},
                    {"is_max", b.is_max},
                    {"limit", b.limit},
                    {"observed", json_number<json>(b.observed)},
                    {"passed", b.passed},
                    {"uncertain", b.uncertain},
                    {"source", b.source}});
  }
  j["bars"] = bars;
  return j;
}

json failures_json(const Report& r) {
  json out = json::array();
  for (const auto& f : r.failures) {
    out.push_back(
        {{"dimension", f.dimension ? json(r.dimensions[*f.dimension].name) : json(nullptr)},
         {"where", f.where},
         {"critical", f.critical},
         {"source", f.bar.source},
         {"stat", f.bar.stat},
         {"is_max", f.bar.is_max},
         {"limit", f.bar.limit},
         {"observed", json_number<json>(f.bar.observed)},
         {"text", failure_text(f, r)}});
  }
  return out;
}

json interval_json(const stats::Interval& i) {
  return json::array({json_number<json>(i.lo), json_number<json>(i.hi)});
}

json fairness_json(const Report& r) {
  json out = json::array();
  for (const auto& f : r.fairness) {
    json groups = json::array();
    for (const auto& g : f.groups) {
      json gj = {{"value", g.value},
                 {"n", g.n},
                 {"passes", g.passes},
                 {"pass_rate", json_number<json>(g.pass_rate)},
                 {"interval", interval_json(g.interval)},
                 {"compared", g.compared}};
      if (f.positive) {
        gj["positives"] = g.positives;
        gj["true_positive_rate"] = json_number<json>(g.tpr);
        gj["negatives"] = g.negatives;
        gj["false_positive_rate"] = json_number<json>(g.fpr);
      }
      groups.push_back(gj);
    }
    json comparisons = json::array();
    for (const auto& c : f.comparisons) {
      comparisons.push_back({{"metric", c.metric},
                             {"high", c.high},
                             {"high_rate", json_number<json>(c.high_rate)},
                             {"low", c.low},
                             {"low_rate", json_number<json>(c.low_rate)},
                             {"gap", json_number<json>(c.gap)},
                             {"gap_interval", interval_json(c.gap_interval)},
                             {"ratio", json_number<json>(c.ratio)},
                             {"ratio_interval", interval_json(c.ratio_interval)}});
    }
    json bars = json::array();
    for (const auto& b : f.bars) {
      bars.push_back({{"key", b.key},
                      {"metric", b.stat},
                      {"limit", b.limit},
                      {"observed", json_number<json>(b.observed)},
                      {"passed", b.passed}});
    }
    out.push_back({{"dimension", r.dimensions[f.dimension].name},
                   {"across", f.across},
                   {"positive", f.positive ? json(*f.positive) : json(nullptr)},
                   {"min_cases", f.min_cases},
                   {"passed", f.passed},
                   {"groups", groups},
                   {"comparisons", comparisons},
                   {"equalized_odds_gap", json_number<json>(f.equalized_odds)},
                   {"bars", bars}});
  }
  return out;
}

}  // namespace

std::string report_to_json(const Report& r, const Suite& suite) {
  json j;
  j["schema"] = "qualbar.report/1";
  const RunInfo& i = r.run;
  j["run"] = {{"id", i.id},
              {"model", i.model},
              {"provider", i.provider},
              {"provider_settings",
               i.provider_json.empty() ? json::object() : json::parse(i.provider_json)},
              {"started_at", i.started_at},
              {"ended_at", i.ended_at},
              {"host", i.host},
              {"user", i.user},
              {"qualbar_version", i.qualbar_version},
              {"suite_hash", i.suite_hash},
              {"bars_hash", i.bars_hash},
              {"dataset_hash", i.dataset_hash},
              {"status", to_string(i.status)}};
  j["suite"] = {{"name", r.suite_name}, {"file", r.suite_file},       {"confidence", r.confidence},
                {"power", suite.power}, {"min_effect", r.min_effect}, {"useful", suite.useful}};
  j["summary"] = {{"passed", r.passed},
                  {"exit_code", r.passed ? 0 : 1},
                  {"n_cases", r.n_cases},
                  {"n_errors", r.n_errors},
                  {"error_rate", r.n_cases ? json_number<json>(static_cast<double>(r.n_errors) /
                                                               static_cast<double>(r.n_cases))
                                           : json(nullptr)},
                  {"failures", failures_json(r)},
                  {"notices", report_notices(r)}};
  json dims = json::array();
  for (const auto& d : r.dimensions) {
    json dj;
    dj["name"] = d.name;
    dj["scorer"] = d.scorer;
    dj["description"] = d.description;
    dj["kind"] = kind_name(d.kind);
    dj["aggregation"] = aggregation_name(d.aggregation);
    dj["estimate_name"] = d.estimate_name;
    dj["higher_is_better"] = d.higher_is_better;
    dj["unit"] = d.unit.empty() ? json(nullptr) : json(d.unit);
    dj["threshold"] = d.threshold ? json(*d.threshold) : json(nullptr);
    dj["overall"] = cell_json(d.overall);
    json cells = json::array();
    for (const auto& c : d.cells) cells.push_back(cell_json(c));
    dj["slices"] = cells;
    dj["analysis"] =
        d.analysis ? json{{"kind", d.analysis->kind}, {"data", json::parse(d.analysis->data_json)}}
                   : json(nullptr);
    if (d.human_grades) dj["human_grades"] = json::parse(d.human_grades->data_json);
    dims.push_back(dj);
  }
  j["dimensions"] = dims;
  j["fairness"] = fairness_json(r);
  return j.dump(2);
}

namespace {
const ReportFormatRegistrar json_format_registrar{ReportFormatEntry{
    "json", "The whole report as JSON (schema qualbar.report/1, docs/report-json.md).", ".json",
    [](const ReportInput& in, std::ostream& out) {
      out << report_to_json(in.report, in.suite) << '\n';
    }}};
}  // namespace

}  // namespace qb
