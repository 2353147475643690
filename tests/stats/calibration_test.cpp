#include "qualbar/stats/calibration.hpp"

#include <algorithm>
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

const nlohmann::json& reference() { return test::reference("calibration.json"); }

using test::close_to;

struct Data {
  std::vector<double> confidence;
  std::vector<std::uint8_t> outcome;
};

Data data_set(const std::string& name) {
  const json& d = reference().at("data").at(name);
  return {d.at("confidence").get<std::vector<double>>(),
          d.at("outcome").get<std::vector<std::uint8_t>>()};
}

Binning binning_of(const json& c) {
  return c.at("binning").get<std::string>() == "equal_width" ? Binning::equal_width
                                                             : Binning::equal_mass;
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---- against the reference --------------------------------------------------------------------

TEST(CalibrationReference, FixtureIsComplete) {
  for (const char* key : {"reliability", "brier", "auroc", "risk_coverage", "selective_risk"}) {
    ASSERT_TRUE(reference().contains(key)) << key;
    EXPECT_GE(reference().at(key).size(), 10U) << key;
  }
}

TEST(CalibrationReference, ReliabilityMatchesNumpyBinning) {
  for (const auto& c : reference().at("reliability")) {
    const Data d = data_set(c.at("data").get<std::string>());
    const auto bins = c.at("bins").get<std::size_t>();
    const Reliability got = reliability(d.confidence, d.outcome, bins, binning_of(c));
    ASSERT_TRUE(got.reason.empty()) << got.reason;
    const std::string where = c.at("data").get<std::string>() + " B=" + std::to_string(bins) + " " +
                              c.at("binning").get<std::string>();
    EXPECT_TRUE(close_to(got.ece, c.at("ece"))) << "ece of " << where;
    EXPECT_TRUE(close_to(got.mce, c.at("mce"))) << "mce of " << where;
    const json& want = c.at("reliability");
    ASSERT_EQ(got.bins.size(), want.size()) << where;
    for (std::size_t b = 0; b < want.size(); ++b) {
      EXPECT_EQ(got.bins[b].count, want[b].at("count").get<std::size_t>()) << where << " bin " << b;
      EXPECT_TRUE(close_to(got.bins[b].lo, want[b].at("lo"))) << where << " bin " << b;
      EXPECT_TRUE(close_to(got.bins[b].hi, want[b].at("hi"))) << where << " bin " << b;
      EXPECT_TRUE(close_to(got.bins[b].mean_confidence, want[b].at("mean_confidence")))
          << where << " bin " << b;
      EXPECT_TRUE(close_to(got.bins[b].accuracy, want[b].at("accuracy"))) << where << " bin " << b;
    }
  }
}

TEST(CalibrationReference, BrierMatchesSklearnAndDecompositionMatchesNumpy) {
  for (const auto& c : reference().at("brier")) {
    const Data d = data_set(c.at("data").get<std::string>());
    const BrierScore got =
        brier_score(d.confidence, d.outcome, c.at("bins").get<std::size_t>(), binning_of(c));
    ASSERT_TRUE(got.reason.empty()) << got.reason;
    EXPECT_TRUE(close_to(got.brier, c.at("brier"))) << c.dump();
    EXPECT_TRUE(close_to(got.reliability, c.at("reliability"))) << c.dump();
    EXPECT_TRUE(close_to(got.resolution, c.at("resolution"))) << c.dump();
    EXPECT_TRUE(close_to(got.uncertainty, c.at("uncertainty"))) << c.dump();
    EXPECT_TRUE(close_to(got.within_bin, c.at("within_bin"))) << c.dump();
  }
}

TEST(CalibrationReference, AurocMatchesSklearn) {
  for (const auto& c : reference().at("auroc")) {
    const Data d = data_set(c.at("data").get<std::string>());
    const CalibrationValue got = auroc(d.confidence, d.outcome);
    EXPECT_TRUE(close_to(got.value, c.at("auroc"))) << c.dump();
    // sklearn raises on one class; qualbar says why.
    EXPECT_EQ(got.reason, c.at("auroc").is_null() ? kCalibrationOneClass : std::string_view{});
  }
}

TEST(CalibrationReference, RiskCoverageMatchesNumpy) {
  for (const auto& c : reference().at("risk_coverage")) {
    const Data d = data_set(c.at("data").get<std::string>());
    const RiskCoverage got = risk_coverage(d.confidence, d.outcome);
    ASSERT_TRUE(got.reason.empty()) << got.reason;
    EXPECT_TRUE(close_to(got.aurc, c.at("aurc"))) << c.at("data");
    const auto n_points = c.at("n_points").get<std::size_t>();
    ASSERT_EQ(got.points.size(), n_points) << c.at("data");
    const json& want = c.at("points");
    for (std::size_t i = 0; i < want.size(); ++i) {
      // Long curves keep their first and last five points.
      const std::size_t j = want.size() == n_points || i < 5 ? i : n_points - (want.size() - i);
      EXPECT_TRUE(close_to(got.points[j].threshold, want[i].at("threshold"))) << c.at("data") << j;
      EXPECT_TRUE(close_to(got.points[j].coverage, want[i].at("coverage"))) << c.at("data") << j;
      EXPECT_TRUE(close_to(got.points[j].risk, want[i].at("risk"))) << c.at("data") << j;
    }
  }
}

TEST(CalibrationReference, SelectiveRiskMatchesNumpy) {
  for (const auto& c : reference().at("selective_risk")) {
    const Data d = data_set(c.at("data").get<std::string>());
    const SelectiveRisk got =
        selective_risk(d.confidence, d.outcome, c.at("coverage").get<double>());
    ASSERT_TRUE(got.reason.empty()) << got.reason;
    EXPECT_TRUE(close_to(got.risk, c.at("risk"))) << c.dump();
    EXPECT_TRUE(close_to(got.coverage, c.at("achieved_coverage"))) << c.dump();
    EXPECT_TRUE(close_to(got.threshold, c.at("threshold"))) << c.dump();
  }
}

// ---- binning rules -----------------------------------------------------------------------------

TEST(CalibrationBins, EqualWidthEdgesAreExact) {
  // 0 in bin 0, 1 in the last bin, i/B in bin i (not i − 1), just below i/B in bin i − 1.
  const std::vector<double> p = {0.0, 0.1, 0.3, std::nextafter(0.3, 0.0), 0.7, 0.9999, 1.0};
  const std::vector<std::uint8_t> y(p.size(), 1);
  const Reliability r = reliability(p, y, 10);
  ASSERT_TRUE(r.reason.empty());
  std::vector<std::size_t> counts;
  for (const ReliabilityBin& b : r.bins) counts.push_back(b.count);
  EXPECT_EQ(counts, (std::vector<std::size_t>{1, 1, 1, 1, 0, 0, 0, 1, 0, 2}));
  EXPECT_EQ(r.bins[3].lo, 0.3);
  EXPECT_EQ(r.bins[9].hi, 1.0);
}

TEST(CalibrationBins, EdgeThatFloorGetsWrongIsCorrected) {
  // fl(1/49)·49 rounds to 0.9999999999999999: ⌊p·B⌋ alone would put the edge in bin 0.
  const double edge = 1.0 / 49.0;
  const std::vector<double> p = {edge, std::nextafter(edge, 0.0)};
  const std::vector<std::uint8_t> y = {1, 0};
  const Reliability r = reliability(p, y, 49);
  EXPECT_EQ(r.bins[0].count, 1U);
  EXPECT_EQ(r.bins[1].count, 1U);
  EXPECT_EQ(r.bins[1].accuracy, 1.0);
}

TEST(CalibrationBins, EqualMassKeepsTiesTogether) {
  // Sorted: 0.1 0.2 0.5 0.5 0.5 0.5 0.8 0.9 with B = 4 cuts at positions 0, 2, 4, 6. The 0.5
  // block starts at position 2, so all four go to bin 1; bin 2 is empty.
  const std::vector<double> p = {0.5, 0.9, 0.1, 0.5, 0.8, 0.5, 0.2, 0.5};
  const std::vector<std::uint8_t> y = {1, 1, 0, 0, 1, 1, 0, 0};
  const Reliability r = reliability(p, y, 4, Binning::equal_mass);
  ASSERT_TRUE(r.reason.empty());
  ASSERT_EQ(r.bins.size(), 4U);
  EXPECT_EQ(r.bins[0].count, 2U);
  EXPECT_EQ(r.bins[1].count, 4U);
  EXPECT_EQ(r.bins[2].count, 0U);
  EXPECT_EQ(r.bins[3].count, 2U);
  EXPECT_EQ(r.bins[1].lo, 0.5);
  EXPECT_EQ(r.bins[1].hi, 0.5);
  EXPECT_DOUBLE_EQ(r.bins[1].accuracy, 0.5);
  EXPECT_TRUE(std::isnan(r.bins[2].mean_confidence));
  EXPECT_TRUE(std::isnan(r.bins[2].lo));
}

TEST(CalibrationBins, ResultsDoNotDependOnInputOrder) {
  const Data d = data_set("grid_600");
  Data rev = d;
  std::reverse(rev.confidence.begin(), rev.confidence.end());
  std::reverse(rev.outcome.begin(), rev.outcome.end());
  for (const Binning binning : {Binning::equal_width, Binning::equal_mass}) {
    const Reliability a = reliability(d.confidence, d.outcome, 7, binning);
    const Reliability b = reliability(rev.confidence, rev.outcome, 7, binning);
    for (std::size_t i = 0; i < a.bins.size(); ++i) EXPECT_EQ(a.bins[i].count, b.bins[i].count);
    EXPECT_NEAR(a.ece, b.ece, 1e-15);  // the same bins; only the order of summation differs
  }
  EXPECT_EQ(auroc(d.confidence, d.outcome).value, auroc(rev.confidence, rev.outcome).value);
  EXPECT_EQ(risk_coverage(d.confidence, d.outcome).aurc,
            risk_coverage(rev.confidence, rev.outcome).aurc);
}

TEST(CalibrationBins, HandComputedEce) {
  // Bin [0.8, 0.9): 0.8, 0.8 with one correct → gap 0.3; bin [0.9, 1]: 1.0 correct → gap 0.
  const std::vector<double> p = {0.8, 0.8, 1.0};
  const std::vector<std::uint8_t> y = {1, 0, 1};
  const Reliability r = reliability(p, y, 10);
  EXPECT_NEAR(r.ece, 2.0 / 3.0 * 0.3, 1e-15);
  EXPECT_NEAR(r.mce, 0.3, 1e-15);
}

// ---- Brier decomposition -----------------------------------------------------------------------

TEST(CalibrationBrier, MurphyIdentityIsExactWhenConfidenceIsConstantInBins) {
  const Data d = data_set("bin_constant_500");
  const BrierScore b = brier_score(d.confidence, d.outcome, 10);
  ASSERT_TRUE(b.reason.empty());
  EXPECT_NEAR(b.within_bin, 0.0, 1e-15);
  EXPECT_NEAR(b.reliability - b.resolution + b.uncertainty, b.brier, 1e-15);
}

TEST(CalibrationBrier, FiveTermIdentityHoldsOnAnyData) {
  const Data d = data_set("uniform_1000");
  for (const Binning binning : {Binning::equal_width, Binning::equal_mass}) {
    const BrierScore b = brier_score(d.confidence, d.outcome, 15, binning);
    // Continuous confidences: the three-term identity is only approximate...
    EXPECT_GT(std::fabs(b.reliability - b.resolution + b.uncertainty - b.brier), 1e-6);
    // ...and the within-bin term closes it.
    EXPECT_NEAR(b.reliability - b.resolution + b.uncertainty + b.within_bin, b.brier, 1e-14);
  }
}

TEST(CalibrationBrier, PerfectForecastScoresZero) {
  const std::vector<double> p = {0.0, 1.0, 1.0, 0.0};
  const std::vector<std::uint8_t> y = {0, 1, 1, 0};
  const BrierScore b = brier_score(p, y);
  EXPECT_EQ(b.brier, 0.0);
  EXPECT_EQ(b.reliability, 0.0);
  EXPECT_EQ(b.uncertainty, 0.25);
  EXPECT_EQ(b.resolution, 0.25);
}

// ---- AUROC and selective prediction -----------------------------------------------------------

TEST(CalibrationAuroc, TiesCountHalf) {
  const std::vector<double> p = {0.5, 0.5, 0.5, 0.5};
  const std::vector<std::uint8_t> y = {1, 0, 1, 0};
  EXPECT_EQ(auroc(p, y).value, 0.5);
  // One correct above both incorrect, one tied with one of them: (1 + 1 + 1 + 0.5) / 4.
  const std::vector<double> q = {0.9, 0.4, 0.4, 0.2};
  const std::vector<std::uint8_t> z = {1, 1, 0, 0};
  EXPECT_EQ(auroc(q, z).value, 3.5 / 4.0);
}

TEST(CalibrationAuroc, OneClassIsNaNWithReason) {
  const std::vector<double> p = {0.1, 0.9};
  const std::vector<std::uint8_t> y = {1, 1};
  const CalibrationValue a = auroc(p, y);
  EXPECT_TRUE(std::isnan(a.value));
  EXPECT_EQ(a.reason, "only one class: AUROC needs both correct and incorrect items");
}

TEST(CalibrationAuroc, NegativeZeroEqualsZero) {
  const std::vector<double> p = {-0.0, 0.0, 0.5};
  const std::vector<std::uint8_t> y = {1, 0, 1};
  EXPECT_EQ(auroc(p, y).value, 0.75);  // the −0 correct item ties with the 0 incorrect one
}

TEST(CalibrationSelective, TieBlockStraddlingTheCoverageIsAcceptedWhole) {
  // Top: 0.9 (correct), then a block of three at 0.7 (one incorrect). Coverage 0.4 of 5 asks for
  // 2 items; the tie block takes it to 4.
  const std::vector<double> p = {0.7, 0.9, 0.7, 0.1, 0.7};
  const std::vector<std::uint8_t> y = {1, 1, 0, 0, 1};
  const SelectiveRisk s = selective_risk(p, y, 0.4);
  ASSERT_TRUE(s.reason.empty());
  EXPECT_EQ(s.coverage, 0.8);
  EXPECT_EQ(s.threshold, 0.7);
  EXPECT_EQ(s.risk, 0.25);
  EXPECT_EQ(selective_risk(p, y, 0.2).risk, 0.0);
  EXPECT_EQ(selective_risk(p, y, 1.0).risk, 0.4);
}

TEST(CalibrationSelective, CoverageTimesNNearAnIntegerIsThatInteger) {
  // 0.07 · 100 = 7.000000000000001 in doubles; ⌈·⌉ alone would ask for 8 items.
  std::vector<double> p(100);
  std::vector<std::uint8_t> y(100, 1);
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = static_cast<double>(i) / 100.0;
  const SelectiveRisk s = selective_risk(p, y, 0.07);
  EXPECT_EQ(s.coverage, 0.07);
  EXPECT_EQ(s.threshold, 0.93);
}

TEST(CalibrationSelective, CoverageOutsideRangeIsNaNWithReason) {
  const std::vector<double> p = {0.1, 0.9};
  const std::vector<std::uint8_t> y = {1, 0};
  for (const double c : {0.0, -0.1, 1.01, kNaN}) {
    const SelectiveRisk s = selective_risk(p, y, c);
    EXPECT_TRUE(std::isnan(s.risk)) << c;
    EXPECT_EQ(s.reason, "coverage must be in (0, 1]") << c;
  }
}

TEST(CalibrationRiskCoverage, PerfectRankingGivesTheOptimalArea) {
  // 2 errors ranked last among 4: risks 0, 0, 1/3, 2/4 → AURC = (1/3 + 1/2) / 4.
  const std::vector<double> p = {0.9, 0.8, 0.2, 0.1};
  const std::vector<std::uint8_t> y = {1, 1, 0, 0};
  const RiskCoverage rc = risk_coverage(p, y);
  EXPECT_NEAR(rc.aurc, (1.0 / 3.0 + 0.5) / 4.0, 1e-15);
  ASSERT_EQ(rc.points.size(), 4U);
  EXPECT_EQ(rc.points.front().threshold, 0.9);
  EXPECT_EQ(rc.points.back().coverage, 1.0);
}

// ---- degenerate inputs -------------------------------------------------------------------------

TEST(CalibrationDegenerate, EmptyInputIsNaNWithReason) {
  const std::vector<double> p;
  const std::vector<std::uint8_t> y;
  const Reliability r = reliability(p, y);
  EXPECT_TRUE(std::isnan(r.ece));
  EXPECT_TRUE(std::isnan(r.mce));
  EXPECT_TRUE(r.bins.empty());
  EXPECT_EQ(r.reason, "no items");
  EXPECT_EQ(brier_score(p, y).reason, "no items");
  EXPECT_TRUE(std::isnan(brier_score(p, y).brier));
  EXPECT_EQ(auroc(p, y).reason, "no items");
  EXPECT_EQ(risk_coverage(p, y).reason, "no items");
  EXPECT_TRUE(std::isnan(risk_coverage(p, y).aurc));
  EXPECT_EQ(selective_risk(p, y, 0.5).reason, "no items");
}

TEST(CalibrationDegenerate, BadConfidenceIsNaNWithReason) {
  const std::vector<std::uint8_t> y = {1, 0};
  for (const double bad : {kNaN, -0.01, 1.5, std::numeric_limits<double>::infinity()}) {
    const std::vector<double> p = {0.5, bad};
    const Reliability r = reliability(p, y);
    EXPECT_TRUE(std::isnan(r.ece)) << bad;
    EXPECT_EQ(r.reason, "a confidence is NaN or outside [0, 1]") << bad;
    EXPECT_TRUE(std::isnan(brier_score(p, y).brier)) << bad;
    EXPECT_TRUE(std::isnan(auroc(p, y).value)) << bad;
    EXPECT_TRUE(std::isnan(risk_coverage(p, y).aurc)) << bad;
    EXPECT_TRUE(std::isnan(selective_risk(p, y, 0.5).risk)) << bad;
  }
}

TEST(CalibrationDegenerate, BadOutcomeOrLengthOrBinsIsNaNWithReason) {
  const std::vector<double> p = {0.5, 0.6};
  const std::vector<std::uint8_t> bad = {1, 2};
  EXPECT_EQ(reliability(p, bad).reason, "an outcome is not 0 or 1");
  EXPECT_EQ(auroc(p, bad).reason, "an outcome is not 0 or 1");
  const std::vector<std::uint8_t> short_y = {1};
  EXPECT_EQ(brier_score(p, short_y).reason, "confidence and outcome have different lengths");
  const std::vector<std::uint8_t> y = {1, 0};
  const Reliability r = reliability(p, y, 0);
  EXPECT_EQ(r.reason, "the number of bins must be at least 1");
  EXPECT_TRUE(std::isnan(r.ece));
  EXPECT_TRUE(std::isnan(brier_score(p, y, 0).brier));
}

TEST(CalibrationDegenerate, OneItemAndAllCorrectAreDefined) {
  const std::vector<double> one = {0.7};
  const std::vector<std::uint8_t> yes = {1};
  const Reliability r = reliability(one, yes);
  EXPECT_NEAR(r.ece, 0.3, 1e-15);
  EXPECT_TRUE(std::isnan(auroc(one, yes).value));  // one class
  EXPECT_EQ(risk_coverage(one, yes).aurc, 0.0);    // no errors: zero risk is a fact, not a default
  const BrierScore b = brier_score(one, yes);
  EXPECT_NEAR(b.brier, 0.09, 1e-15);
  EXPECT_EQ(b.uncertainty, 0.0);
}

}  // namespace QB_UNITY_ID
}  // namespace qb::stats
