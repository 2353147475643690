#include "qualbar/stats/classification.hpp"

#include <cmath>
#include <fstream>
#include <iomanip>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "reference.hpp"

namespace qb::stats {
namespace QB_UNITY_ID {

using nlohmann::json;

const nlohmann::json& reference() { return test::reference("classification.json"); }

using test::close_to;

::testing::AssertionResult averages_close(const AveragedMetrics& got, const json& want) {
  for (const auto& [value, expected] :
       {std::pair{got.precision, want[0]}, std::pair{got.recall, want[1]},
        std::pair{got.f1, want[2]}}) {
    auto r = close_to(value, expected);
    if (!r) return r;
  }
  return ::testing::AssertionSuccess();
}

std::vector<std::int32_t> labels(const std::string& name, const char* which) {
  return reference().at("data").at(name).at(which).get<std::vector<std::int32_t>>();
}

// ---- against the reference --------------------------------------------------------------------

TEST(ClassificationReference, FixtureIsComplete) {
  ASSERT_TRUE(reference().contains("cases"));
  EXPECT_GE(reference().at("cases").size(), 16U);
}

// The "zero" cases are scikit-learn's own output with zero_division=0. The "nan" cases are
// qualbar's default: scikit-learn 1.2 cannot give NaN, so the script sets the undefined ratios to
// NaN and averages over the defined ones (scikit-learn >= 1.3's zero_division=np.nan).
TEST(ClassificationReference, MatchesSklearnBothConventions) {
  for (const auto& c : reference().at("cases")) {
    const std::string name = c.at("data").get<std::string>();
    const bool nan = c.at("zero_division").get<std::string>() == "nan";
    const std::string where = name + (nan ? " (nan)" : " (zero)");
    const ClassificationReport got = classification_report(
        labels(name, "truth"), labels(name, "predicted"), c.at("n_classes").get<std::size_t>(),
        nan ? ZeroDivision::nan : ZeroDivision::zero);
    ASSERT_TRUE(got.reason.empty()) << got.reason;
    EXPECT_EQ(got.confusion, c.at("confusion").get<std::vector<std::uint64_t>>()) << where;
    const json& classes = c.at("classes");
    ASSERT_EQ(got.classes.size(), classes.size()) << where;
    for (std::size_t k = 0; k < classes.size(); ++k) {
      const ClassMetrics& m = got.classes[k];
      const json& w = classes[k];
      EXPECT_EQ(m.tp, w.at("tp").get<std::uint64_t>()) << where << " class " << k;
      EXPECT_EQ(m.fp, w.at("fp").get<std::uint64_t>()) << where << " class " << k;
      EXPECT_EQ(m.fn, w.at("fn").get<std::uint64_t>()) << where << " class " << k;
      EXPECT_EQ(m.tn, w.at("tn").get<std::uint64_t>()) << where << " class " << k;
      EXPECT_EQ(m.support, w.at("support").get<std::uint64_t>()) << where << " class " << k;
      EXPECT_TRUE(close_to(m.precision, w.at("precision"))) << where << " class " << k;
      EXPECT_TRUE(close_to(m.recall, w.at("recall"))) << where << " class " << k;
      EXPECT_TRUE(close_to(m.f1, w.at("f1"))) << where << " class " << k;
      EXPECT_TRUE(close_to(m.fpr, w.at("fpr"))) << where << " class " << k;
      EXPECT_TRUE(close_to(m.fnr, w.at("fnr"))) << where << " class " << k;
    }
    EXPECT_TRUE(averages_close(got.macro, c.at("macro"))) << where << " macro";
    EXPECT_TRUE(averages_close(got.micro, c.at("micro"))) << where << " micro";
    EXPECT_TRUE(averages_close(got.weighted, c.at("weighted"))) << where << " weighted";
    EXPECT_TRUE(close_to(got.accuracy, c.at("accuracy"))) << where;
  }
}

// ---- conventions -------------------------------------------------------------------------------

TEST(ClassificationZeroDivision, AbsentClassIsNaNAndSkippedOrZeroAndCounted) {
  // Class 2 of 3 is neither true nor predicted.
  const std::vector<std::int32_t> t = {0, 0, 1, 1};
  const std::vector<std::int32_t> p = {0, 1, 1, 1};
  const ClassificationReport nan = classification_report(t, p, 3);
  EXPECT_TRUE(std::isnan(nan.classes[2].precision));
  EXPECT_TRUE(std::isnan(nan.classes[2].recall));
  EXPECT_TRUE(std::isnan(nan.classes[2].f1));
  EXPECT_TRUE(std::isnan(nan.classes[2].fnr));
  EXPECT_EQ(nan.classes[2].fpr, 0.0);  // defined: 4 negatives, none predicted as class 2
  EXPECT_DOUBLE_EQ(nan.macro.recall, (0.5 + 1.0) / 2.0);

  const ClassificationReport zero = classification_report(t, p, 3, ZeroDivision::zero);
  EXPECT_EQ(zero.classes[2].precision, 0.0);
  EXPECT_EQ(zero.classes[2].f1, 0.0);
  EXPECT_DOUBLE_EQ(zero.macro.recall, (0.5 + 1.0 + 0.0) / 3.0);
  EXPECT_EQ(zero.weighted.recall, nan.weighted.recall);  // support 0 weighs nothing
}

TEST(ClassificationZeroDivision, NeverPredictedClassHasF1ZeroNotNaN) {
  // Class 1 is true once and never predicted: precision undefined, recall 0, F1 = 2·0/(0+0+1) = 0.
  const std::vector<std::int32_t> t = {0, 0, 1};
  const std::vector<std::int32_t> p = {0, 0, 0};
  const ClassificationReport r = classification_report(t, p, 2);
  EXPECT_TRUE(std::isnan(r.classes[1].precision));
  EXPECT_EQ(r.classes[1].recall, 0.0);
  EXPECT_EQ(r.classes[1].f1, 0.0);
  EXPECT_EQ(r.classes[1].fnr, 1.0);
}

TEST(ClassificationMicro, EqualsAccuracy) {
  const std::vector<std::int32_t> t = {0, 1, 2, 2, 1, 0, 3};
  const std::vector<std::int32_t> p = {0, 2, 2, 2, 1, 1, 0};
  const ClassificationReport r = classification_report(t, p, 4);
  EXPECT_DOUBLE_EQ(r.accuracy, 4.0 / 7.0);
  EXPECT_EQ(r.micro.precision, r.accuracy);
  EXPECT_EQ(r.micro.recall, r.accuracy);
  EXPECT_EQ(r.micro.f1, r.accuracy);
}

TEST(ClassificationConfusion, FromMatrixEqualsFromLabels) {
  const std::vector<std::int32_t> t = {0, 1, 2, 2, 1, 0, 3};
  const std::vector<std::int32_t> p = {0, 2, 2, 2, 1, 1, 0};
  const std::vector<std::uint64_t> m = confusion_matrix(t, p, 4);
  ASSERT_EQ(m.size(), 16U);
  EXPECT_EQ(m[1 * 4 + 2], 1U);  // true 1 predicted 2
  EXPECT_EQ(m[2 * 4 + 2], 2U);
  const ClassificationReport a = classification_report(t, p, 4);
  const ClassificationReport b = classification_report_from_confusion(m, 4);
  EXPECT_EQ(a.macro.f1, b.macro.f1);
  EXPECT_EQ(a.weighted.precision, b.weighted.precision);
}

// ---- degenerate inputs -------------------------------------------------------------------------

TEST(ClassificationDegenerate, EmptyIsNaNWithReason) {
  const std::vector<std::int32_t> none;
  const ClassificationReport r = classification_report(none, none, 3);
  EXPECT_EQ(r.reason, "no items");
  EXPECT_TRUE(r.confusion.empty());
  EXPECT_TRUE(r.classes.empty());
  EXPECT_TRUE(std::isnan(r.accuracy));
  EXPECT_TRUE(std::isnan(r.macro.f1));
  EXPECT_TRUE(std::isnan(r.micro.f1));
}

TEST(ClassificationDegenerate, BadLabelsLengthsAndClassCount) {
  const std::vector<std::int32_t> t = {0, 1, 3};
  const std::vector<std::int32_t> p = {0, 1, 1};
  EXPECT_EQ(classification_report(t, p, 3).reason, "a label is outside 0..K-1");
  const std::vector<std::int32_t> negative = {0, -1, 1};
  EXPECT_EQ(classification_report(p, negative, 3).reason, "a label is outside 0..K-1");
  std::string_view why;
  EXPECT_TRUE(confusion_matrix(t, p, 3, &why).empty());
  EXPECT_EQ(why, "a label is outside 0..K-1");
  const std::vector<std::int32_t> shorter = {0, 1};
  EXPECT_EQ(classification_report(t, shorter, 4).reason,
            "truth and predicted have different lengths");
  EXPECT_EQ(classification_report(t, p, 0).reason, "the number of classes must be at least 1");
  const std::vector<std::uint64_t> not_square = {1, 2, 3};
  EXPECT_EQ(classification_report_from_confusion(not_square, 2).reason,
            "the confusion matrix is not K x K");
  const std::vector<std::uint64_t> zeros(4, 0);
  EXPECT_EQ(classification_report_from_confusion(zeros, 2).reason, "no items");
}

}  // namespace QB_UNITY_ID
}  // namespace qb::stats
