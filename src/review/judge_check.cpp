#include "qualbar/review/judge_check.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <functional>
#include <iterator>
#include <map>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "qualbar/review/grades.hpp"
#include "qualbar/stats/bootstrap.hpp"
#include "qualbar/stats/intervals.hpp"
#include "qualbar/stats/regression.hpp"
#include "qualbar/stats/tests.hpp"
#include "qualbar/util/text.hpp"

namespace qb::review {

double GradeScale::unit(double grade) const {
  return hi == lo ? 0.0 : (grade - lo) / static_cast<double>(hi - lo);
}

bool GradeScale::valid(double grade) const {
  return std::isfinite(grade) && grade == std::round(grade) && grade >= lo && grade <= hi;
}

std::string GradeScale::describe() const {
  if (pairwise) return "A, B or tie: which answer is better";
  if (!ordinal) return "pass (1) or fail (0)";
  return fmt::format("a whole number from {} to {} ({:g} or more passes)", lo, hi, pass_at);
}

std::string GradeScale::label(int grade) const {
  if (pairwise) return pair_choice_name(grade).value_or(std::to_string(grade));
  if (!ordinal) return grade == 1 ? "1 pass" : "0 fail";
  return std::to_string(grade);
}

GradeScale GradeScale::pair() {
  GradeScale s;
  s.ordinal = true;
  s.pairwise = true;
  s.lo = static_cast<int>(kPairB);
  s.hi = static_cast<int>(kPairA);
  s.pass_at = kPairA;
  return s;
}

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::usable:
      return "usable";
    case Verdict::usable_with_correction:
      return "usable with correction";
    case Verdict::not_usable:
      return "not usable";
  }
  return "not usable";
}

namespace {

// ---- words a PM reads --------------------------------------------------------------------------

std::string points(double x) { return signed_text(100.0 * x, 1); }
std::string two(double x) { return fixed_text(x, 2); }
std::string level(double confidence) { return fmt::format("{:g}%", 100.0 * confidence); }
std::string plural(std::size_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

// ---- the items, checked once -------------------------------------------------------------------

struct View {
  const CheckItem* item = nullptr;
  std::int32_t judge = 0;   // category index: grade − lo
  std::int32_t human = -1;  // −1: no human grade
  double judge_pass = 0, human_pass = 0;
  [[nodiscard]] bool graded() const { return human >= 0; }
};

struct Context {
  const DimensionInput& in;
  const JudgeCheckSettings& s;
  std::vector<View> views;          // items whose grades are on the scale
  std::vector<std::size_t> all;     // 0..views.size() − 1
  std::vector<std::size_t> graded;  // positions in views with a human grade
  std::size_t skipped = 0;
  std::size_t disputed = 0;  // on the scale, graded by people who disagree (not in `graded`)
};

Context make_context(const DimensionInput& in, const JudgeCheckSettings& s) {
  Context c{in, s, {}, {}, {}, 0, 0};
  const GradeScale& g = in.scale;
  for (const CheckItem& it : in.items) {
    if (!g.valid(it.judge) || (it.human && !g.valid(*it.human))) {
      ++c.skipped;
      continue;
    }
    View v{&it, static_cast<std::int32_t>(it.judge - g.lo), -1, g.passes(it.judge) ? 1.0 : 0.0, 0};
    if (it.human) {
      v.human = static_cast<std::int32_t>(*it.human - g.lo);
      v.human_pass = g.passes(*it.human) ? 1.0 : 0.0;
      c.graded.push_back(c.views.size());
    } else if (it.disputed) {
      ++c.disputed;
    }
    c.all.push_back(c.views.size());
    c.views.push_back(v);
  }
  return c;
}

stats::KappaWeights weights(const GradeScale& g) {
  return g.ordinal ? stats::KappaWeights::quadratic : stats::KappaWeights::none;
}

// The statistics module says "one rater"; here it is known which.
constexpr std::string_view kJudgeOneGrade =
    "the judge gave every item the same grade, so its agreement with people beyond chance cannot "
    "be measured: kappa would be 0 whatever people said";
constexpr std::string_view kPeopleOneGrade =
    "people gave every item the same grade, so the judge's agreement with them beyond chance "
    "cannot be measured";

stats::KappaResult kappa_of(std::span<const std::int32_t> human,
                            std::span<const std::int32_t> judge, const Context& c) {
  stats::KappaResult k = stats::cohen_kappa(human, judge, c.in.scale.categories(),
                                            weights(c.in.scale), c.s.confidence);
  if (k.reason == stats::kAgreementConstantRater) {
    const bool judge_constant =
        std::adjacent_find(judge.begin(), judge.end(), std::not_equal_to<>()) == judge.end();
    k.reason = judge_constant ? kJudgeOneGrade : kPeopleOneGrade;
  }
  return k;
}

// ---- agreement in one cell ---------------------------------------------------------------------

// Paired bootstrap of mean(judge pass) − mean(human pass); seeded, so the same data gives the
// same interval on every run.
stats::Interval bias_interval(std::span<const double> judge, std::span<const double> human,
                              const JudgeCheckSettings& s) {
  stats::BootstrapOptions o;
  o.confidence = s.confidence;
  o.resamples = 10'000;
  o.method = stats::BootstrapMethod::bca;
  o.seed = s.seed;
  o.threads = 1;
  return stats::bootstrap_mean_difference(judge, human, o).interval;
}

CellCheck make_cell(const Context& c, std::span<const std::size_t> graded, std::string slice,
                    std::string value) {
  CellCheck cell;
  cell.slice = std::move(slice);
  cell.value = std::move(value);
  cell.n = graded.size();
  cell.too_few = cell.n < c.s.min_items;
  const std::size_t k = c.in.scale.categories();
  cell.confusion.assign(k * k, 0);
  std::vector<std::int32_t> human, judge;
  std::vector<double> human_pass, judge_pass;
  std::size_t same = 0;
  for (const std::size_t p : graded) {
    const View& v = c.views[p];
    human.push_back(v.human);
    judge.push_back(v.judge);
    human_pass.push_back(v.human_pass);
    judge_pass.push_back(v.judge_pass);
    same += v.human == v.judge ? 1 : 0;
    ++cell.confusion[static_cast<std::size_t>(v.human) * k + static_cast<std::size_t>(v.judge)];
  }
  cell.kappa = kappa_of(human, judge, c);
  if (cell.n == 0) return cell;
  const auto n = static_cast<double>(cell.n);
  cell.agreement = static_cast<double>(same) / n;
  cell.agreement_interval = stats::wilson(same, cell.n, c.s.confidence);
  cell.human_rate = std::accumulate(human_pass.begin(), human_pass.end(), 0.0) / n;
  cell.judge_rate = std::accumulate(judge_pass.begin(), judge_pass.end(), 0.0) / n;
  cell.bias = cell.judge_rate - cell.human_rate;
  cell.bias_interval = bias_interval(judge_pass, human_pass, c.s);
  return cell;
}

// The pass rate three ways over `items` (positions in views; graded or not).
Estimates make_estimates(const Context& c, std::span<const std::size_t> items) {
  Estimates e;
  std::vector<double> labels, labeled, unlabeled;
  std::size_t judge_passes = 0, human_passes = 0;
  for (const std::size_t p : items) {
    const View& v = c.views[p];
    judge_passes += v.judge_pass > 0 ? 1 : 0;
    e.n_disputed += v.item->disputed ? 1 : 0;
    if (v.graded()) {
      labels.push_back(v.human_pass);
      labeled.push_back(v.judge_pass);
      human_passes += v.human_pass > 0 ? 1 : 0;
    } else {
      unlabeled.push_back(v.judge_pass);
    }
  }
  e.n_judged = items.size();
  e.n_human = labels.size();
  if (e.n_judged > 0) {
    e.judge_only = static_cast<double>(judge_passes) / static_cast<double>(e.n_judged);
    e.judge_only_interval = stats::wilson(judge_passes, e.n_judged, c.s.confidence);
  }
  if (e.n_human > 0) {
    e.human_only = static_cast<double>(human_passes) / static_cast<double>(e.n_human);
    e.human_only_interval = stats::wilson(human_passes, e.n_human, c.s.confidence);
  }
  e.ppi = stats::ppi_rate({labels, labeled, unlabeled},
                          {c.s.confidence, stats::PpiVariant::ppi_plus_plus});
  return e;
}

// Every (slice, value) with at least one human-graded item, lowest kappa first (NaN last).
void add_slices(const Context& c, DimensionCheck& d) {
  std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> members;
  for (const std::size_t p : c.all) {
    for (const auto& key : c.views[p].item->slices) {
      auto& m = members[key];
      if (m.empty() || m.back() != p) m.push_back(p);  // an item listing a cell twice counts once
    }
  }
  std::vector<std::pair<CellCheck, Estimates>> rows;
  for (const auto& [key, items] : members) {
    std::vector<std::size_t> graded;
    std::copy_if(items.begin(), items.end(), std::back_inserter(graded),
                 [&](std::size_t p) { return c.views[p].graded(); });
    if (graded.empty()) continue;
    rows.emplace_back(make_cell(c, graded, key.first, key.second), make_estimates(c, items));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    const double ka = a.first.kappa.kappa, kb = b.first.kappa.kappa;
    if (std::isnan(ka) || std::isnan(kb)) return !std::isnan(ka) && std::isnan(kb);
    return ka < kb;
  });
  for (auto& [cell, est] : rows) {
    d.slice_estimates.emplace_back(cell.slice + "=" + cell.value, est);
    d.slices.push_back(std::move(cell));
  }
}

// ---- bias probes -------------------------------------------------------------------------------

// The graded items whose length is known (a NaN length would not sort).
std::vector<std::size_t> measured(const Context& c) {
  std::vector<std::size_t> out;
  for (const std::size_t p : c.graded)
    if (std::isfinite(c.views[p].item->length)) out.push_back(p);
  return out;
}

// Quarters of the items by length rank (ties broken by input order), shortest first.
std::vector<LengthBand> length_bands(const Context& c, std::vector<std::size_t> order) {
  if (order.size() < 4) return {};
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return c.views[a].item->length < c.views[b].item->length;
  });
  std::vector<LengthBand> bands(4);
  const std::size_t n = order.size();
  for (std::size_t b = 0; b < 4; ++b) {
    const std::span<const std::size_t> part(order.data() + b * n / 4, (b + 1) * n / 4 - b * n / 4);
    LengthBand& band = bands[b];
    band.n = part.size();
    band.min_length = c.views[part.front()].item->length;
    band.max_length = c.views[part.back()].item->length;
    double judge = 0, human = 0;
    for (const std::size_t p : part) {
      judge += c.views[p].judge_pass;
      human += c.views[p].human_pass;
    }
    band.judge_rate = judge / static_cast<double>(band.n);
    band.human_rate = human / static_cast<double>(band.n);
    band.gap = band.judge_rate - band.human_rate;
  }
  return bands;
}

VerbosityProbe verbosity_probe(const Context& c) {
  VerbosityProbe v;
  const std::vector<std::size_t> items = measured(c);
  v.n = items.size();
  std::vector<double> gap, log_length;
  std::vector<std::int64_t> grade;
  for (const std::size_t p : items) {
    const View& w = c.views[p];
    gap.push_back(w.judge_pass - w.human_pass);
    log_length.push_back(std::log1p(std::max(0.0, w.item->length)));
    grade.push_back(w.human);
  }
  const stats::SlopeResult r = stats::stratified_slope(gap, log_length, grade);
  v.slope = r.slope;
  v.standard_error = r.standard_error;
  v.p_value = r.p_greater;
  const bool no_gap = std::all_of(gap.begin(), gap.end(), [](double g) { return g == 0; });
  if (!r.reason.empty())
    v.reason = no_gap && !gap.empty()
                   ? "the judge and people agree on pass or fail for every item: there is no gap "
                     "to relate to length"
                   : std::string(r.reason);
  v.bands = length_bands(c, items);
  if (v.bands.size() == 4) v.gap_growth = v.bands.back().gap - v.bands.front().gap;
  v.flagged = v.p_value < c.s.verbosity_alpha && v.gap_growth > c.s.max_verbosity_gap;
  return v;
}

// Each item's verdicts in both orders: a consistent judge picks the same answer, so "first won"
// differs between the two orders; the same answer in both orders is a flip.
std::optional<PositionProbe> position_probe(const std::vector<PairVerdict>& verdicts,
                                            const JudgeCheckSettings& s) {
  if (verdicts.empty()) return std::nullopt;
  std::map<std::string, std::pair<std::optional<bool>, std::optional<bool>>> by_item;
  for (const PairVerdict& v : verdicts) {
    auto& [a_first, b_first] = by_item[v.item];
    std::optional<bool>* slot = v.shown_first == "A"   ? &a_first
                                : v.shown_first == "B" ? &b_first
                                                       : nullptr;
    if (slot != nullptr && !*slot) *slot = v.first_preferred;  // the first verdict of each order
  }
  PositionProbe p;
  for (const auto& [item, orders] : by_item) {
    if (!orders.first || !orders.second) continue;
    ++p.pairs;
    if (*orders.first != *orders.second)
      ++p.consistent;
    else if (*orders.first)
      ++p.first_both;
    else
      ++p.second_both;
  }
  if (p.pairs == 0) return p;
  p.flip_rate = static_cast<double>(p.first_both + p.second_both) / static_cast<double>(p.pairs);
  p.sign_test = stats::mcnemar_exact(p.first_both, p.second_both);
  p.flagged = p.flip_rate > s.max_position_flips;
  if (p.flagged && p.first_both != p.second_both)
    p.favoured = p.first_both > p.second_both ? "first" : "second";
  return p;
}

std::optional<SelfPreference> self_preference(const DimensionInput& in) {
  if (in.judge_model.empty() || in.judged_model.empty()) return std::nullopt;
  SelfPreference s{in.judge_model, in.judged_model, model_family(in.judge_model),
                   model_family(in.judged_model), false};
  s.same_family = !s.judge_family.empty() && s.judge_family == s.judged_family;
  return s;
}

// ---- drift -------------------------------------------------------------------------------------

struct WindowCount {
  DriftWindow w;
  std::size_t same = 0;
};

std::vector<WindowCount> window_counts(const Context& c) {
  std::map<std::string, std::vector<std::size_t>> by_window;
  for (const std::size_t p : c.graded)
    if (!c.views[p].item->window.empty()) by_window[c.views[p].item->window].push_back(p);
  std::vector<WindowCount> out;
  for (const auto& [window, items] : by_window) {
    WindowCount wc;
    wc.w.window = window;
    wc.w.n = items.size();
    std::vector<std::int32_t> human, judge;
    for (const std::size_t p : items) {
      human.push_back(c.views[p].human);
      judge.push_back(c.views[p].judge);
      wc.same += c.views[p].human == c.views[p].judge ? 1 : 0;
    }
    wc.w.agreement = static_cast<double>(wc.same) / static_cast<double>(wc.w.n);
    const stats::KappaResult k = kappa_of(human, judge, c);
    wc.w.kappa = k.kappa;
    wc.w.kappa_reason = k.reason;
    wc.w.too_few = wc.w.n < c.s.min_window_items;
    out.push_back(std::move(wc));
  }
  return out;
}

std::vector<DriftWindow> drift_windows(const Context& c) {
  std::vector<WindowCount> windows = window_counts(c);
  const std::size_t wanted = std::max<std::size_t>(1, c.s.drift_baseline_windows);
  std::size_t chosen = 0, base_same = 0, base_n = 0;
  std::vector<DriftWindow> out;
  for (WindowCount& wc : windows) {
    DriftWindow& w = wc.w;
    if (!w.too_few && chosen < wanted) {
      w.baseline = true;
      ++chosen;
      base_same += wc.same;
      base_n += w.n;
    } else if (!w.too_few && chosen == wanted) {
      w.drop = static_cast<double>(base_same) / static_cast<double>(base_n) - w.agreement;
      const stats::TestResult z = stats::two_proportion_z(wc.same, w.n, base_same, base_n);
      // z < 0 is a drop; halve the two-sided p in that direction.
      w.p_value = z.statistic < 0 ? z.p_value / 2.0 : 1.0 - z.p_value / 2.0;
      w.alert = w.drop > c.s.drift_tolerance && w.p_value < 1.0 - c.s.confidence;
    }
    out.push_back(std::move(w));
  }
  return out;
}

// ---- the verdict and its reasons ---------------------------------------------------------------

std::string agreement_sentence(const CellCheck& o, double confidence) {
  return fmt::format("The judge agrees with people on {} of {} (kappa {}, {} interval {}–{}).",
                     percent(o.agreement), plural(o.n, "item"), two(o.kappa.kappa),
                     level(confidence), two(o.kappa.interval.lo), two(o.kappa.interval.hi));
}

// Items on which the judge and people gave different grades.
std::size_t disagreements(const CellCheck& c) {
  return std::isfinite(c.agreement)
             ? c.n - static_cast<std::size_t>(std::lround(c.agreement * static_cast<double>(c.n)))
             : 0;
}

// A slice held to the bar that fails it: a kappa below min_kappa, or none at all (one side gave
// one grade only) while the judge and people disagree there. Everyone giving one and the same
// grade (no disagreement) does not count against the judge.
bool weak_slice(const CellCheck& c, const JudgeCheckSettings& s) {
  if (c.too_few) return false;
  if (std::isnan(c.kappa.kappa)) return disagreements(c) > 0;
  return c.kappa.kappa < s.min_kappa;
}

// The reasons that make the judge not usable, in the order of the rules.
std::vector<std::string> blocking_reasons(const DimensionCheck& d, const JudgeCheckSettings& s) {
  std::vector<std::string> out;
  const CellCheck& o = d.overall;
  if (o.n < s.min_items) {
    out.push_back(fmt::format(
        "Only {} {} both a human grade and the judge's; at least {} are needed to vouch for the "
        "judge: have people grade {} more.{}",
        plural(o.n, "item"), o.n == 1 ? "has" : "have", s.min_items, s.min_items - o.n,
        d.open_disagreements == 0
            ? ""
            : fmt::format(" People graded {} more, but their reviewers disagree and no one has "
                          "adjudicated them, so they are left out: settling them counts toward "
                          "the {}.",
                          d.open_disagreements, s.min_items - o.n)));
    return out;  // every other number rests on too few items to mean anything
  }
  if (std::isnan(o.kappa.kappa)) {
    out.push_back(
        disagreements(o) == 0
            ? fmt::format("Agreement beyond chance (kappa) cannot be measured ({}): have people "
                          "grade items the judge may get wrong.",
                          o.kappa.reason)
            : fmt::format("Agreement beyond chance (kappa) cannot be measured ({}), and the judge "
                          "disagrees with people on {} of {}: it cannot stand in for them.",
                          o.kappa.reason, disagreements(o), plural(o.n, "item")));
  } else if (o.kappa.kappa < s.min_kappa) {
    out.push_back(fmt::format(
        "The judge agrees with people on {} of {}, but its kappa (agreement beyond chance) is "
        "only {} ({} interval {}–{}), below the {:.2f} required.",
        percent(o.agreement), plural(o.n, "item"), two(o.kappa.kappa), level(s.confidence),
        two(o.kappa.interval.lo), two(o.kappa.interval.hi), s.min_kappa));
  }
  std::size_t weak = 0;  // slices are sorted worst first: the first three speak for the rest
  for (const CellCheck& c : d.slices) {
    if (!weak_slice(c, s)) continue;
    if (++weak > 3) continue;
    out.push_back(
        std::isnan(c.kappa.kappa)
            ? fmt::format("In {}={} the judge's agreement beyond chance cannot be measured ({}), "
                          "and it disagrees with people on {} of {}: it cannot stand in for "
                          "people there.",
                          c.slice, c.value, c.kappa.reason, disagreements(c), plural(c.n, "item"))
            : fmt::format("In {}={} the judge's kappa is only {} on {} (below {:.2f}): it cannot "
                          "stand in for people there.",
                          c.slice, c.value, two(c.kappa.kappa), plural(c.n, "item"), s.min_kappa));
  }
  if (weak > 3)
    out.push_back(
        fmt::format("{} more slices have a kappa below {:.2f} (or none, with disagreements) too.",
                    weak - 3, s.min_kappa));
  const VerbosityProbe& v = d.verbosity;
  if (v.flagged) {
    out.push_back(fmt::format(
        "The judge favours long answers: against people's grades, its pass rate runs {} points on "
        "the shortest quarter and {} points on the longest (one-sided p = {}).",
        points(v.bands.front().gap), points(v.bands.back().gap), p_value_text(v.p_value)));
  }
  if (d.position && d.position->flagged) {
    const PositionProbe& p = *d.position;
    out.push_back(fmt::format(
        "The judge's choice depends on which answer it is shown first: {} of {} flip when the "
        "order is swapped (at most {} allowed){}.",
        percent(p.flip_rate), plural(p.pairs, "pair"), percent(s.max_position_flips),
        p.favoured.empty() ? "" : fmt::format(", mostly in favour of the {} one", p.favoured)));
  }
  return out;
}

bool needs_correction(const CellCheck& o, const JudgeCheckSettings& s) {
  return std::fabs(o.bias) > s.max_bias && (o.bias_interval.lo > 0 || o.bias_interval.hi < 0);
}

std::string correction_sentence(const DimensionCheck& d, const JudgeCheckSettings& s) {
  const CellCheck& o = d.overall;
  const Estimates& e = d.estimates;
  const std::string off = fmt::format(
      "The judge passes {:.1f} points {} often than people ({} against {}; {} interval {} to {} "
      "points)",
      100.0 * std::fabs(o.bias), o.bias > 0 ? "more" : "less", percent(o.judge_rate),
      percent(o.human_rate), level(s.confidence), points(o.bias_interval.lo),
      points(o.bias_interval.hi));
  if (std::isnan(e.ppi.estimate))
    return off + fmt::format(": use people's own pass rate, {} [{}, {}], not the judge's.",
                             percent(e.human_only), percent(e.human_only_interval.lo),
                             percent(e.human_only_interval.hi));
  return off + fmt::format(
                   ": use the prediction-powered estimate, {} [{}, {}], which corrects the judge "
                   "with people's grades.",
                   percent(e.ppi.estimate), percent(e.ppi.interval.lo), percent(e.ppi.interval.hi));
}

std::string bias_sentence(const CellCheck& o, const JudgeCheckSettings& s) {
  if (std::fabs(o.bias) <= s.max_bias)
    return fmt::format("Its pass rate is within {:.1f} points of people's ({} points).",
                       100.0 * s.max_bias, points(o.bias));
  return fmt::format(
      "Its pass rate differs from people's by {} points, but the {} interval ({} to {}) "
      "includes no difference: more graded items would tell.",
      points(o.bias), level(s.confidence), points(o.bias_interval.lo), points(o.bias_interval.hi));
}

std::vector<std::string> notes(const DimensionCheck& d) {
  std::vector<std::string> out;
  if (d.self_preference && d.self_preference->same_family) {
    const SelfPreference& p = *d.self_preference;
    out.push_back(fmt::format(
        "The judge ({}) and the model it grades ({}) are both {} models: a judge may favour its "
        "own family's answers; confirm with a judge from another family.",
        p.judge_model, p.judged_model, p.judge_family));
  }
  std::vector<std::string> baseline;
  for (const DriftWindow& w : d.drift)
    if (w.baseline) baseline.push_back(w.window);
  std::vector<const DriftWindow*> alerts;
  for (const DriftWindow& w : d.drift)
    if (w.alert) alerts.push_back(&w);
  if (!alerts.empty()) {
    const DriftWindow& w = *alerts.front();
    std::vector<std::string> later;
    for (std::size_t i = 1; i < alerts.size(); ++i) later.push_back(alerts[i]->window);
    out.push_back(fmt::format(
        "Agreement with people fell from {} in {} to {} in {} ({}, one-sided p = {}){}: the judge "
        "or the answers have changed; check the judge again on fresh grades.",
        percent(w.agreement + w.drop), fmt::join(baseline, ", "), percent(w.agreement), w.window,
        plural(w.n, "item"), p_value_text(w.p_value),
        later.empty() ? "" : fmt::format(", and is down again in {}", fmt::join(later, ", "))));
  }
  if (d.open_disagreements > 0)
    out.push_back(fmt::format(
        "{} people graded {} left out of the agreement, kappa and bias: {} reviewers disagree and "
        "no one has adjudicated {} (in the pass rates {} as not graded by people). Settle them: "
        "qualbar review export --adjudicate, then qualbar review import.",
        plural(d.open_disagreements, "item"), d.open_disagreements == 1 ? "is" : "are",
        d.open_disagreements == 1 ? "its" : "their", d.open_disagreements == 1 ? "it" : "them",
        d.open_disagreements == 1 ? "it counts" : "they count"));
  if (d.no_judge_grade > 0)
    out.push_back(fmt::format(
        "{} people graded {} left out: the judge has no grade for {} (its call failed, it did not "
        "answer in its format, or the dimension does not apply).",
        plural(d.no_judge_grade, "item"), d.no_judge_grade == 1 ? "is" : "are",
        d.no_judge_grade == 1 ? "it" : "them"));
  if (d.skipped > 0)
    out.push_back(fmt::format("{} left out: a grade was not {}.", plural(d.skipped, "item was"),
                              d.scale.describe()));
  return out;
}

void decide(DimensionCheck& d, const JudgeCheckSettings& s) {
  std::vector<std::string> reasons = blocking_reasons(d, s);
  const CellCheck& o = d.overall;
  const bool enough = o.n >= s.min_items;
  const bool kappa_ok = o.kappa.kappa >= s.min_kappa;
  if (!reasons.empty()) {
    d.verdict = Verdict::not_usable;
    if (enough && kappa_ok) reasons.push_back(agreement_sentence(o, s.confidence));
    // The prediction-powered estimate stays unbiased whatever the judge: still worth saying.
    if (enough && needs_correction(o, s)) reasons.push_back(correction_sentence(d, s));
  } else if (needs_correction(o, s)) {
    d.verdict = Verdict::usable_with_correction;
    reasons.push_back(correction_sentence(d, s));
    reasons.push_back(agreement_sentence(o, s.confidence));
  } else {
    d.verdict = Verdict::usable;
    reasons.push_back(agreement_sentence(o, s.confidence));
    reasons.push_back(bias_sentence(o, s));
  }
  for (auto& n : notes(d)) reasons.push_back(std::move(n));
  d.reasons = std::move(reasons);
  d.drift_alert =
      std::any_of(d.drift.begin(), d.drift.end(), [](const DriftWindow& w) { return w.alert; });
}

}  // namespace

DimensionCheck check_judge(const DimensionInput& in, const JudgeCheckSettings& settings) {
  const Context c = make_context(in, settings);
  DimensionCheck d;
  d.dimension = in.dimension;
  d.scale = in.scale;
  d.skipped = c.skipped;
  d.open_disagreements = c.disputed;
  d.no_judge_grade = in.no_judge_grade;
  d.settings = settings;
  d.overall = make_cell(c, c.graded, "", "");
  d.estimates = make_estimates(c, c.all);
  add_slices(c, d);
  d.verbosity = verbosity_probe(c);
  d.position = position_probe(in.pairs, settings);
  d.people_position = position_probe(in.people_pairs, settings);
  d.self_preference = self_preference(in);
  d.drift = drift_windows(c);
  decide(d, settings);
  return d;
}

}  // namespace qb::review
