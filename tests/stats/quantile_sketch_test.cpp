#include "qualbar/stats/quantile_sketch.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/math/distributions/normal.hpp>
#include <nlohmann/json.hpp>

#include "qualbar/stats/intervals.hpp"
#include "qualbar/stats/random.hpp"

#include "reference.hpp"

namespace qb::stats {
namespace QB_UNITY_ID {

using nlohmann::json;

const nlohmann::json& reference() { return test::reference("quantile_sketch.json"); }

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// The documented error bounds (stats/quantile_sketch.hpp) at δ = 100; the worst errors measured
// here are 0.0014 in the tails and 0.0018 elsewhere (QB_PRINT_SKETCH_ERRORS=1 prints them).
constexpr double kTailBound = 0.002;  // q <= 0.01 or q >= 0.99
constexpr double kBound = 0.003;      // every q

// The data of distribution d exactly as the reference script makes it (see its docstring).
std::vector<double> generate(std::size_t d) {
  const auto seed = reference().at("seed").get<std::uint64_t>();
  const auto streams = reference().at("streams").get<std::size_t>();
  const auto per_stream = reference().at("per_stream").get<std::size_t>();
  const std::string name = reference().at("distributions").at(d).at("name").get<std::string>();
  const boost::math::normal_distribution<double> normal;
  std::vector<double> xs;
  xs.reserve(streams * per_stream);
  for (std::size_t s = 0; s < streams; ++s) {
    Rng rng(seed, d * streams + s);
    for (std::size_t j = 0; j < per_stream; ++j) {
      const double u = (static_cast<double>(rng.next() >> 11) + 0.5) * 0x1.0p-53;
      double x = u;
      if (name == "normal") x = boost::math::quantile(normal, u);
      if (name == "lognormal") x = std::exp(6.5 + 0.6 * boost::math::quantile(normal, u));
      if (name == "exponential") x = -std::log(u);
      if (name == "pareto") x = std::pow(u, -1.0 / 1.5);
      if (name == "discrete") x = std::floor(20.0 * u);
      xs.push_back(x);
    }
  }
  return xs;
}

struct DataSet {
  std::string name;
  std::vector<double> values;  // in insertion order
  std::vector<double> sorted;
};

const std::vector<DataSet>& data_sets() {
  static const std::vector<DataSet> sets = [] {
    std::vector<DataSet> out;
    for (std::size_t d = 0; d < reference().at("distributions").size(); ++d) {
      DataSet set{
          reference().at("distributions").at(d).at("name").get<std::string>(), generate(d), {}};
      set.sorted = set.values;
      std::sort(set.sorted.begin(), set.sorted.end());
      out.push_back(std::move(set));
    }
    return out;
  }();
  return sets;
}

std::vector<double> grid() { return reference().at("q").get<std::vector<double>>(); }

// How far q is from the ranks of x in the sorted data: 0 when some position of x (ties included)
// has rank q, else the distance to the nearest of #(< x)/n and #(<= x)/n.
double rank_error(const std::vector<double>& sorted, double x, double q) {
  const double n = static_cast<double>(sorted.size());
  const double below =
      static_cast<double>(std::lower_bound(sorted.begin(), sorted.end(), x) - sorted.begin()) / n;
  const double at_or_below =
      static_cast<double>(std::upper_bound(sorted.begin(), sorted.end(), x) - sorted.begin()) / n;
  if (q < below) return below - q;
  if (q > at_or_below) return q - at_or_below;
  return 0.0;
}

bool in_tail(double q) { return q <= 0.01 || q >= 0.99; }

// Checks every grid quantile of `sketch` against the data; returns the worst error seen.
double expect_within_bounds(QuantileSketch& sketch, const DataSet& set, const std::string& what) {
  double worst = 0.0, worst_tail = 0.0;
  for (const double q : grid()) {
    const double estimate = sketch.quantile(q);
    const double error = rank_error(set.sorted, estimate, q);
    worst = std::max(worst, error);
    if (in_tail(q)) worst_tail = std::max(worst_tail, error);
    EXPECT_LE(error, in_tail(q) ? kTailBound : kBound)
        << what << " " << set.name << " q = " << q << " estimate " << estimate;
  }
  if (std::getenv("QB_PRINT_SKETCH_ERRORS") != nullptr) {
    std::printf("%-28s %-12s worst rank error %.6f, in the tails %.6f, %zu centroids\n",
                what.c_str(), set.name.c_str(), worst, worst_tail, sketch.centroid_count());
  }
  return worst;
}

// ---- against the reference --------------------------------------------------------------------

TEST(QuantileSketchReference, GeneratedDataMatchesNumpy) {
  const std::vector<double> qs = grid();
  for (std::size_t d = 0; d < data_sets().size(); ++d) {
    const DataSet& set = data_sets()[d];
    const auto& want = reference().at("distributions").at(d);
    ASSERT_EQ(set.name, want.at("name").get<std::string>());
    ASSERT_EQ(set.values.size(), 1000000U);
    for (std::size_t i = 0; i < 3; ++i) {
      EXPECT_NEAR(set.values[i], want.at("first_values").at(i).get<double>(),
                  1e-12 * std::max(1.0, std::fabs(set.values[i])))
          << set.name;
    }
    for (std::size_t i = 0; i < qs.size(); ++i) {
      const double exact = quantile_sorted(set.sorted, qs[i]);
      const double numpy = want.at("quantiles").at(i).get<double>();
      EXPECT_NEAR(exact, numpy, 1e-12 + 1e-9 * std::fabs(numpy)) << set.name << " q = " << qs[i];
    }
  }
}

TEST(QuantileSketchReference, RankErrorWithinTheDocumentedBound) {
  for (const DataSet& set : data_sets()) {
    QuantileSketch sketch;
    sketch.add(set.values);
    EXPECT_EQ(sketch.count(), set.values.size());
    EXPECT_EQ(sketch.quantile(0.0), set.sorted.front());
    EXPECT_EQ(sketch.quantile(1.0), set.sorted.back());
    expect_within_bounds(sketch, set, "random order");
  }
}

// Sorted input is the hard case for streaming sketches (every buffer is a narrow slice).
TEST(QuantileSketchReference, SortedAndReversedInputWithinTheBound) {
  for (const DataSet& set : data_sets()) {
    QuantileSketch ascending;
    ascending.add(set.sorted);
    expect_within_bounds(ascending, set, "ascending");
    QuantileSketch descending;
    for (auto it = set.sorted.rbegin(); it != set.sorted.rend(); ++it) descending.add(*it);
    expect_within_bounds(descending, set, "descending");
  }
}

TEST(QuantileSketchReference, MergedSketchesWithinTheBound) {
  for (const DataSet& set : data_sets()) {
    const std::size_t half = set.values.size() / 2;
    QuantileSketch a, b;
    a.add(std::span<const double>(set.values).first(half));
    b.add(std::span<const double>(set.values).subspan(half));
    a.merge(b);
    EXPECT_EQ(a.count(), set.values.size());
    expect_within_bounds(a, set, "two halves merged");
  }
}

// Ten sketches merged left to right, right to left and as a tree: each result is within the bound,
// and their estimates are within the bound of each other.
TEST(QuantileSketchReference, MergingIsOrderInsensitiveWithinTheBound) {
  for (const DataSet& set : data_sets()) {
    constexpr std::size_t kParts = 10;
    const std::size_t part = set.values.size() / kParts;
    std::vector<QuantileSketch> parts(kParts);
    for (std::size_t i = 0; i < kParts; ++i)
      parts[i].add(std::span<const double>(set.values).subspan(i * part, part));

    QuantileSketch forward, backward;
    for (std::size_t i = 0; i < kParts; ++i) forward.merge(parts[i]);
    for (std::size_t i = kParts; i-- > 0;) backward.merge(parts[i]);
    std::vector<QuantileSketch> level = parts;
    while (level.size() > 1) {
      std::vector<QuantileSketch> next;
      for (std::size_t i = 0; i + 1 < level.size(); i += 2) {
        next.push_back(level[i]);
        next.back().merge(level[i + 1]);
      }
      if (level.size() % 2 == 1) next.push_back(level.back());
      level = std::move(next);
    }
    QuantileSketch& tree = level.front();

    expect_within_bounds(forward, set, "ten parts, forward");
    expect_within_bounds(backward, set, "ten parts, backward");
    expect_within_bounds(tree, set, "ten parts, tree");
    for (QuantileSketch* s : {&forward, &backward, &tree}) EXPECT_EQ(s->count(), set.values.size());
    for (const double q : grid()) {
      const double f = forward.quantile(q), b = backward.quantile(q), t = tree.quantile(q);
      // The rank distance between two estimates: how many values lie between them.
      for (double other : {b, t}) {
        const double lo = std::min(f, other), hi = std::max(f, other);
        const double between =
            static_cast<double>(std::upper_bound(set.sorted.begin(), set.sorted.end(), hi) -
                                std::upper_bound(set.sorted.begin(), set.sorted.end(), lo)) /
            static_cast<double>(set.sorted.size());
        EXPECT_LE(between, in_tail(q) ? kTailBound : kBound) << set.name << " q = " << q;
      }
    }
  }
}

// ---- properties and degenerate cases -----------------------------------------------------------

TEST(QuantileSketch, EmptyIsNaN) {
  QuantileSketch s;
  EXPECT_EQ(s.count(), 0U);
  EXPECT_TRUE(std::isnan(s.quantile(0.5)));
  EXPECT_TRUE(std::isnan(s.quantile(0.0)));
  EXPECT_TRUE(std::isnan(s.min()));
  EXPECT_TRUE(std::isnan(s.max()));
  EXPECT_EQ(s.centroid_count(), 0U);
}

TEST(QuantileSketch, NonFiniteValuesAreSkippedAndCounted) {
  QuantileSketch s;
  s.add(std::vector<double>{1.0, kNaN, 2.0, kInf, -kInf, 3.0});
  EXPECT_EQ(s.count(), 3U);
  EXPECT_EQ(s.skipped(), 3U);
  EXPECT_EQ(s.quantile(0.0), 1.0);
  EXPECT_EQ(s.quantile(1.0), 3.0);
  EXPECT_EQ(s.quantile(0.5), 2.0);
  QuantileSketch only_nan;
  only_nan.add(kNaN);
  EXPECT_EQ(only_nan.count(), 0U);
  EXPECT_TRUE(std::isnan(only_nan.quantile(0.5)));
}

TEST(QuantileSketch, QOutsideZeroOneIsNaN) {
  QuantileSketch s;
  s.add(std::vector<double>{1.0, 2.0, 3.0});
  EXPECT_TRUE(std::isnan(s.quantile(-0.01)));
  EXPECT_TRUE(std::isnan(s.quantile(1.01)));
  EXPECT_TRUE(std::isnan(s.quantile(kNaN)));
}

TEST(QuantileSketch, OneDistinctValueGivesThatValue) {
  QuantileSketch one;
  one.add(7.5);
  QuantileSketch many;
  for (int i = 0; i < 100000; ++i) many.add(-2.25);
  for (double q : {0.0, 0.001, 0.3, 0.5, 0.999, 1.0}) {
    EXPECT_EQ(one.quantile(q), 7.5) << q;
    EXPECT_EQ(many.quantile(q), -2.25) << q;
  }
  EXPECT_EQ(many.count(), 100000U);
}

TEST(QuantileSketch, SmallInputGivesExactOrderStatistics) {
  // With few values no two fit in one unit of k₁: every value is its own centroid, and the
  // q-quantile is the value at 0-based position ⌊q·n⌋ of the sorted data.
  Rng rng(3);
  std::vector<double> xs(50);
  for (double& x : xs) x = rng.uniform();
  QuantileSketch s;
  s.add(xs);
  EXPECT_EQ(s.centroid_count(), xs.size());
  std::sort(xs.begin(), xs.end());
  for (std::size_t k = 0; k < xs.size(); ++k) {
    const double q = (static_cast<double>(k) + 0.5) / static_cast<double>(xs.size());
    EXPECT_EQ(s.quantile(q), xs[k]) << q;
  }
}

TEST(QuantileSketch, EstimatesAreMonotoneInQ) {
  QuantileSketch s;
  Rng rng(7);
  for (int i = 0; i < 200000; ++i) s.add(std::exp(3.0 * rng.uniform()));
  double previous = -kInf;
  for (int i = 0; i <= 1000; ++i) {
    const double v = s.quantile(i / 1000.0);
    EXPECT_GE(v, previous) << i;
    previous = v;
  }
}

TEST(QuantileSketch, CentroidsStayBounded) {
  QuantileSketch s;
  Rng rng(11);
  for (int i = 0; i < 2000000; ++i) s.add(rng.uniform());
  EXPECT_LE(s.centroid_count(), 2 * static_cast<std::size_t>(s.compression()));
  EXPECT_GE(s.centroid_count(), 20U);
}

TEST(QuantileSketch, MergeWithEmptyAndWithItself) {
  QuantileSketch s, empty;
  s.add(std::vector<double>{1.0, 2.0, 3.0, 4.0});
  s.merge(empty);
  EXPECT_EQ(s.count(), 4U);
  empty.merge(s);
  EXPECT_EQ(empty.count(), 4U);
  EXPECT_EQ(empty.quantile(0.0), 1.0);
  EXPECT_EQ(empty.quantile(1.0), 4.0);
  s.merge(s);
  EXPECT_EQ(s.count(), 8U);
  EXPECT_EQ(s.quantile(0.0), 1.0);
  EXPECT_EQ(s.quantile(1.0), 4.0);
}

TEST(QuantileSketch, MergeCarriesSkippedAndMinMax) {
  QuantileSketch a, b;
  a.add(std::vector<double>{10.0, kNaN});
  b.add(std::vector<double>{-1.0, 50.0, kInf});
  a.merge(b);
  EXPECT_EQ(a.count(), 3U);
  EXPECT_EQ(a.skipped(), 2U);
  EXPECT_EQ(a.min(), -1.0);
  EXPECT_EQ(a.max(), 50.0);
}

TEST(QuantileSketch, CompressionOutOfRangeIsRejected) {
  for (double bad : {0.0, 5.0, 20000.0, kNaN}) {
    EXPECT_THROW(QuantileSketch{bad}, std::invalid_argument) << bad;
  }
  try {
    QuantileSketch s(5.0);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "t-digest compression must be between 10 and 10000, got 5 (100 is the default; "
                 "larger is more "
                 "accurate and uses more memory)");
  }
  EXPECT_EQ(QuantileSketch().compression(), 100.0);
}

}  // namespace QB_UNITY_ID
}  // namespace qb::stats
