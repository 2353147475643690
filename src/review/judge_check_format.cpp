// The judge check as text for people (verdict first, then why, then the numbers) and as JSON
// (schema "qualbar.judge-check/1").
#include <algorithm>
#include <cmath>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "qualbar/review/judge_check.hpp"
#include "qualbar/util/text.hpp"
#include "report/terminal_table.hpp"

namespace qb::review {
namespace {

// ---- terminal ----------------------------------------------------------------------------------

using term::Style;
using term::Table;
using term::width;

// Numbers for people: "—" for one that does not exist (the row or a note says why), and never
// "-0.00" or "?".
std::string pts(double x) { return signed_text(100.0 * x, 1); }
std::string num2(double x) { return fixed_text(x, 2); }

// "[91.2, 96.0]" for rates, in percent like the run report; "" when there is no interval (these
// intervals have both ends or none).
std::string rate_interval(const stats::Interval& i) {
  if (!std::isfinite(i.lo) || !std::isfinite(i.hi)) return "";
  return fmt::format("[{}, {}]", fixed_text(100 * i.lo, 1), fixed_text(100 * i.hi, 1));
}
std::string points_interval(const stats::Interval& i) {
  if (!std::isfinite(i.lo) || !std::isfinite(i.hi)) return "";
  return fmt::format("[{}, {}]", pts(i.lo), pts(i.hi));
}
std::string kappa_interval(const stats::Interval& i) {
  if (!std::isfinite(i.lo) || !std::isfinite(i.hi)) return "";
  return fmt::format("[{}, {}]", num2(i.lo), num2(i.hi));
}

// What was left out of the items with both grades, and why: "" when nothing was.
std::string left_out(const DimensionCheck& d) {
  std::vector<std::string> parts;
  if (d.open_disagreements > 0)
    parts.push_back(fmt::format("{} open disagreement{} (reviewers differ, not adjudicated)",
                                d.open_disagreements, d.open_disagreements == 1 ? "" : "s"));
  if (d.no_judge_grade > 0)
    parts.push_back(fmt::format("{} without a judge grade", d.no_judge_grade));
  if (d.skipped > 0) parts.push_back(fmt::format("{} with a grade off the scale", d.skipped));
  if (parts.empty()) return "";
  return fmt::format("; left out: {}", fmt::join(parts, ", "));
}

std::string headline(const DimensionCheck& d, const Style& st) {
  const std::string marker = d.verdict == Verdict::usable                   ? st.green("PASS")
                             : d.verdict == Verdict::usable_with_correction ? st.yellow("WARN")
                                                                            : st.red("FAIL");
  return fmt::format("{} {} — judge {}{}", marker, st.bold(d.dimension), to_string(d.verdict),
                     d.drift_alert ? st.red(" · agreement has drifted") : "");
}

void write_agreement(const DimensionCheck& d, std::ostream& out, const Style& st) {
  const CellCheck& o = d.overall;
  const JudgeCheckSettings& s = d.settings;
  // Each line's text after its label, continued under it.
  const auto line = [&](std::string_view label, const std::string& text) {
    out << term::wrapped(text, st.width, fmt::format("  {:<12}", label), "              ");
  };
  line("Agreement", fmt::format("{} {} of {} items with both grades{}", percent(o.agreement),
                                rate_interval(o.agreement_interval), o.n, left_out(d)));
  const std::string kappa = o.kappa.reason.empty()
                                ? num2(o.kappa.kappa) + " " + kappa_interval(o.kappa.interval)
                                : fmt::format("undefined ({})", o.kappa.reason);
  line("Kappa", fmt::format("{} {}(needs ≥ {:.2f}; 1 is perfect, 0 is chance)", kappa,
                            d.scale.ordinal ? "quadratic-weighted " : "", s.min_kappa));
  line("Pass rate", fmt::format("judge {}, people {} on the same items", percent(o.judge_rate),
                                percent(o.human_rate)));
  line("Bias", fmt::format("{} points {} (judge − people; beyond ±{:.1f} it needs correcting)",
                           pts(o.bias), points_interval(o.bias_interval), 100.0 * s.max_bias));
}

void write_confusion(const DimensionCheck& d, std::ostream& out, const Style& st) {
  const std::size_t k = d.scale.categories();
  if (d.overall.n == 0 || d.overall.confusion.size() != k * k) return;
  auto label = [&](std::size_t i) {
    if (!d.scale.ordinal) return std::string(i == 0 ? "fail" : "pass");
    return std::to_string(d.scale.lo + static_cast<int>(i));
  };
  std::vector<std::string> header{"people \\ judge"};
  for (std::size_t j = 0; j < k; ++j) header.push_back(label(j));
  Table t(header);
  for (std::size_t i = 0; i < k; ++i) {
    std::vector<std::string> row{label(i)};
    for (std::size_t j = 0; j < k; ++j)
      row.push_back(std::to_string(d.overall.confusion[i * k + j]));
    t.add(row);
  }
  out << '\n';
  t.print(out, st, "  ");
}

std::string ppi_source(const Estimates& e) {
  if (e.ppi.reason.empty()) return "both";
  if (e.n_judged - e.n_human < 2) return "not needed: people graded (nearly) every item";
  return fmt::format("not computed: {}", e.ppi.reason);
}

void write_estimates(const DimensionCheck& d, std::ostream& out, const Style& st) {
  const Estimates& e = d.estimates;
  const std::string level = fmt::format("{:g}% INTERVAL", 100.0 * d.settings.confidence);
  out << '\n' << st.bold("  The pass rate three ways") << '\n';
  Table t({"ESTIMATE", "PASS RATE", level, "FROM"});
  t.add({"judge only", percent(e.judge_only), rate_interval(e.judge_only_interval),
         fmt::format("the judge on {} items", e.n_judged)});
  t.add({"people only", percent(e.human_only), rate_interval(e.human_only_interval),
         fmt::format("people on {} items{}", e.n_human,
                     e.n_disputed == 0 ? ""
                                       : fmt::format(" ({} open disagreement{} left out)",
                                                     e.n_disputed, e.n_disputed == 1 ? "" : "s"))});
  t.add({"prediction-powered", percent(e.ppi.estimate), rate_interval(e.ppi.interval),
         ppi_source(e)});
  t.print(out, st, "    ");
  out << term::wrapped(st.dim("Prediction-powered: the judge's rate on every item, corrected by its "
                               "errors on the items people graded — unbiased even when the judge "
                               "is not."),
                       st.width, "    ", "    ");
}

// A kappa in a table: the number, or "undefined" (the reason follows the table).
std::string kappa_cell(const stats::KappaResult& k) {
  return k.reason.empty() ? num2(k.kappa) : "undefined";
}

using ReasonRows = std::vector<std::pair<std::string_view, std::vector<std::string>>>;

void note_reason(ReasonRows& rows, std::string_view reason, const std::string& row) {
  for (auto& [r, names] : rows) {
    if (r == reason) {
      names.push_back(row);
      return;
    }
  }
  rows.push_back({reason, {row}});
}

// Under a table: why each "undefined" kappa in it is undefined.
void write_undefined(const ReasonRows& rows, std::ostream& out, const Style& st) {
  for (const auto& [reason, names] : rows)
    out << st.dim(fmt::format("    kappa undefined in {}: {}", fmt::join(names, ", "), reason))
        << '\n';
}

std::string slice_status(const CellCheck& c, const JudgeCheckSettings& s, const Style& st) {
  if (c.too_few) return st.dim(fmt::format("too few (n < {})", s.min_items));
  if (std::isnan(c.kappa.kappa))
    return c.agreement < 1.0 ? st.red("FAIL") + " kappa undefined, judge disagrees"
                             : st.dim("kappa undefined");
  if (c.kappa.kappa < s.min_kappa)
    return st.red("FAIL") + fmt::format(" below {:.2f}", s.min_kappa);
  return st.green("ok");
}

void write_slices(const DimensionCheck& d, std::ostream& out, const Style& st) {
  if (d.slices.empty()) return;
  const std::size_t shown = std::min<std::size_t>(d.slices.size(), 15);
  out << '\n'
      << st.bold(fmt::format("  Slices, lowest kappa first ({} of {})", shown, d.slices.size()))
      << '\n';
  Table t({"SLICE", "N", "AGREEMENT", "KAPPA",
           fmt::format("{:g}% INTERVAL", 100.0 * d.settings.confidence), "BIAS", "STATUS"});
  ReasonRows undefined;  // reason → the slices it explains
  for (std::size_t i = 0; i < shown; ++i) {
    const CellCheck& c = d.slices[i];
    const std::string label = c.slice + "=" + c.value;
    t.add({label, std::to_string(c.n), percent(c.agreement), kappa_cell(c.kappa),
           kappa_interval(c.kappa.interval), pts(c.bias), slice_status(c, d.settings, st)});
    if (!c.kappa.reason.empty()) note_reason(undefined, c.kappa.reason, label);
  }
  t.print(out, st, "    ");
  if (shown < d.slices.size())
    out << fmt::format("    … and {} more (--format json lists all)\n", d.slices.size() - shown);
  write_undefined(undefined, out, st);
}

// The probe's slope is per unit of log(1 + length); per doubling reads better (close enough for
// answers longer than a few characters).
constexpr double kLn2 = 0.6931471805599453;

void write_verbosity(const VerbosityProbe& v, std::ostream& out, const Style& st) {
  out << '\n' << st.bold("  Verbosity: does the judge favour long answers?") << ' ';
  if (!v.reason.empty()) {
    out << st.dim(fmt::format("not tested: {}", v.reason)) << '\n';
  } else {
    out << (v.flagged ? st.red("FLAGGED") : st.green("no")) << '\n'
        << term::wrapped(fmt::format("the gap (judge − people) changes by {} points each time "
                                     "answers double in length, among answers people graded "
                                     "alike (se {:.1f}, one-sided p = {})",
                                     pts(kLn2 * v.slope), 100.0 * kLn2 * v.standard_error,
                                     p_value_text(v.p_value)),
                         st.width, "    ", "    ");
  }
  if (v.bands.empty()) return;
  Table t({"LENGTH (chars)", "N", "JUDGE", "PEOPLE", "GAP"});
  for (const LengthBand& b : v.bands)
    t.add({fmt::format("{:.0f}–{:.0f}", b.min_length, b.max_length), std::to_string(b.n),
           percent(b.judge_rate), percent(b.human_rate), pts(b.gap)});
  t.print(out, st, "    ");
}

void write_position(const DimensionCheck& d, std::ostream& out, const Style& st) {
  if (d.position) {
    const PositionProbe& p = *d.position;
    out << '\n'
        << st.bold("  Position: does the order of the answers sway the judge?") << ' '
        << (p.flagged ? st.red("FLAGGED") : st.green("no")) << '\n';
    out << fmt::format(
        "    {} pairs asked in both orders: {} consistent, {} flipped to the first shown, {} to "
        "the second ({} flip; exact test of lopsidedness p = {})\n",
        p.pairs, p.consistent, p.first_both, p.second_both, percent(p.flip_rate),
        p_value_text(p.sign_test.p_value));
  }
  if (d.people_position && d.people_position->pairs > 0) {
    const PositionProbe& p = *d.people_position;
    out << fmt::format(
        "    People, for comparison (pairwise review, two reviewers seeing the two orders): {} "
        "pairs, {} consistent, {} to the first shown, {} to the second ({} flip){}\n",
        p.pairs, p.consistent, p.first_both, p.second_both, percent(p.flip_rate),
        d.position ? "" : "; give the judge's pairwise verdicts with --pairwise to compare");
  }
}

void write_self_preference(const SelfPreference& s, std::ostream& out, const Style& st) {
  out << '\n'
      << st.bold("  Self-preference") << ' '
      << (s.same_family ? st.yellow("same family") : st.green("different families")) << '\n'
      << fmt::format("    judge {} ({}) grades {} ({}){}\n", s.judge_model,
                     s.judge_family.empty() ? "?" : s.judge_family, s.judged_model,
                     s.judged_family.empty() ? "?" : s.judged_family,
                     s.same_family ? ": a flag only, not counted in the verdict" : "");
}

void write_drift(const DimensionCheck& d, std::ostream& out, const Style& st) {
  if (d.drift.empty()) return;
  out << '\n'
      << st.bold(fmt::format("  Agreement over time (alert: a drop of more than {:.1f} points)",
                             100.0 * d.settings.drift_tolerance))
      << '\n';
  Table t({"WINDOW", "N", "AGREEMENT", "KAPPA", "DROP", "P", "STATUS"});
  ReasonRows undefined;
  for (const DriftWindow& w : d.drift) {
    if (!w.kappa_reason.empty()) note_reason(undefined, w.kappa_reason, w.window);
    const std::string status =
        w.baseline  ? st.dim("baseline")
        : w.too_few ? st.dim(fmt::format("too few (n < {})", d.settings.min_window_items))
        : w.alert   ? st.red("ALERT")
                    : st.green("ok");
    t.add({w.window, std::to_string(w.n), percent(w.agreement),
           w.kappa_reason.empty() ? num2(w.kappa) : "undefined",
           std::isnan(w.drop) ? "" : fixed_text(100.0 * w.drop, 1), p_value_text(w.p_value),
           status});
  }
  t.print(out, st, "    ");
  write_undefined(undefined, out, st);
}

void write_dimension(const DimensionCheck& d, std::ostream& out, const Style& st) {
  out << headline(d, st) << '\n';
  for (const auto& r : d.reasons) out << term::wrapped(r, st.width, "  • ", "    ");
  out << '\n';
  write_agreement(d, out, st);
  write_confusion(d, out, st);
  write_estimates(d, out, st);
  write_slices(d, out, st);
  write_verbosity(d.verbosity, out, st);
  write_position(d, out, st);
  if (d.self_preference) write_self_preference(*d.self_preference, out, st);
  write_drift(d, out, st);
}

// ---- JSON --------------------------------------------------------------------------------------

using json = nlohmann::ordered_json;

json number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }
json interval(const stats::Interval& i) { return json::array({number(i.lo), number(i.hi)}); }
json text_or_null(std::string_view s) { return s.empty() ? json(nullptr) : json(std::string(s)); }

json cell_json(const CellCheck& c, std::size_t k) {
  json confusion = json::array();
  for (std::size_t i = 0; i < k && c.confusion.size() == k * k; ++i)
    confusion.push_back(
        std::vector<std::uint64_t>(c.confusion.begin() + static_cast<std::ptrdiff_t>(i * k),
                                   c.confusion.begin() + static_cast<std::ptrdiff_t>((i + 1) * k)));
  return {{"slice", text_or_null(c.slice)},
          {"value", text_or_null(c.value)},
          {"n", c.n},
          {"agreement", number(c.agreement)},
          {"agreement_interval", interval(c.agreement_interval)},
          {"kappa",
           {{"value", number(c.kappa.kappa)},
            {"standard_error", number(c.kappa.se)},
            {"interval", interval(c.kappa.interval)},
            {"reason", text_or_null(c.kappa.reason)}}},
          {"confusion", confusion},
          {"human_rate", number(c.human_rate)},
          {"judge_rate", number(c.judge_rate)},
          {"bias", number(c.bias)},
          {"bias_interval", interval(c.bias_interval)},
          {"too_few", c.too_few}};
}

json estimates_json(const Estimates& e) {
  return {{"n_judged", e.n_judged},
          {"n_human", e.n_human},
          {"n_disputed", e.n_disputed},
          {"judge_only",
           {{"estimate", number(e.judge_only)}, {"interval", interval(e.judge_only_interval)}}},
          {"human_only",
           {{"estimate", number(e.human_only)}, {"interval", interval(e.human_only_interval)}}},
          {"prediction_powered",
           {{"estimate", number(e.ppi.estimate)},
            {"standard_error", number(e.ppi.standard_error)},
            {"interval", interval(e.ppi.interval)},
            {"lambda", number(e.ppi.lambda)},
            {"effective_n", number(e.ppi.effective_n)},
            {"reason", text_or_null(e.ppi.reason)}}}};
}

json verbosity_json(const VerbosityProbe& v) {
  json bands = json::array();
  for (const LengthBand& b : v.bands)
    bands.push_back({{"min_length", number(b.min_length)},
                     {"max_length", number(b.max_length)},
                     {"n", b.n},
                     {"judge_rate", number(b.judge_rate)},
                     {"human_rate", number(b.human_rate)},
                     {"gap", number(b.gap)}});
  return {{"n", v.n},
          {"slope", number(v.slope)},
          {"standard_error", number(v.standard_error)},
          {"p_value", number(v.p_value)},
          {"bands", bands},
          {"gap_growth", number(v.gap_growth)},
          {"flagged", v.flagged},
          {"reason", text_or_null(v.reason)}};
}

json position_json(const std::optional<PositionProbe>& p) {
  if (!p) return nullptr;
  return {{"pairs", p->pairs},
          {"consistent", p->consistent},
          {"first_both", p->first_both},
          {"second_both", p->second_both},
          {"flip_rate", number(p->flip_rate)},
          {"sign_test",
           {{"statistic", number(p->sign_test.statistic)},
            {"p_value", number(p->sign_test.p_value)},
            {"reason", text_or_null(p->sign_test.reason)}}},
          {"flagged", p->flagged},
          {"favoured", text_or_null(p->favoured)}};
}

json self_preference_json(const std::optional<SelfPreference>& s) {
  if (!s) return nullptr;
  return {{"judge_model", s->judge_model},
          {"judged_model", s->judged_model},
          {"judge_family", s->judge_family},
          {"judged_family", s->judged_family},
          {"same_family", s->same_family}};
}

json drift_json(const std::vector<DriftWindow>& windows) {
  json out = json::array();
  for (const DriftWindow& w : windows)
    out.push_back({{"window", w.window},
                   {"n", w.n},
                   {"agreement", number(w.agreement)},
                   {"kappa", number(w.kappa)},
                   {"kappa_reason", text_or_null(w.kappa_reason)},
                   {"baseline", w.baseline},
                   {"drop", number(w.drop)},
                   {"p_value", number(w.p_value)},
                   {"alert", w.alert},
                   {"too_few", w.too_few}});
  return out;
}

json settings_json(const JudgeCheckSettings& s) {
  return {{"min_kappa", s.min_kappa},
          {"max_bias", s.max_bias},
          {"min_items", s.min_items},
          {"max_position_flips", s.max_position_flips},
          {"verbosity_alpha", s.verbosity_alpha},
          {"max_verbosity_gap", s.max_verbosity_gap},
          {"drift_tolerance", s.drift_tolerance},
          {"drift_baseline_windows", s.drift_baseline_windows},
          {"min_window_items", s.min_window_items},
          {"confidence", s.confidence},
          {"seed", s.seed}};
}

json dimension_json(const DimensionCheck& d) {
  const std::size_t k = d.scale.categories();
  json slices = json::array();
  for (const CellCheck& c : d.slices) slices.push_back(cell_json(c, k));
  json slice_estimates = json::array();
  for (const auto& [label, e] : d.slice_estimates) {
    json j = {{"slice", label}};
    j.update(estimates_json(e));
    slice_estimates.push_back(j);
  }
  return {{"dimension", d.dimension},
          {"verdict", std::string(to_string(d.verdict))},
          {"reasons", d.reasons},
          {"drift_alert", d.drift_alert},
          {"skipped", d.skipped},
          {"open_disagreements", d.open_disagreements},
          {"no_judge_grade", d.no_judge_grade},
          {"scale",
           {{"ordinal", d.scale.ordinal},
            {"lo", d.scale.lo},
            {"hi", d.scale.hi},
            {"pass_at", number(d.scale.pass_at)},
            {"description", d.scale.describe()}}},
          {"settings", settings_json(d.settings)},
          {"overall", cell_json(d.overall, k)},
          {"estimates", estimates_json(d.estimates)},
          {"slices", slices},
          {"slice_estimates", slice_estimates},
          {"verbosity", verbosity_json(d.verbosity)},
          {"position", position_json(d.position)},
          {"people_position", position_json(d.people_position)},
          {"self_preference", self_preference_json(d.self_preference)},
          {"drift", drift_json(d.drift)}};
}

}  // namespace

std::string judge_check_terminal(const std::vector<DimensionCheck>& checks, bool color,
                                 std::size_t width) {
  const Style st{color, width};
  std::ostringstream out;
  if (checks.empty()) {
    out << "No dimension has items graded by both the judge and people: nothing to check.\n";
    return out.str();
  }
  for (std::size_t i = 0; i < checks.size(); ++i) {
    if (i > 0) out << '\n' << st.dim(std::string(60, '-')) << "\n\n";
    write_dimension(checks[i], out, st);
  }
  return out.str();
}

std::string judge_check_json(const std::vector<DimensionCheck>& checks) {
  json dims = json::array();
  for (const DimensionCheck& d : checks) dims.push_back(dimension_json(d));
  const json doc = {{"schema", "qualbar.judge-check/1"}, {"dimensions", dims}};
  // Slice values and ids come from user data: replace invalid UTF-8 rather than fail the command.
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace qb::review
