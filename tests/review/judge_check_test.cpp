#include "qualbar/review/judge_check.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "qualbar/stats/agreement.hpp"
#include "qualbar/stats/random.hpp"

namespace qb::review {
namespace QB_UNITY_ID {

// ---- synthetic graders -------------------------------------------------------------------------

const GradeScale kPassFail{};

struct Synth {
  stats::Rng rng;
  explicit Synth(std::uint64_t seed) : rng(seed) {}
  bool chance(double p) { return rng.uniform() < p; }
  // Log-uniform between 50 and 5000 characters.
  double length() { return 50.0 * std::exp(rng.uniform() * std::log(100.0)); }
};

CheckItem item(std::size_t i, std::optional<double> human, double judge, double length = 500) {
  CheckItem it;
  it.id = fmt::format("i{}", i);
  it.human = human;
  it.judge = judge;
  it.length = length;
  return it;
}

// n graded pass/fail items, people passing `rate` of them; the judge disagrees on exactly
// `disagree` items, alternately failing a pass and passing a fail (so it is not biased).
std::vector<CheckItem> agreeing(Synth& s, std::size_t n, double rate, std::size_t disagree,
                                std::size_t first_id = 0) {
  std::vector<CheckItem> out;
  std::size_t flipped_pass = 0, flipped_fail = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double human = s.chance(rate) ? 1 : 0;
    double judge = human;
    const bool want_pass_flip = flipped_pass <= flipped_fail;
    if (flipped_pass + flipped_fail < disagree && (human == 1) == want_pass_flip) {
      judge = 1 - human;
      (human == 1 ? flipped_pass : flipped_fail) += 1;
    }
    out.push_back(item(first_id + i, human, judge, s.length()));
  }
  return out;
}

DimensionInput input(std::vector<CheckItem> items) {
  DimensionInput in;
  in.dimension = "helpfulness";
  in.scale = kPassFail;
  in.items = std::move(items);
  return in;
}

std::vector<std::int32_t> labels(const std::vector<CheckItem>& items, bool human) {
  std::vector<std::int32_t> out;
  for (const auto& it : items)
    if (it.human) out.push_back(static_cast<std::int32_t>(human ? *it.human : it.judge));
  return out;
}

bool covers(const stats::Interval& i, double x) { return i.lo <= x && x <= i.hi; }

bool contains(const std::vector<std::string>& reasons, std::string_view part) {
  for (const auto& r : reasons)
    if (r.find(part) != std::string::npos) return true;
  return false;
}

// ---- (1) a judge that agrees with people --------------------------------------------------------

TEST(JudgeCheck, AgreeingJudgeIsUsableAndItsKappaIsCohensKappa) {
  Synth s(1);
  const DimensionInput in = input(agreeing(s, 300, 0.6, 15));
  const DimensionCheck d = check_judge(in, {});
  EXPECT_EQ(d.verdict, Verdict::usable);
  EXPECT_EQ(d.overall.n, 300U);
  EXPECT_DOUBLE_EQ(d.overall.agreement, 0.95);
  const stats::KappaResult k =
      stats::cohen_kappa(labels(in.items, true), labels(in.items, false), 2);
  EXPECT_EQ(d.overall.kappa.kappa, k.kappa);
  EXPECT_EQ(d.overall.kappa.se, k.se);
  EXPECT_EQ(d.overall.kappa.interval.lo, k.interval.lo);
  EXPECT_EQ(d.overall.kappa.interval.hi, k.interval.hi);
  ASSERT_FALSE(d.reasons.empty());
  EXPECT_EQ(
      d.reasons.front().rfind("The judge agrees with people on 95.0% of 300 items (kappa ", 0), 0U)
      << d.reasons.front();
  EXPECT_FALSE(d.verbosity.flagged);
  EXPECT_FALSE(d.position.has_value());
  EXPECT_FALSE(d.drift_alert);
  // Confusion: rows people, columns judge; the off-diagonal cells are the disagreements.
  ASSERT_EQ(d.overall.confusion.size(), 4U);
  EXPECT_EQ(d.overall.confusion[1] + d.overall.confusion[2], 15U);
}

// ---- (2) a lenient judge ------------------------------------------------------------------------

TEST(JudgeCheck, LenientJudgeNeedsCorrectionAndPpiCoversThePeoplesRate) {
  // People pass half the answers; the judge passes every pass and a fifth of the fails: 10
  // points more. 300 items graded by both, 3000 by the judge alone.
  Synth s(2);
  const double truth = 0.5;
  std::vector<CheckItem> items;
  for (std::size_t i = 0; i < 3300; ++i) {
    const double human = s.chance(truth) ? 1 : 0;
    const double judge = human == 1 || s.chance(0.2) ? 1 : 0;
    items.push_back(
        item(i, i < 300 ? std::optional<double>(human) : std::nullopt, judge, s.length()));
  }
  const DimensionCheck d = check_judge(input(items), {});
  EXPECT_EQ(d.verdict, Verdict::usable_with_correction);
  EXPECT_GT(d.overall.bias, 0.05);
  EXPECT_GT(d.overall.bias_interval.lo, 0.0);
  EXPECT_EQ(d.estimates.n_judged, 3300U);
  EXPECT_EQ(d.estimates.n_human, 300U);
  ASSERT_TRUE(d.estimates.ppi.reason.empty()) << d.estimates.ppi.reason;
  EXPECT_TRUE(covers(d.estimates.ppi.interval, truth));
  EXPECT_FALSE(covers(d.estimates.judge_only_interval, truth));
  ASSERT_FALSE(d.reasons.empty());
  EXPECT_NE(d.reasons.front().find("use the prediction-powered estimate"), std::string::npos)
      << d.reasons.front();
}

// ---- (3) verbosity -----------------------------------------------------------------------------

TEST(JudgeCheck, JudgePassingLongWrongAnswersIsFlaggedForVerbosity) {
  Synth s(3);
  std::vector<CheckItem> biased, fair;
  for (std::size_t i = 0; i < 400; ++i) {
    const double length = s.length();
    const double human = s.chance(0.5) ? 1 : 0;
    // The longer a wrong answer, the likelier the judge passes it: 0 at 50 characters, 0.8 at 5000.
    const double lure = 0.8 * std::log(length / 50.0) / std::log(100.0);
    biased.push_back(item(i, human, human == 0 && s.chance(lure) ? 1 : human, length));
    fair.push_back(item(i, human, s.chance(0.05) ? 1 - human : human, length));
  }
  const DimensionCheck d = check_judge(input(biased), {});
  EXPECT_TRUE(d.verbosity.flagged);
  EXPECT_LT(d.verbosity.p_value, 0.05);
  EXPECT_GT(d.verbosity.slope, 0.0);
  ASSERT_EQ(d.verbosity.bands.size(), 4U);
  for (std::size_t b = 0; b + 1 < 4; ++b)
    EXPECT_LT(d.verbosity.bands[b].gap, d.verbosity.bands[b + 1].gap) << "band " << b;
  EXPECT_LE(d.verbosity.bands[0].max_length, d.verbosity.bands[1].min_length);
  EXPECT_EQ(d.verdict, Verdict::not_usable);
  EXPECT_TRUE(contains(d.reasons, "The judge favours long answers"));

  const DimensionCheck f = check_judge(input(fair), {});
  EXPECT_FALSE(f.verbosity.flagged);
  EXPECT_TRUE(f.verbosity.reason.empty()) << f.verbosity.reason;
  EXPECT_FALSE(contains(f.reasons, "long answers"));
}

// ---- (4) position ------------------------------------------------------------------------------

std::vector<PairVerdict> pairs(Synth& s, std::size_t n, double first_bias) {
  std::vector<PairVerdict> out;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string id = fmt::format("p{}", i);
    const bool a_better = s.chance(0.5);
    const bool sway = s.chance(first_bias);  // prefers whatever it sees first, both times
    out.push_back({id, "A", sway || a_better});
    out.push_back({id, "B", sway || !a_better});
  }
  return out;
}

TEST(JudgeCheck, JudgePreferringTheFirstAnswerIsFlaggedForPosition) {
  Synth s(4);
  DimensionInput in = input(agreeing(s, 300, 0.6, 10));
  in.pairs = pairs(s, 200, 0.4);
  const DimensionCheck d = check_judge(in, {});
  ASSERT_TRUE(d.position.has_value());
  EXPECT_EQ(d.position->pairs, 200U);
  EXPECT_TRUE(d.position->flagged);
  EXPECT_EQ(d.position->favoured, "first");
  EXPECT_EQ(d.position->second_both, 0U);
  EXPECT_NEAR(d.position->flip_rate, 0.4, 0.08);
  EXPECT_LT(d.position->sign_test.p_value, 1e-6);
  EXPECT_EQ(d.verdict, Verdict::not_usable);
  EXPECT_TRUE(contains(d.reasons, "which answer it is shown first"));

  in.pairs = pairs(s, 200, 0.0);
  const DimensionCheck c = check_judge(in, {});
  ASSERT_TRUE(c.position.has_value());
  EXPECT_FALSE(c.position->flagged);
  EXPECT_EQ(c.position->consistent, 200U);
  EXPECT_EQ(c.position->flip_rate, 0.0);
  EXPECT_EQ(c.position->favoured, "");
  EXPECT_EQ(c.verdict, Verdict::usable);
}

TEST(JudgeCheck, PairsAskedInOneOrderOnlyAreNotCounted) {
  Synth s(5);
  DimensionInput in = input(agreeing(s, 100, 0.6, 2));
  in.pairs = {{"x", "A", true}, {"y", "B", false}};
  const DimensionCheck d = check_judge(in, {});
  ASSERT_TRUE(d.position.has_value());
  EXPECT_EQ(d.position->pairs, 0U);
  EXPECT_TRUE(std::isnan(d.position->flip_rate));
  EXPECT_FALSE(d.position->flagged);
}

// ---- (5) too few items -------------------------------------------------------------------------

TEST(JudgeCheck, TooFewItemsIsNotUsableAndSaysHowMany) {
  Synth s(6);
  std::vector<CheckItem> items = agreeing(s, 20, 0.6, 0);
  for (std::size_t i = 0; i < 500; ++i) items.push_back(item(100 + i, std::nullopt, 1));
  const DimensionCheck d = check_judge(input(items), {});
  EXPECT_EQ(d.verdict, Verdict::not_usable);
  ASSERT_FALSE(d.reasons.empty());
  EXPECT_EQ(d.reasons.front(),
            "Only 20 items have both a human grade and the judge's; at least 50 are needed to "
            "vouch for the judge: have people grade 30 more.");
  EXPECT_TRUE(d.overall.too_few);
}

TEST(JudgeCheck, NoGradedItemsAtAll) {
  const DimensionCheck d = check_judge(input({item(0, std::nullopt, 1)}), {});
  EXPECT_EQ(d.verdict, Verdict::not_usable);
  EXPECT_EQ(d.overall.n, 0U);
  EXPECT_TRUE(std::isnan(d.overall.agreement));
  EXPECT_EQ(d.reasons.front().rfind("Only 0 items have", 0), 0U);
}

// ---- (6) a slice where the judge is random ------------------------------------------------------

TEST(JudgeCheck, SliceWhereTheJudgeIsRandomIsNamedAndBlocks) {
  Synth s(7);
  std::vector<CheckItem> items = agreeing(s, 400, 0.6, 10);
  for (auto& it : items) it.slices = {{"language", "en"}, {"category", "refunds"}};
  for (std::size_t i = 0; i < 80; ++i) {
    CheckItem it = item(1000 + i, s.chance(0.6) ? 1 : 0, s.chance(0.5) ? 1 : 0, s.length());
    it.slices = {{"language", "de"}, {"category", "refunds"}};
    items.push_back(it);
  }
  const DimensionCheck d = check_judge(input(items), {});
  EXPECT_GE(d.overall.kappa.kappa, 0.6);
  EXPECT_EQ(d.verdict, Verdict::not_usable);
  ASSERT_EQ(d.slices.size(), 3U);
  EXPECT_EQ(d.slices.front().slice, "language");
  EXPECT_EQ(d.slices.front().value, "de");
  EXPECT_EQ(d.slices.front().n, 80U);
  EXPECT_LT(d.slices.front().kappa.kappa, 0.6);
  ASSERT_EQ(d.slice_estimates.size(), 3U);
  EXPECT_EQ(d.slice_estimates.front().first, "language=de");
  EXPECT_EQ(d.reasons.front().rfind("In language=de the judge's kappa is only ", 0), 0U)
      << d.reasons.front();
  EXPECT_FALSE(contains(d.reasons, "language=en the"));
}

TEST(JudgeCheck, SmallSliceIsListedButNotHeldToTheBar) {
  Synth s(8);
  std::vector<CheckItem> items = agreeing(s, 300, 0.6, 6);
  for (std::size_t i = 0; i < 10; ++i) {
    CheckItem it = item(1000 + i, i % 2, (i + 1) % 2);  // always wrong
    it.slices = {{"language", "fr"}};
    items.push_back(it);
  }
  const DimensionCheck d = check_judge(input(items), {});
  ASSERT_EQ(d.slices.size(), 1U);
  EXPECT_TRUE(d.slices.front().too_few);
  EXPECT_EQ(d.verdict, Verdict::usable);
}

TEST(JudgeCheck, SlicesWithoutAKappaComeLast) {
  Synth s(17);
  std::vector<CheckItem> items = agreeing(s, 200, 0.6, 10);
  for (std::size_t i = 0; i < 5; ++i) {
    CheckItem it = item(1000 + i, 1, 1);  // everyone passes: kappa is undefined
    it.slices = {{"category", "a"}};
    items.push_back(it);
  }
  for (std::size_t i = 0; i < 6; ++i) {
    CheckItem it = item(2000 + i, i % 2, i % 3 == 0 ? 1 : 0);
    it.slices = {{"category", "b"}};
    items.push_back(it);
  }
  const DimensionCheck d = check_judge(input(items), {});
  ASSERT_EQ(d.slices.size(), 2U);
  EXPECT_EQ(d.slices[0].value, "b");
  EXPECT_EQ(d.slices[1].value, "a");
  EXPECT_TRUE(std::isnan(d.slices[1].kappa.kappa));
}

TEST(JudgeCheck, UndefinedKappaIsNotUsable) {
  std::vector<CheckItem> items;
  for (std::size_t i = 0; i < 60; ++i) items.push_back(item(i, 1, 1));
  const DimensionCheck d = check_judge(input(items), {});
  EXPECT_EQ(d.verdict, Verdict::not_usable);
  EXPECT_EQ(d.reasons.front(),
            "Agreement beyond chance (kappa) cannot be measured (all ratings are the same value: "
            "chance agreement is perfect and the coefficient is undefined): have people grade "
            "items the judge may get wrong.");
}

// ---- (7) drift ---------------------------------------------------------------------------------

// Windows of 100 items with exactly `agree` agreeing items each, after a 10-item window.
std::vector<CheckItem> windows(Synth& s, const std::vector<std::size_t>& agree) {
  std::vector<CheckItem> items = agreeing(s, 10, 0.6, 0, 90'000);
  for (auto& it : items) it.window = "2025-W52";
  for (std::size_t w = 0; w < agree.size(); ++w) {
    auto part = agreeing(s, 100, 0.6, 100 - agree[w], 1000 * (w + 1));
    for (auto& it : part) {
      it.window = fmt::format("2026-W{:02}", w + 1);
      items.push_back(it);
    }
  }
  return items;
}

TEST(JudgeCheck, DriftAlertsFromTheWindowWhereAgreementFalls) {
  Synth s(9);
  const DimensionCheck d = check_judge(input(windows(s, {95, 95, 95, 80, 80, 80})), {});
  ASSERT_EQ(d.drift.size(), 7U);
  EXPECT_TRUE(d.drift[0].too_few);
  EXPECT_FALSE(d.drift[0].baseline);
  EXPECT_TRUE(d.drift[1].baseline);
  EXPECT_EQ(d.drift[1].window, "2026-W01");
  EXPECT_FALSE(d.drift[2].alert);
  EXPECT_FALSE(d.drift[3].alert);
  EXPECT_DOUBLE_EQ(d.drift[3].drop, 0.0);
  for (std::size_t w = 4; w < 7; ++w) {
    EXPECT_TRUE(d.drift[w].alert) << d.drift[w].window;
    EXPECT_NEAR(d.drift[w].drop, 0.15, 1e-12);
    EXPECT_LT(d.drift[w].p_value, 0.01);
  }
  EXPECT_TRUE(d.drift_alert);
  EXPECT_TRUE(contains(d.reasons, "fell from 95.0% in 2026-W01 to 80.0% in 2026-W04 (100 items, "));
  EXPECT_TRUE(contains(d.reasons, "and is down again in 2026-W05, 2026-W06: "));

  // Drift is reported, not counted in the verdict.
  DimensionInput same = input(windows(s, {95, 95, 95, 80, 80, 80}));
  for (auto& it : same.items) it.window.clear();
  EXPECT_EQ(check_judge(same, {}).verdict, d.verdict);
}

TEST(JudgeCheck, FlatAgreementDoesNotAlert) {
  Synth s(10);
  const DimensionCheck d = check_judge(input(windows(s, {95, 95, 95, 95, 95, 95})), {});
  EXPECT_FALSE(d.drift_alert);
  for (const auto& w : d.drift) EXPECT_FALSE(w.alert) << w.window;
  EXPECT_GT(d.drift.back().p_value, 0.4);
}

TEST(JudgeCheck, SeveralBaselineWindowsArePooled) {
  Synth s(11);
  JudgeCheckSettings settings;
  settings.drift_baseline_windows = 2;
  const DimensionCheck d = check_judge(input(windows(s, {96, 94, 80})), settings);
  ASSERT_EQ(d.drift.size(), 4U);
  EXPECT_TRUE(d.drift[1].baseline && d.drift[2].baseline);
  EXPECT_NEAR(d.drift[3].drop, 0.15, 1e-12);  // 95% pooled − 80%
}

// ---- (8) model families ------------------------------------------------------------------------

TEST(JudgeCheck, ModelFamily) {
  EXPECT_EQ(model_family("gpt-4o-mini"), "gpt");
  EXPECT_EQ(model_family("claude-3-5-sonnet"), "claude");
  EXPECT_EQ(model_family("meta-llama/Llama-3-70b"), "llama");
  EXPECT_EQ(model_family("o3-mini"), "gpt");
  EXPECT_EQ(model_family(""), "");
  EXPECT_EQ(model_family("us.anthropic.claude-3-5-sonnet-20240620-v1:0"), "claude");
  EXPECT_EQ(model_family("ft:gpt-4o-mini:acme::abc123"), "gpt");
  EXPECT_EQ(model_family("gemini-1.5-pro"), "gemini");
  EXPECT_EQ(model_family("Qwen2.5-72B-Instruct"), "qwen");
  EXPECT_EQ(model_family("mistralai/Mixtral-8x7B-Instruct-v0.1"), "mistral");
  EXPECT_EQ(model_family("openai/gpt-4.1"), "gpt");
}

TEST(JudgeCheck, SameFamilyIsAFlagNotAVerdict) {
  Synth s(12);
  DimensionInput in = input(agreeing(s, 300, 0.6, 10));
  const Verdict alone = check_judge(in, {}).verdict;
  in.judge_model = "gpt-4o";
  in.judged_model = "gpt-4o-mini";
  const DimensionCheck d = check_judge(in, {});
  ASSERT_TRUE(d.self_preference.has_value());
  EXPECT_TRUE(d.self_preference->same_family);
  EXPECT_EQ(d.verdict, alone);
  EXPECT_TRUE(contains(d.reasons, "are both gpt models"));
  in.judged_model = "claude-3-haiku";
  EXPECT_FALSE(check_judge(in, {}).self_preference->same_family);
}

// ---- (9) ordinal scales -------------------------------------------------------------------------

TEST(JudgeCheck, GradeScaleOneToFive) {
  const GradeScale g{true, 1, 5, 4};  // a threshold of 0.75: 1 + 0.75·4 = 4
  EXPECT_EQ(g.unit(1), 0.0);
  EXPECT_EQ(g.unit(4), 0.75);
  EXPECT_EQ(g.unit(5), 1.0);
  EXPECT_TRUE(g.passes(4));
  EXPECT_FALSE(g.passes(3));
  EXPECT_EQ(g.categories(), 5U);
  EXPECT_TRUE(g.valid(3));
  EXPECT_FALSE(g.valid(3.5));
  EXPECT_FALSE(g.valid(0));
  EXPECT_FALSE(g.valid(6));
  EXPECT_FALSE(g.valid(std::nan("")));
  EXPECT_EQ(g.describe(), "a whole number from 1 to 5 (4 or more passes)");
  EXPECT_EQ(kPassFail.describe(), "pass (1) or fail (0)");
  EXPECT_TRUE(kPassFail.valid(0) && kPassFail.valid(1) && !kPassFail.valid(2));
}

TEST(JudgeCheck, OrdinalScaleUsesQuadraticKappaAndPassAt) {
  Synth s(13);
  DimensionInput in = input({});
  in.scale = GradeScale{true, 1, 5, 4};
  std::vector<std::int32_t> human, judge;
  for (std::size_t i = 0; i < 200; ++i) {
    const double h = 1 + static_cast<double>(s.rng.below(5));
    const double j = std::clamp(h + (s.chance(0.2) ? (s.chance(0.5) ? 1.0 : -1.0) : 0.0), 1.0, 5.0);
    in.items.push_back(item(i, h, j));
    human.push_back(static_cast<std::int32_t>(h - 1));
    judge.push_back(static_cast<std::int32_t>(j - 1));
  }
  const DimensionCheck d = check_judge(in, {});
  const auto k = stats::cohen_kappa(human, judge, 5, stats::KappaWeights::quadratic);
  EXPECT_EQ(d.overall.kappa.kappa, k.kappa);
  EXPECT_EQ(d.overall.confusion.size(), 25U);
  double passes = 0;
  for (const auto h : human) passes += h + 1 >= 4 ? 1 : 0;
  EXPECT_DOUBLE_EQ(d.overall.human_rate, passes / 200.0);
}

TEST(JudgeCheck, GradesOffTheScaleAreLeftOutAndSaidSo) {
  Synth s(14);
  std::vector<CheckItem> items = agreeing(s, 100, 0.6, 2);
  items.push_back(item(999, 1, 7));
  const DimensionCheck d = check_judge(input(items), {});
  EXPECT_EQ(d.skipped, 1U);
  EXPECT_EQ(d.overall.n, 100U);
  EXPECT_EQ(d.reasons.back(), "1 item was left out: a grade was not pass (1) or fail (0).");
}

// ---- (10) renderings ---------------------------------------------------------------------------

TEST(JudgeCheck, JsonCarriesTheVerdictAndNaNAsNull) {
  Synth s(15);
  const DimensionCheck d = check_judge(input(agreeing(s, 300, 0.6, 15)), {});
  const auto j = nlohmann::json::parse(judge_check_json({d}));
  EXPECT_EQ(j.at("schema"), "qualbar.judge-check/1");
  const auto& dim = j.at("dimensions").at(0);
  EXPECT_EQ(dim.at("dimension"), "helpfulness");
  EXPECT_EQ(dim.at("verdict"), "usable");
  EXPECT_EQ(dim.at("reasons").size(), d.reasons.size());
  EXPECT_EQ(dim.at("overall").at("n"), 300);
  EXPECT_EQ(dim.at("overall").at("kappa").at("value").get<double>(), d.overall.kappa.kappa);
  EXPECT_EQ(dim.at("overall").at("confusion").size(), 2U);
  EXPECT_TRUE(dim.at("overall").at("slice").is_null());
  EXPECT_TRUE(dim.at("position").is_null());
  // Every item is graded: nothing for the prediction-powered estimate to add.
  EXPECT_TRUE(dim.at("estimates").at("prediction_powered").at("estimate").is_null());
  EXPECT_EQ(dim.at("verbosity").at("bands").size(), 4U);
}

TEST(JudgeCheck, TerminalLeadsWithTheVerdictAndNamesTheSlice) {
  Synth s(16);
  std::vector<CheckItem> items = agreeing(s, 400, 0.6, 10);
  for (auto& it : items) it.slices = {{"language", "en"}};
  for (std::size_t i = 0; i < 80; ++i) {
    CheckItem it = item(1000 + i, s.chance(0.6) ? 1 : 0, s.chance(0.5) ? 1 : 0, s.length());
    it.slices = {{"language", "de"}};
    items.push_back(it);
  }
  const DimensionCheck d = check_judge(input(items), {});
  const std::string text = judge_check_terminal({d}, false);
  EXPECT_EQ(text.rfind("FAIL helpfulness — judge not usable\n", 0), 0U) << text;
  EXPECT_NE(text.find("language=de"), std::string::npos);
  EXPECT_NE(text.find("prediction-powered"), std::string::npos);
  EXPECT_EQ(text.find('\033'), std::string::npos);
  EXPECT_NE(judge_check_terminal({d}, true).find("\033[31;1mFAIL"), std::string::npos);
}

// ---- (11) numbers stay within their bounds and say why when they are undefined -----------------

// A high kappa on a dozen items: the asymptotic interval is 0.82 ± 0.33, and kappa cannot pass 1.
TEST(JudgeCheck, KappaIntervalStaysWithinMinusOneOne) {
  std::vector<CheckItem> items;
  const int human[] = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1};
  const int judge[] = {0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1};
  for (std::size_t i = 0; i < 12; ++i) items.push_back(item(i, human[i], judge[i]));
  const DimensionCheck d = check_judge(input(items), {});
  EXPECT_NEAR(d.overall.kappa.kappa, 0.8235, 1e-4);
  EXPECT_EQ(d.overall.kappa.interval.hi, 1.0);
  EXPECT_GT(d.overall.kappa.interval.lo, 0.4);
  const std::string text = judge_check_terminal({d}, false);
  EXPECT_NE(text.find("0.82 [0.50, 1.00]"), std::string::npos) << text;
}

// The judge passes every answer while people fail some: kappa is 0 by construction with a standard
// error of 0, which printed "0.00 [-0.00, 0.00]". It is undefined, says why, and still blocks.
TEST(JudgeCheck, AJudgeThatGivesOneGradeHasNoKappaSaysWhyAndIsNotUsable) {
  std::vector<CheckItem> items;
  for (std::size_t i = 0; i < 60; ++i) items.push_back(item(i, i % 10 == 0 ? 0 : 1, 1));
  const DimensionCheck d = check_judge(input(items), {});
  EXPECT_TRUE(std::isnan(d.overall.kappa.kappa));
  EXPECT_TRUE(std::isnan(d.overall.kappa.interval.lo));
  EXPECT_EQ(d.overall.kappa.reason,
            "the judge gave every item the same grade, so its agreement with people beyond chance "
            "cannot be measured: kappa would be 0 whatever people said");
  EXPECT_EQ(d.verdict, Verdict::not_usable);
  EXPECT_EQ(d.reasons.front(),
            "Agreement beyond chance (kappa) cannot be measured (the judge gave every item the "
            "same grade, so its agreement with people beyond chance cannot be measured: kappa "
            "would be 0 whatever people said), and the judge disagrees with people on 6 of 60 "
            "items: it cannot stand in for them.");
  const std::string text = judge_check_terminal({d}, false);
  EXPECT_NE(text.find("Kappa       undefined (the judge gave every item the same grade"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("-0.0"), std::string::npos) << text;
  const auto j = nlohmann::json::parse(judge_check_json({d}));
  const auto& kappa = j["dimensions"][0]["overall"]["kappa"];
  EXPECT_TRUE(kappa["value"].is_null());
  EXPECT_TRUE(kappa["interval"][0].is_null() && kappa["interval"][1].is_null());
  EXPECT_EQ(kappa["reason"], std::string(d.overall.kappa.reason));
}

// A slice where the judge gives one grade while people do not still blocks the judge (its kappa
// was 0 there); a slice where everyone gave one and the same grade does not.
TEST(JudgeCheck, ASliceWhereTheJudgeGivesOneGradeWhilePeopleDoNotBlocks) {
  Synth s(21);
  std::vector<CheckItem> items = agreeing(s, 300, 0.6, 10);
  for (auto& it : items) it.slices = {{"language", "en"}};
  for (std::size_t i = 0; i < 60; ++i) {
    CheckItem it = item(1000 + i, i % 4 == 0 ? 0 : 1, 1);
    it.slices = {{"language", "de"}};
    items.push_back(it);
  }
  for (std::size_t i = 0; i < 60; ++i) {
    CheckItem it = item(2000 + i, 1, 1);
    it.slices = {{"language", "fr"}};
    items.push_back(it);
  }
  const DimensionCheck d = check_judge(input(items), {});
  EXPECT_EQ(d.verdict, Verdict::not_usable);
  EXPECT_TRUE(contains(d.reasons,
                       "In language=de the judge's agreement beyond chance cannot be "
                       "measured (the judge gave every item the same grade"));
  EXPECT_TRUE(contains(d.reasons, "it disagrees with people on 15 of 60 items"));
  EXPECT_FALSE(contains(d.reasons, "language=fr"));
  const std::string text = judge_check_terminal({d}, false);
  EXPECT_NE(text.find("kappa undefined in language=de: the judge gave every item the same grade"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("kappa undefined in language=fr: all ratings are the same value"),
            std::string::npos)
      << text;
}

// People graded 20 items, but on 9 their two reviewers disagree and no one adjudicated: 11 have
// both grades. The check says so wherever it counts items, in text and JSON.
TEST(JudgeCheck, OpenDisagreementsAreCountedAndSaidWhereverItemsAreCounted) {
  std::vector<CheckItem> items;
  for (std::size_t i = 0; i < 20; ++i) {
    CheckItem it = item(i, i < 11 ? std::optional<double>(1) : std::nullopt, 1);
    it.disputed = i >= 11;
    items.push_back(it);
  }
  const DimensionCheck d = check_judge(input(items), {});
  EXPECT_EQ(d.overall.n, 11U);
  EXPECT_EQ(d.open_disagreements, 9U);
  EXPECT_EQ(d.estimates.n_disputed, 9U);
  EXPECT_EQ(d.reasons.front(),
            "Only 11 items have both a human grade and the judge's; at least 50 are needed to "
            "vouch for the judge: have people grade 39 more. People graded 9 more, but their "
            "reviewers disagree and no one has adjudicated them, so they are left out: settling "
            "them counts toward the 39.");
  EXPECT_TRUE(contains(d.reasons,
                       "9 items people graded are left out of the agreement, kappa and "
                       "bias: their reviewers disagree and no one has adjudicated "
                       "them"));
  const std::string text = judge_check_terminal({d}, false);
  EXPECT_NE(text.find("of 11 items with both grades; left out: 9 open disagreements (reviewers "
                      "differ, not adjudicated)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("people on 11 items (9 open disagreements left out)"), std::string::npos)
      << text;
  const auto j = nlohmann::json::parse(judge_check_json({d}));
  EXPECT_EQ(j["dimensions"][0]["open_disagreements"], 9);
  EXPECT_EQ(j["dimensions"][0]["estimates"]["n_disputed"], 9);
}

TEST(JudgeCheck, ItemsWithoutAJudgeGradeAreCountedAndSaid) {
  Synth s(22);
  DimensionInput in = input(agreeing(s, 100, 0.6, 2));
  in.no_judge_grade = 3;
  const DimensionCheck d = check_judge(in, {});
  EXPECT_EQ(d.no_judge_grade, 3U);
  EXPECT_TRUE(contains(d.reasons,
                       "3 items people graded are left out: the judge has no grade for "
                       "them"));
  EXPECT_NE(judge_check_terminal({d}, false).find("left out: 3 without a judge grade"),
            std::string::npos);
}

// 11 items graded by people, all passes, and a judge that passes those and 9 more: the plain
// prediction-powered interval was "100.0% [100.0, 100.0]". For a rate it is bounded and as wide
// as 11 passes in 11 allow.
TEST(JudgeCheck, PredictionPoweredRateFromElevenItemsIsNotCertainty) {
  std::vector<CheckItem> items;
  for (std::size_t i = 0; i < 20; ++i)
    items.push_back(item(i, i < 11 ? std::optional<double>(1) : std::nullopt, 1));
  const DimensionCheck d = check_judge(input(items), {});
  const stats::PpiResult& p = d.estimates.ppi;
  ASSERT_TRUE(p.reason.empty()) << p.reason;
  EXPECT_EQ(p.estimate, 1.0);
  EXPECT_EQ(p.interval.hi, 1.0);
  EXPECT_NEAR(p.interval.lo, 0.741, 1e-3);  // Wilson, 11 of 11
  const std::string text = judge_check_terminal({d}, false);
  EXPECT_EQ(text.find("[100.0, 100.0]"), std::string::npos) << text;
  EXPECT_NE(text.find("100.0%     [74.1, 100.0]  both"), std::string::npos) << text;
}

}  // namespace QB_UNITY_ID
}  // namespace qb::review
