// The judge check as the body of a page: per dimension the verdict and why, then the numbers as
// tables (agreement, the pass rate three ways, slices, the probes, agreement week by week). The
// same checks as the terminal and JSON renderings (judge_check_format.cpp); every outside string
// escaped.
#include <cmath>

#include <fmt/format.h>

#include "qualbar/review/judge_check.hpp"
#include "qualbar/util/text.hpp"
#include "report/html_escape.hpp"

namespace qb::review {
namespace {

using html::text;

std::string jc_points(double x) { return signed_text(100.0 * x, 1); }
std::string jc_rate_interval(const stats::Interval& i) {
  if (!std::isfinite(i.lo) || !std::isfinite(i.hi)) return "";
  return fmt::format("[{}, {}]", fixed_text(100 * i.lo, 1), fixed_text(100 * i.hi, 1));
}
std::string jc_kappa(const stats::KappaResult& k) {
  return k.reason.empty() ? fixed_text(k.kappa, 2) : "undefined (" + std::string(k.reason) + ")";
}

// A table whose cells are escaped; every column after the first right-aligned.
std::string jc_table(const std::vector<std::string>& header,
                     const std::vector<std::vector<std::string>>& rows) {
  std::string out = "<table><thead><tr>";
  for (std::size_t i = 0; i < header.size(); ++i)
    out += fmt::format("<th{}>{}</th>", i == 0 ? "" : " class=\"num\"", text(header[i]));
  out += "</tr></thead><tbody>\n";
  for (const auto& r : rows) {
    out += "<tr>";
    for (std::size_t i = 0; i < r.size(); ++i)
      out += fmt::format("<td{}>{}</td>", i == 0 ? "" : " class=\"num\"", text(r[i]));
    out += "</tr>\n";
  }
  return out + "</tbody></table>\n";
}

std::string jc_overall(const DimensionCheck& d) {
  const CellCheck& o = d.overall;
  std::vector<std::vector<std::string>> rows = {
      {"items with both grades", std::to_string(o.n)},
      {"agreement", percent(o.agreement) + " " + jc_rate_interval(o.agreement_interval)},
      {d.scale.ordinal ? "kappa (quadratic-weighted)" : "kappa",
       jc_kappa(o.kappa) + fmt::format(" — needs ≥ {:.2f}", d.settings.min_kappa)},
      {"pass rate: judge / people", percent(o.judge_rate) + " / " + percent(o.human_rate)},
      {"bias (judge − people, points)",
       jc_points(o.bias) + " [" + jc_points(o.bias_interval.lo) + ", " +
           jc_points(o.bias_interval.hi) + "]"},
      {"left out: open disagreements, no judge grade, off the scale",
       fmt::format("{}, {}, {}", d.open_disagreements, d.no_judge_grade, d.skipped)}};
  return jc_table({"overall", ""}, rows);
}

std::string jc_estimates(const DimensionCheck& d) {
  const Estimates& e = d.estimates;
  const std::vector<std::vector<std::string>> rows = {
      {"judge only", percent(e.judge_only), jc_rate_interval(e.judge_only_interval),
       std::to_string(e.n_judged)},
      {"people only", percent(e.human_only), jc_rate_interval(e.human_only_interval),
       std::to_string(e.n_human)},
      {"prediction-powered", percent(e.ppi.estimate), jc_rate_interval(e.ppi.interval),
       e.ppi.reason.empty() ? std::to_string(e.n_judged) : std::string(e.ppi.reason)}};
  return "<h3>The pass rate three ways</h3>\n" +
         jc_table({"estimate", "pass rate",
                   fmt::format("{:g}% interval", 100.0 * d.settings.confidence), "items"},
                  rows);
}

std::string jc_slices(const DimensionCheck& d) {
  if (d.slices.empty()) return {};
  std::vector<std::vector<std::string>> rows;
  for (const CellCheck& c : d.slices)
    rows.push_back({c.slice + "=" + c.value, std::to_string(c.n), percent(c.agreement),
                    jc_kappa(c.kappa), jc_points(c.bias),
                    c.too_few ? fmt::format("too few (n < {})", d.settings.min_items)
                    : std::isfinite(c.kappa.kappa) && c.kappa.kappa < d.settings.min_kappa
                        ? std::string("below the bar")
                        : std::string("")});
  return "<h3>Slices, lowest kappa first</h3>\n" +
         jc_table({"slice", "n", "agreement", "kappa", "bias", ""}, rows);
}

std::string jc_probes(const DimensionCheck& d) {
  const VerbosityProbe& v = d.verbosity;
  std::string out = "<h3>Verbosity: does the judge favour long answers?</h3>\n<p>";
  if (!v.reason.empty())
    out += text("not tested: " + v.reason);
  else
    out += text(fmt::format("{}: the gap (judge − people) changes by {} points each time answers "
                            "double in length (one-sided p = {})",
                            v.flagged ? "FLAGGED" : "no", jc_points(std::log(2.0) * v.slope),
                            p_value_text(v.p_value)));
  out += "</p>\n";
  if (!v.bands.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const LengthBand& b : v.bands)
      rows.push_back({fmt::format("{:.0f}–{:.0f}", b.min_length, b.max_length),
                      std::to_string(b.n), percent(b.judge_rate), percent(b.human_rate),
                      jc_points(b.gap)});
    out += jc_table({"length (characters)", "n", "judge", "people", "gap"}, rows);
  }
  if (d.position)
    out += "<h3>Position</h3>\n<p>" +
           text(fmt::format("{}: {} pairs asked in both orders, {} consistent, {} flipped",
                            d.position->flagged ? "FLAGGED" : "no", d.position->pairs,
                            d.position->consistent, percent(d.position->flip_rate))) +
           "</p>\n";
  if (d.people_position && d.people_position->pairs > 0)
    out += "<p>" +
           text(fmt::format("People, for comparison (pairwise review, two reviewers seeing the "
                            "two orders): {} pairs, {} consistent, {} flipped",
                            d.people_position->pairs, d.people_position->consistent,
                            percent(d.people_position->flip_rate))) +
           "</p>\n";
  if (d.self_preference)
    out += "<h3>Self-preference</h3>\n<p>" +
           text(fmt::format("judge {} grades {}{}", d.self_preference->judge_model,
                            d.self_preference->judged_model,
                            d.self_preference->same_family ? ": the same family (a flag only)"
                                                           : "")) +
           "</p>\n";
  return out;
}

std::string jc_drift(const DimensionCheck& d) {
  if (d.drift.empty()) return {};
  std::vector<std::vector<std::string>> rows;
  for (const DriftWindow& w : d.drift)
    rows.push_back({w.window, std::to_string(w.n), percent(w.agreement),
                    w.kappa_reason.empty() ? fixed_text(w.kappa, 2) : "undefined",
                    std::isnan(w.drop) ? "" : fixed_text(100.0 * w.drop, 1),
                    w.baseline ? "baseline" : w.too_few ? "too few" : w.alert ? "ALERT" : "ok"});
  return "<h3>Agreement week by week</h3>\n" +
         jc_table({"week", "n", "agreement", "kappa", "drop (points)", ""}, rows);
}

}  // namespace

std::string judge_check_html(const std::vector<DimensionCheck>& checks) {
  if (checks.empty())
    return "<p>No judged dimension has items graded by both the judge and people here: hand a "
           "sample to reviewers with <code>qualbar review export</code>, then import their "
           "grades.</p>\n";
  std::string out;
  for (const DimensionCheck& d : checks) {
    const bool pass = d.verdict == Verdict::usable;
    out += fmt::format(
        "<h2>{}</h2>\n<section class=\"verdict {}\"><div class=\"big\">judge {}{}</div><ol>",
        text(d.dimension), pass ? "pass" : "fail", text(to_string(d.verdict)),
        d.drift_alert ? " · agreement has drifted" : "");
    for (const auto& r : d.reasons) out += "<li>" + text(r) + "</li>";
    out += "</ol></section>\n" + jc_overall(d) + jc_estimates(d) + jc_slices(d) + jc_probes(d) +
           jc_drift(d);
  }
  return out;
}

}  // namespace qb::review
