// qualbar review agreement: how far reviewers agree, per dimension, and which items they
// disagree on (to be adjudicated).
#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/review/queue.hpp"
#include "qualbar/review/review.hpp"
#include "qualbar/stats/intervals.hpp"
#include "qualbar/util/text.hpp"

namespace qb::review {
namespace {

// The runs to read grades of: the given ones, else every run with grades.
std::vector<std::string> runs_with_grades(Store& store, const std::vector<std::string>& runs) {
  if (!runs.empty()) {
    std::vector<std::string> out;
    for (const auto& r : runs) out.push_back(store.runs().resolve_run_id(r));
    return out;
  }
  std::set<std::string> ids;
  for (const auto& g : store.review().grades("")) ids.insert(g.run_id);
  return {ids.begin(), ids.end()};
}

// Landis and Koch's words for a kappa, so a number reads as something.
std::string_view kappa_words(double k) {
  if (std::isnan(k)) return "not computable";
  if (k > 0.8) return "almost perfect";
  if (k > 0.6) return "substantial";
  if (k > 0.4) return "moderate";
  if (k > 0.2) return "fair";
  if (k > 0) return "slight";
  return "no better than chance";
}

// Why a pair's kappa is undefined, naming the reviewer who gave one grade only when that is why.
std::string kappa_reason(const ReviewerPair& p, const std::vector<std::int32_t>& ra) {
  if (p.kappa.reason != stats::kAgreementConstantRater) return std::string(p.kappa.reason);
  const bool a_constant =
      std::adjacent_find(ra.begin(), ra.end(), std::not_equal_to<>()) == ra.end();
  return fmt::format(
      "{} gave every item the same grade, so kappa would be 0 whatever {} did: agreement beyond "
      "chance cannot be measured",
      a_constant ? p.a : p.b, a_constant ? p.b : p.a);
}

std::string two_decimals(double x) { return fixed_text(x, 2); }

nlohmann::json number_or_null(double x) { return std::isfinite(x) ? nlohmann::json(x) : nullptr; }

}  // namespace

std::vector<DimensionAgreement> reviewer_agreement(Store& store,
                                                   const std::vector<std::string>& runs,
                                                   double confidence) {
  std::vector<Grade> grades;
  std::map<std::string, GradeScale> scales;  // by dimension, from the newest run's suite
  for (const auto& id : runs_with_grades(store, runs)) {
    auto g = store.review().grades(id);
    if (g.empty()) continue;
    const RunData run = load_run_data(store, id, /*with_cases=*/false);
    for (const auto& d : run.suite.dimensions) scales[d.name] = scale_of(d);
    grades.insert(grades.end(), std::make_move_iterator(g.begin()),
                  std::make_move_iterator(g.end()));
  }
  std::sort(grades.begin(), grades.end(),
            [](const Grade& a, const Grade& b) { return a.seq < b.seq; });
  return agreement_of_grades(grades, scales, confidence);
}

std::vector<DimensionAgreement> agreement_of_grades(const std::vector<Grade>& grades,
                                                    const std::map<std::string, GradeScale>& scales,
                                                    double confidence) {
  std::map<std::string, std::pair<std::string, std::string>> what;  // item → (run, case)
  std::map<std::string, std::string> notes;  // item \n dim \n reviewer → latest note
  for (const auto& g : grades) {
    what[g.item] = {g.run_id, g.case_id};
    if (g.kind == GradeKind::human) notes[g.item + "\n" + g.dimension + "\n" + g.grader] = g.note;
  }
  const GradeBook book = fold_grades(grades);

  std::map<std::string, DimensionAgreement> by_dim;
  for (const auto& [key, ig] : book) {
    if (ig.human.empty() && !ig.adjudicated) continue;
    DimensionAgreement& a = by_dim[key.second];
    a.dimension = key.second;
    const auto scale = scales.find(key.second);
    a.scale = scale != scales.end() ? scale->second : GradeScale{};
    ++a.items_graded;
    if (ig.adjudicated) ++a.adjudicated;
    if (ig.disagreement()) {
      Disagreement d;
      d.item = key.first;
      d.run_id = what[key.first].first;
      d.case_id = what[key.first].second;
      for (const auto& [who, g] : ig.human) {
        d.grades.emplace_back(who, g);
        const auto n = notes.find(key.first + "\n" + key.second + "\n" + who);
        if (n != notes.end() && !n->second.empty()) d.notes.emplace_back(who, n->second);
      }
      a.open.push_back(std::move(d));
    }
  }

  std::vector<DimensionAgreement> out;
  for (auto& [dim, a] : by_dim) {
    // Reviewers, items graded by two or more, and each pair's shared items.
    std::set<std::string> reviewers;
    std::vector<const ItemGrades*> multi;
    for (const auto& [key, ig] : book) {
      if (key.second != dim) continue;
      for (const auto& [who, g] : ig.human) reviewers.insert(who);
      if (ig.human.size() >= 2) multi.push_back(&ig);
    }
    a.reviewers = reviewers.size();
    a.confidence = confidence;
    a.items_multiple = multi.size();
    std::size_t same = 0;
    for (const auto* ig : multi) {
      const double first = ig->human.begin()->second;
      same += std::all_of(ig->human.begin(), ig->human.end(),
                          [&](const auto& kv) { return kv.second == first; });
    }
    if (!multi.empty()) {
      a.agreement = static_cast<double>(same) / static_cast<double>(multi.size());
      a.agreement_interval = stats::wilson(same, multi.size(), confidence);
    }
    const std::vector<std::string> names(reviewers.begin(), reviewers.end());
    const auto weights =
        a.scale.ordinal ? stats::KappaWeights::quadratic : stats::KappaWeights::none;
    for (std::size_t i = 0; i < names.size(); ++i) {
      for (std::size_t j = i + 1; j < names.size(); ++j) {
        std::vector<std::int32_t> ra, rb;
        std::size_t agree = 0;
        for (const auto* ig : multi) {
          const auto x = ig->human.find(names[i]), y = ig->human.find(names[j]);
          if (x == ig->human.end() || y == ig->human.end()) continue;
          ra.push_back(static_cast<std::int32_t>(x->second - a.scale.lo));
          rb.push_back(static_cast<std::int32_t>(y->second - a.scale.lo));
          agree += x->second == y->second;
        }
        if (ra.empty()) continue;
        ReviewerPair p{names[i],
                       names[j],
                       ra.size(),
                       static_cast<double>(agree) / static_cast<double>(ra.size()),
                       stats::cohen_kappa(ra, rb, a.scale.categories(), weights, confidence),
                       ""};
        p.kappa_reason = kappa_reason(p, ra);
        a.pairs.push_back(std::move(p));
      }
    }
    std::stable_sort(a.pairs.begin(), a.pairs.end(),
                     [](const ReviewerPair& x, const ReviewerPair& y) { return x.n > y.n; });
    // Krippendorff's alpha: reviewers × items, NaN where a reviewer did not grade the item.
    if (!multi.empty()) {
      std::vector<double> data(names.size() * multi.size(), stats::kNaN);
      for (std::size_t u = 0; u < multi.size(); ++u)
        for (std::size_t c = 0; c < names.size(); ++c)
          if (const auto it = multi[u]->human.find(names[c]); it != multi[u]->human.end())
            data[c * multi.size() + u] = it->second;
      a.alpha = stats::krippendorff_alpha(
          data, names.size(),
          a.scale.ordinal ? stats::AlphaLevel::ordinal : stats::AlphaLevel::nominal);
    }
    out.push_back(std::move(a));
  }
  return out;
}

std::string agreement_terminal(const std::vector<DimensionAgreement>& all, bool /*color*/) {
  if (all.empty()) {
    return "No human grades in the store yet. Hand items to reviewers with `qualbar review "
           "export`, "
           "then bring their grades back with `qualbar review import`.\n";
  }
  std::string out =
      "Reviewer agreement: how often people grading the same answer give the same "
      "grade. Below about 0.6 kappa the rubric is ambiguous: fix it before trusting "
      "any grades.\n";
  for (const auto& a : all) {
    out += fmt::format("\n{} — graded {}\n", a.dimension, a.scale.describe());
    out += fmt::format("  {} items graded; {} by two or more of the {} reviewer{}\n",
                       a.items_graded, a.items_multiple, a.reviewers, a.reviewers == 1 ? "" : "s");
    if (a.items_multiple == 0) {
      out +=
          "  Agreement cannot be measured until two reviewers grade the same items "
          "(`qualbar review export --per-item 2`).\n";
    } else {
      out += fmt::format(
          "  Agreement        {:>6}  ({:.0f}% interval {}–{})  every reviewer gave "
          "the same grade\n",
          percent(a.agreement), 100 * a.confidence, percent(a.agreement_interval.lo),
          percent(a.agreement_interval.hi));
      for (const auto& p : a.pairs) {
        if (!p.kappa_reason.empty()) {
          out += fmt::format("  Cohen's kappa    undefined  {} × {} on {} items: {}\n", p.a, p.b,
                             p.n, p.kappa_reason);
          continue;
        }
        out += fmt::format("  Cohen's kappa    {:>6}  ({}–{}) {} × {} on {} items: {}{}\n",
                           two_decimals(p.kappa.kappa), two_decimals(p.kappa.interval.lo),
                           two_decimals(p.kappa.interval.hi), p.a, p.b, p.n,
                           kappa_words(p.kappa.kappa),
                           a.scale.ordinal ? " (weighted: near misses count partly)" : "");
      }
      out += a.alpha.reason.empty()
                 ? fmt::format("  Krippendorff's α {:>6}  all reviewers together\n",
                               two_decimals(a.alpha.value))
                 : fmt::format("  Krippendorff's α undefined  all reviewers together: {}\n",
                               a.alpha.reason);
      out += "  (kappa and alpha: 1 is perfect agreement, 0 is what chance alone would give)\n";
    }
    if (a.adjudicated > 0)
      out += fmt::format("  {} disagreements settled by adjudication\n", a.adjudicated);
    if (!a.open.empty()) {
      out += fmt::format("  {} disagreement{} to settle:\n", a.open.size(),
                         a.open.size() == 1 ? "" : "s");
      const std::size_t shown = std::min<std::size_t>(a.open.size(), 15);
      for (std::size_t i = 0; i < shown; ++i) {
        const auto& d = a.open[i];
        std::string grades;
        for (const auto& [who, g] : d.grades)
          grades += fmt::format("{}{}={:g}", grades.empty() ? "" : " ", who, g);
        out += fmt::format("    {}  case {}  {}\n", d.item, d.case_id, grades);
        for (const auto& [who, n] : d.notes) out += fmt::format("        {}: {}\n", who, n);
      }
      if (shown < a.open.size()) out += fmt::format("    … and {} more\n", a.open.size() - shown);
      out +=
          "  Settle them: qualbar review export --adjudicate --run RUN --dir FOLDER, then "
          "qualbar review import FOLDER/adjudication.jsonl\n";
    }
  }
  return out;
}

std::string agreement_json(const std::vector<DimensionAgreement>& all) {
  nlohmann::json j;
  j["schema"] = "qualbar.review-agreement/1";
  j["dimensions"] = nlohmann::json::array();
  for (const auto& a : all) {
    nlohmann::json d;
    d["dimension"] = a.dimension;
    d["scale"] = a.scale.describe();
    d["items_graded"] = a.items_graded;
    d["items_multiple"] = a.items_multiple;
    d["reviewers"] = a.reviewers;
    d["agreement"] = number_or_null(a.agreement);
    d["agreement_interval"] = {number_or_null(a.agreement_interval.lo),
                               number_or_null(a.agreement_interval.hi)};
    d["pairs"] = nlohmann::json::array();
    for (const auto& p : a.pairs) {
      d["pairs"].push_back(
          {{"a", p.a},
           {"b", p.b},
           {"n", p.n},
           {"agreement", number_or_null(p.agreement)},
           {"kappa", number_or_null(p.kappa.kappa)},
           {"kappa_interval",
            {number_or_null(p.kappa.interval.lo), number_or_null(p.kappa.interval.hi)}},
           {"kappa_reason",
            p.kappa_reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.kappa_reason)},
           {"weights", a.scale.ordinal ? "quadratic" : "none"}});
    }
    d["krippendorff_alpha"] = number_or_null(a.alpha.value);
    d["krippendorff_alpha_reason"] = a.alpha.reason.empty()
                                         ? nlohmann::json(nullptr)
                                         : nlohmann::json(std::string(a.alpha.reason));
    d["adjudicated"] = a.adjudicated;
    d["disagreements"] = nlohmann::json::array();
    for (const auto& x : a.open) {
      nlohmann::json g = nlohmann::json::object();
      for (const auto& [who, v] : x.grades)
        g[who] = a.scale.pairwise ? nlohmann::json(a.scale.label(static_cast<int>(v)))
                                  : nlohmann::json(v);
      d["disagreements"].push_back(
          {{"id", x.item}, {"run", x.run_id}, {"case", x.case_id}, {"grades", g}});
    }
    j["dimensions"].push_back(std::move(d));
  }
  return j.dump(2) + "\n";
}

}  // namespace qb::review
