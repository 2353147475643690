#include "qualbar/stats/agreement.hpp"

#include <cmath>
#include <fstream>
#include <iomanip>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "reference.hpp"

namespace qb::stats {
namespace QB_UNITY_ID {

using nlohmann::json;

const nlohmann::json& reference() { return test::reference("agreement.json"); }

using test::close_to;

KappaWeights weights_of(const std::string& name) {
  if (name == "linear") return KappaWeights::linear;
  if (name == "quadratic") return KappaWeights::quadratic;
  return KappaWeights::none;
}

AlphaLevel level_of(const std::string& name) {
  if (name == "ordinal") return AlphaLevel::ordinal;
  if (name == "interval") return AlphaLevel::interval;
  return AlphaLevel::nominal;
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Coders × units, row-major, null → NaN (missing).
std::pair<std::vector<double>, std::size_t> alpha_data(const std::string& name) {
  const json& rows = reference().at("alpha_data").at(name);
  std::vector<double> out;
  for (const auto& row : rows) {
    for (const auto& x : row) out.push_back(x.is_null() ? kNaN : x.get<double>());
  }
  return {out, rows.size()};
}

// ---- against the reference --------------------------------------------------------------------

TEST(AgreementReference, FixtureIsComplete) {
  for (const char* key : {"cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "published_alpha"}) {
    ASSERT_TRUE(reference().contains(key)) << key;
    EXPECT_GE(reference().at(key).size(), 4U) << key;
  }
}

TEST(AgreementReference, CohenKappaMatchesStatsmodels) {
  for (const auto& c : reference().at("cohen_kappa")) {
    const json& raters = reference().at("raters").at(c.at("data").get<std::string>());
    const KappaResult got = cohen_kappa(raters.at("a").get<std::vector<std::int32_t>>(),
                                        raters.at("b").get<std::vector<std::int32_t>>(),
                                        raters.at("n_categories").get<std::size_t>(),
                                        weights_of(c.at("weights").get<std::string>()),
                                        c.at("confidence").get<double>());
    ASSERT_TRUE(got.reason.empty()) << got.reason;
    EXPECT_TRUE(close_to(got.kappa, c.at("kappa"))) << c.dump();
    // Perfect agreement has se exactly 0 in exact arithmetic; a rounding residue below 0 is 0.
    EXPECT_TRUE(close_to(got.se, c.at("se"))) << c.dump();
    EXPECT_TRUE(close_to(got.se_null, c.at("se_null"))) << c.dump();
    // statsmodels' interval, clipped to kappa's range [-1, 1] (statsmodels does not clip).
    EXPECT_TRUE(close_to(got.interval.lo, c.at("lo_clipped"))) << c.dump();
    EXPECT_TRUE(close_to(got.interval.hi, c.at("hi_clipped"))) << c.dump();
  }
}

// A high kappa on a dozen items: statsmodels' interval passes 1 ("0.82 [0.50, 1.15]"); qualbar's
// stops at 1, and its lower end is statsmodels' own.
TEST(AgreementReference, CohenKappaIntervalStaysWithinMinusOneOne) {
  std::size_t clipped = 0;
  for (const auto& c : reference().at("cohen_kappa")) {
    const json& raters = reference().at("raters").at(c.at("data").get<std::string>());
    const KappaResult got = cohen_kappa(raters.at("a").get<std::vector<std::int32_t>>(),
                                        raters.at("b").get<std::vector<std::int32_t>>(),
                                        raters.at("n_categories").get<std::size_t>(),
                                        weights_of(c.at("weights").get<std::string>()),
                                        c.at("confidence").get<double>());
    EXPECT_GE(got.interval.lo, -1.0) << c.dump();
    EXPECT_LE(got.interval.hi, 1.0) << c.dump();
    if (c.at("hi").get<double>() > 1.0) {
      ++clipped;
      EXPECT_EQ(got.interval.hi, 1.0) << c.dump();
      EXPECT_TRUE(close_to(got.interval.lo, c.at("lo"))) << c.dump();
    }
  }
  EXPECT_GE(clipped, 10U) << "the fixture has intervals that statsmodels lets pass 1";
}

// One rater gives every item the same rating: statsmodels and sklearn say 0 (with a standard
// error of 0 or NaN), a coefficient fixed at 0 whatever the other rater does and an interval of
// no width ("0.00 [-0.00, 0.00]"). qualbar says it cannot be measured, and why.
TEST(AgreementReference, CohenKappaWithAConstantRaterIsUndefined) {
  ASSERT_GE(reference().at("constant_rater").size(), 6U);
  for (const auto& c : reference().at("constant_rater")) {
    const json& raters = reference().at("raters").at(c.at("data").get<std::string>());
    const KappaResult got = cohen_kappa(raters.at("a").get<std::vector<std::int32_t>>(),
                                        raters.at("b").get<std::vector<std::int32_t>>(),
                                        raters.at("n_categories").get<std::size_t>(),
                                        weights_of(c.at("weights").get<std::string>()));
    EXPECT_EQ(c.at("statsmodels_kappa").get<double>(), 0.0) << c.dump();
    EXPECT_TRUE(std::isnan(got.kappa)) << c.dump();
    EXPECT_TRUE(std::isnan(got.se)) << c.dump();
    EXPECT_TRUE(std::isnan(got.interval.lo) && std::isnan(got.interval.hi)) << c.dump();
    EXPECT_EQ(got.reason, kAgreementConstantRater) << c.dump();
  }
  EXPECT_EQ(kAgreementConstantRater,
            "one rater gave every item the same rating: kappa is then 0 whatever the other rater "
            "does, so agreement beyond chance cannot be measured");
}

TEST(AgreementReference, FleissKappaMatchesStatsmodels) {
  for (const auto& c : reference().at("fleiss_kappa")) {
    const json& t = reference().at("fleiss_tables").at(c.at("data").get<std::string>());
    const AgreementValue got = fleiss_kappa(t.at("counts").get<std::vector<std::uint64_t>>(),
                                            t.at("n_categories").get<std::size_t>());
    ASSERT_TRUE(got.reason.empty()) << got.reason;
    EXPECT_TRUE(close_to(got.value, c.at("kappa"))) << c.dump();
  }
}

TEST(AgreementReference, KrippendorffAlphaMatchesCoincidenceMatrix) {
  for (const auto& c : reference().at("krippendorff_alpha")) {
    const auto [data, coders] = alpha_data(c.at("data").get<std::string>());
    const AgreementValue got =
        krippendorff_alpha(data, coders, level_of(c.at("level").get<std::string>()));
    ASSERT_TRUE(got.reason.empty()) << got.reason;
    EXPECT_TRUE(close_to(got.value, c.at("alpha"))) << c.dump();
  }
}

// The worked examples of Krippendorff (2011), as published (three decimals).
TEST(AgreementReference, KrippendorffAlphaReproducesThePaper) {
  for (const auto& c : reference().at("published_alpha")) {
    const auto [data, coders] = alpha_data(c.at("data").get<std::string>());
    const AgreementValue got =
        krippendorff_alpha(data, coders, level_of(c.at("level").get<std::string>()));
    EXPECT_NEAR(got.value, c.at("alpha").get<double>(), 0.0005) << c.dump();
  }
}

// ---- properties --------------------------------------------------------------------------------

TEST(AgreementCohen, HandComputedBinary) {
  // 20 agree on 0, 15 on 1, 5 + 10 disagree: p_o = 0.7, p_e = 0.5·0.6 + 0.5·0.4 = 0.5, κ = 0.4.
  const std::vector<std::uint64_t> table = {20, 5, 10, 15};
  const KappaResult k = cohen_kappa_table(table, 2);
  EXPECT_NEAR(k.kappa, 0.4, 1e-15);
  EXPECT_GT(k.se, 0.0);
  EXPECT_LT(k.interval.lo, 0.4);
  EXPECT_GT(k.interval.hi, 0.4);
}

TEST(AgreementCohen, LabelsAndTableAgree) {
  const std::vector<std::int32_t> a = {0, 1, 2, 2, 1, 0, 2};
  const std::vector<std::int32_t> b = {0, 2, 2, 2, 1, 1, 0};
  const std::vector<std::uint64_t> table = {1, 1, 0, 0, 1, 1, 1, 0, 2};
  for (const KappaWeights w : {KappaWeights::none, KappaWeights::linear, KappaWeights::quadratic}) {
    EXPECT_EQ(cohen_kappa(a, b, 3, w).kappa, cohen_kappa_table(table, 3, w).kappa);
  }
}

TEST(AgreementCohen, WeightsMatterOnlyWithThreeOrMoreCategories) {
  const std::vector<std::uint64_t> table = {20, 5, 10, 15};
  const double plain = cohen_kappa_table(table, 2).kappa;
  EXPECT_NEAR(cohen_kappa_table(table, 2, KappaWeights::linear).kappa, plain, 1e-15);
  EXPECT_NEAR(cohen_kappa_table(table, 2, KappaWeights::quadratic).kappa, plain, 1e-15);
}

TEST(AgreementFleiss, TwoRatersBinaryIsScottsPi) {
  // With two raters Fleiss' kappa is Scott's pi.
  const std::vector<std::uint64_t> counts = {2, 0, 1, 1, 0, 2, 1, 1, 2, 0, 0, 2, 2, 0, 0, 2};
  const AgreementValue k = fleiss_kappa(counts, 2);
  // P̄ = (6·1 + 2·0)/8 = 0.75, P_e = 0.5: κ = 0.5.
  EXPECT_NEAR(k.value, 0.5, 1e-15);
}

TEST(AgreementAlpha, MissingValuesAndUnpairableUnitsAreIgnored) {
  // Unit 3 has one value: adding or changing it changes nothing.
  const std::vector<double> a = {1, 2, 3, kNaN, 1, 2, 2, kNaN};
  const std::vector<double> b = {1, 2, 3, 7, 1, 2, 2, kNaN};
  for (const AlphaLevel level : {AlphaLevel::nominal, AlphaLevel::ordinal, AlphaLevel::interval}) {
    EXPECT_EQ(krippendorff_alpha(a, 2, level).value, krippendorff_alpha(b, 2, level).value);
  }
}

TEST(AgreementAlpha, PerfectAgreementIsOne) {
  const std::vector<double> data = {1, 2, 3, 4, 1, 2, 3, 4, 1, 2, kNaN, 4};
  for (const AlphaLevel level : {AlphaLevel::nominal, AlphaLevel::ordinal, AlphaLevel::interval}) {
    EXPECT_EQ(krippendorff_alpha(data, 3, level).value, 1.0);
  }
}

// ---- degenerate inputs -------------------------------------------------------------------------

TEST(AgreementDegenerate, CohenKappa) {
  const std::vector<std::int32_t> none;
  EXPECT_EQ(cohen_kappa(none, none, 3).reason, "no items");
  EXPECT_TRUE(std::isnan(cohen_kappa(none, none, 3).kappa));
  const std::vector<std::int32_t> a = {0, 0, 0};
  const std::vector<std::int32_t> b = {0, 0, 1};
  const std::vector<std::int32_t> c = {0, 0};
  const std::vector<std::int32_t> bad = {0, 3, 0};
  EXPECT_EQ(cohen_kappa(a, c, 2).reason, "the two raters have different numbers of labels");
  EXPECT_EQ(cohen_kappa(a, bad, 3).reason, "a label is outside 0..K-1");
  EXPECT_EQ(cohen_kappa(a, b, 0).reason, "the number of categories must be at least 1");
  EXPECT_EQ(cohen_kappa(a, b, 2, KappaWeights::none, 1.0).reason, "confidence must be in (0, 1)");
  // Both raters used category 0 only: p_e = 1.
  const KappaResult same = cohen_kappa(a, a, 2);
  EXPECT_TRUE(std::isnan(same.kappa));
  EXPECT_TRUE(std::isnan(same.interval.lo));
  EXPECT_EQ(same.reason,
            "all ratings are the same value: chance agreement is perfect and the coefficient is "
            "undefined");
  EXPECT_EQ(cohen_kappa(a, a, 2, KappaWeights::quadratic).reason, same.reason);
  EXPECT_EQ(cohen_kappa(a, a, 1, KappaWeights::linear).reason, same.reason);  // K = 1
  // One item: p_o = p_e = 1, the same case.
  const std::vector<std::int32_t> one = {1};
  EXPECT_EQ(cohen_kappa(one, one, 2).reason, same.reason);
  const std::vector<std::uint64_t> not_square = {1, 2, 3};
  EXPECT_EQ(cohen_kappa_table(not_square, 2).reason, "the table is not K x K");
}

TEST(AgreementDegenerate, FleissKappa) {
  const std::vector<std::uint64_t> none;
  EXPECT_EQ(fleiss_kappa(none, 2).reason, "no items");
  const std::vector<std::uint64_t> odd = {1, 2, 3};
  EXPECT_EQ(fleiss_kappa(odd, 2).reason,
            "the count table size is not a multiple of the number of categories");
  const std::vector<std::uint64_t> unequal = {2, 1, 1, 1};
  EXPECT_EQ(fleiss_kappa(unequal, 2).reason,
            "subjects have different numbers of ratings: Fleiss' kappa needs the same number for "
            "each");
  const std::vector<std::uint64_t> single = {1, 0, 0, 1};
  EXPECT_EQ(fleiss_kappa(single, 2).reason, "Fleiss' kappa needs at least 2 ratings per subject");
  const std::vector<std::uint64_t> one_category = {3, 0, 3, 0};
  const AgreementValue k = fleiss_kappa(one_category, 2);
  EXPECT_TRUE(std::isnan(k.value));
  EXPECT_EQ(k.reason,
            "all ratings are the same value: chance agreement is perfect and the coefficient is "
            "undefined");
  EXPECT_EQ(fleiss_kappa(one_category, 0).reason, "the number of categories must be at least 1");
}

TEST(AgreementDegenerate, KrippendorffAlpha) {
  const std::vector<double> data = {1, 2, 3, 1, 2};
  EXPECT_EQ(krippendorff_alpha(data, 2, AlphaLevel::nominal).reason,
            "the data size is not a multiple of the number of coders");
  EXPECT_EQ(krippendorff_alpha(data, 0, AlphaLevel::nominal).reason,
            "the data size is not a multiple of the number of coders");
  const std::vector<double> inf = {1, std::numeric_limits<double>::infinity(), 1, 2};
  EXPECT_EQ(krippendorff_alpha(inf, 2, AlphaLevel::interval).reason,
            "a value is infinite (use NaN for missing)");
  const std::vector<double> unpaired = {1, kNaN, kNaN, 2};
  const AgreementValue u = krippendorff_alpha(unpaired, 2, AlphaLevel::nominal);
  EXPECT_TRUE(std::isnan(u.value));
  EXPECT_EQ(u.reason, "no unit has two or more values");
  const std::vector<double> empty;
  EXPECT_EQ(krippendorff_alpha(empty, 3, AlphaLevel::nominal).reason,
            "no unit has two or more values");
  const std::vector<double> constant = {4, 4, kNaN, 4, 4, 4};
  for (const AlphaLevel level : {AlphaLevel::nominal, AlphaLevel::ordinal, AlphaLevel::interval}) {
    const AgreementValue c = krippendorff_alpha(constant, 2, level);
    EXPECT_TRUE(std::isnan(c.value));
    EXPECT_EQ(c.reason,
              "all ratings are the same value: chance agreement is perfect and the coefficient is "
              "undefined");
  }
}

}  // namespace QB_UNITY_ID
}  // namespace qb::stats
