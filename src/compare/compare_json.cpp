#include "qualbar/compare/compare_json.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

namespace qb {
namespace {

nlohmann::ordered_json compare_cell_json(const CompareCell& c) {
  const auto num = [](double v) { return std::isnan(v) ? nlohmann::json() : nlohmann::json(v); };
  nlohmann::ordered_json j = {
      {"slice", c.slice.empty() ? nlohmann::json() : nlohmann::json(c.slice)},
      {"value", c.value.empty() ? nlohmann::json() : nlohmann::json(c.value)},
      {"critical", c.critical},
      {"n", c.n},
      {"a", num(c.a)},
      {"b", num(c.b)},
      {"difference", num(c.diff)},
      {"interval", {num(c.interval.lo), num(c.interval.hi)}},
      {"test", c.test},
      {"p_value", num(c.p)},
      {"p_adjusted", num(c.p_adjusted)},
      {"verdict", to_string(c.verdict)}};
  if (c.test == "McNemar exact") {
    j["a_pass_b_fail"] = c.worse;
    j["a_fail_b_pass"] = c.better;
  }
  return j;
}

}  // namespace

nlohmann::ordered_json comparison_json(const Comparison& cmp) {
  nlohmann::ordered_json j;
  j["schema"] = "qualbar.comparison/1";
  const auto run = [](const RunInfo& r) {
    return nlohmann::ordered_json{{"id", r.id},
                                  {"model", r.model},
                                  {"suite_hash", r.suite_hash},
                                  {"bars_hash", r.bars_hash},
                                  {"dataset_hash", r.dataset_hash},
                                  {"n_cases", r.n_cases}};
  };
  j["a"] = run(cmp.a);
  j["b"] = run(cmp.b);
  j["suites_differ"] = cmp.suites_differ;
  j["bars_differ"] = cmp.bars_differ;
  j["datasets_differ"] = cmp.datasets_differ;
  j["paired_cases"] = cmp.paired;
  j["only_in_a"] = cmp.only_a;
  j["only_in_b"] = cmp.only_b;
  j["dimensions_only_in_a"] = cmp.only_in_a_dimensions;
  j["dimensions_only_in_b"] = cmp.only_in_b_dimensions;
  j["adjustment"] = cmp.adjust == Adjustment::holm ? "holm" : "benjamini-hochberg";
  j["confidence"] = cmp.confidence;
  j["regressed"] = cmp.regressed;
  j["exit_code"] = cmp.regressed ? 1 : 0;
  nlohmann::ordered_json dims = nlohmann::ordered_json::array();
  for (const auto& d : cmp.dimensions) {
    nlohmann::ordered_json cells = nlohmann::ordered_json::array();
    for (const auto& c : d.cells) cells.push_back(compare_cell_json(c));
    dims.push_back({{"name", d.name},
                    {"estimate_name", d.estimate_name},
                    {"higher_is_better", d.higher_is_better},
                    {"tolerance", d.tolerance},
                    {"verdict", to_string(d.verdict)},
                    {"overall", compare_cell_json(d.overall)},
                    {"slices", cells}});
  }
  j["dimensions"] = dims;
  j["changed_cases"] = changed_cases_json(cmp);
  return j;
}

nlohmann::ordered_json changed_cases_json(const Comparison& cmp) {
  using nlohmann::ordered_json;
  const auto side = [](const FlipSide& s) {
    return ordered_json{
        {"output", s.output},
        {"evidence", s.evidence.empty() ? ordered_json() : ordered_json(s.evidence)},
        {"failed_call", s.failed_call}};
  };
  ordered_json dims = ordered_json::array();
  for (const ChangedCases& d : cmp.changed_cases) {
    ordered_json cases = ordered_json::array();
    for (const FlippedCase& c : d.listed) {
      cases.push_back({{"id", c.id},
                       {"direction", to_string(c.flip)},
                       {"critical_slices", c.critical_slices},
                       {"input", c.input},
                       {"reference", c.reference ? ordered_json(*c.reference) : ordered_json()},
                       {"a", side(c.a)},
                       {"b", side(c.b)}});
    }
    dims.push_back({{"dimension", d.dimension},
                    {"changed", d.changed()},
                    {"pass_to_fail", d.pass_to_fail},
                    {"fail_to_pass", d.fail_to_pass},
                    {"cases", cases}});
  }
  return {{"listed_per_dimension", cmp.list_cases}, {"dimensions", dims}};
}

}  // namespace qb
