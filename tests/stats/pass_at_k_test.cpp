#include "qualbar/stats/pass_at_k.hpp"

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

const nlohmann::json& reference() { return test::reference("pass_at_k.json"); }

::testing::AssertionResult close_to(double actual, double want, double relative) {
  const double diff = std::fabs(actual - want);
  if (diff == 0.0 || diff <= relative * std::fabs(want)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << std::setprecision(17) << "got " << actual << ", want " << want
         << " (relative difference " << diff / std::fabs(want) << ")";
}

// ---- against the reference --------------------------------------------------------------------

TEST(PassAtKReference, FixtureIsComplete) {
  EXPECT_GE(reference().at("pass_at_k").size(), 300U);
  EXPECT_GE(reference().at("mean_pass_at_k").size(), 8U);
}

// Against exact rational arithmetic: 1e-12 relative (the log-sum keeps full precision).
TEST(PassAtKReference, MatchesExactArithmetic) {
  for (const auto& c : reference().at("pass_at_k")) {
    const PassAtK got = pass_at_k(c.at("n").get<std::size_t>(), c.at("c").get<std::size_t>(),
                                  c.at("k").get<std::size_t>());
    EXPECT_TRUE(got.reason.empty()) << c.dump();
    EXPECT_TRUE(close_to(got.value, c.at("exact").get<double>(), 1e-12)) << c.dump();
  }
}

// Against the Codex numpy estimator: 1e-9 relative. Its 1 − ∏(…) loses digits when pass@k is
// tiny (3e-11 relative at n = 10⁶, c = 1), which 1e-9 still allows.
TEST(PassAtKReference, MatchesTheCodexEstimator) {
  for (const auto& c : reference().at("pass_at_k")) {
    const PassAtK got = pass_at_k(c.at("n").get<std::size_t>(), c.at("c").get<std::size_t>(),
                                  c.at("k").get<std::size_t>());
    EXPECT_TRUE(close_to(got.value, c.at("codex").get<double>(), 1e-9)) << c.dump();
  }
}

TEST(PassAtKReference, MeanMatchesTheCodexEstimator) {
  for (const auto& c : reference().at("mean_pass_at_k")) {
    const auto n = c.at("n").get<std::vector<std::size_t>>();
    const auto correct = c.at("c").get<std::vector<std::size_t>>();
    const PassAtK got = mean_pass_at_k(n, correct, c.at("k").get<std::size_t>());
    EXPECT_TRUE(got.reason.empty());
    EXPECT_TRUE(close_to(got.value, c.at("codex").get<double>(), 1e-12)) << "k = " << c.at("k");
    EXPECT_TRUE(close_to(got.value, c.at("exact").get<double>(), 1e-12)) << "k = " << c.at("k");
  }
}

// ---- properties and degenerate cases -----------------------------------------------------------

TEST(PassAtK, UndefinedCasesAreNaNWithReason) {
  struct Case {
    std::size_t n, c, k;
    std::string_view reason;
  };
  for (const Case& c : {Case{10, 3, 0, "k is 0: pass@k needs k >= 1"},
                        Case{10, 11, 1, "more correct samples than samples (c > n)"},
                        Case{4, 2, 5, "fewer samples than k (n < k): pass@k is not defined"},
                        Case{0, 0, 1, "fewer samples than k (n < k): pass@k is not defined"}}) {
    const PassAtK r = pass_at_k(c.n, c.c, c.k);
    EXPECT_TRUE(std::isnan(r.value)) << c.reason;
    EXPECT_EQ(r.reason, c.reason);
  }
}

TEST(PassAtK, HandComputed) {
  EXPECT_EQ(pass_at_k(10, 0, 3).value, 0.0);
  EXPECT_EQ(pass_at_k(10, 8, 3).value, 1.0);                       // n − c = 2 < k
  EXPECT_NEAR(pass_at_k(10, 3, 1).value, 0.3, 1e-15);              // pass@1 = c/n
  EXPECT_NEAR(pass_at_k(5, 2, 2).value, 1.0 - 3.0 / 10.0, 1e-15);  // 1 − C(3,2)/C(5,2)
  EXPECT_EQ(pass_at_k(1, 1, 1).value, 1.0);
}

TEST(PassAtK, IncreasesWithKAndC) {
  double previous = 0.0;
  for (std::size_t k = 1; k <= 20; ++k) {
    const double v = pass_at_k(100, 7, k).value;
    EXPECT_GT(v, previous);
    previous = v;
  }
  EXPECT_LT(pass_at_k(100, 7, 10).value, pass_at_k(100, 8, 10).value);
}

TEST(PassAtK, MeanDegenerateCases) {
  const std::vector<std::size_t> n = {10, 3, 10};
  const std::vector<std::size_t> c = {1, 0, 5};
  const PassAtK one_too_small = mean_pass_at_k(n, c, 5);
  EXPECT_TRUE(std::isnan(one_too_small.value));
  EXPECT_EQ(one_too_small.reason, "fewer samples than k (n < k): pass@k is not defined");
  EXPECT_EQ(mean_pass_at_k({}, {}, 1).reason, "no problems");
  EXPECT_EQ(mean_pass_at_k(n, std::vector<std::size_t>{1, 2}, 1).reason,
            "n and c have different lengths");
  EXPECT_NEAR(mean_pass_at_k(n, c, 1).value, (0.1 + 0.0 + 0.5) / 3.0, 1e-15);
}

}  // namespace QB_UNITY_ID
}  // namespace qb::stats
