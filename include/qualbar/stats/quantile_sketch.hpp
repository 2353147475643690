#pragma once
// A mergeable streaming percentile sketch for the monitor: a t-digest (Dunning and Ertl, "Computing
// extremely accurate quantiles using t-digests", 2019), merging variant, with the arcsine scale
// function k₁(q) = δ/(2π)·asin(2q − 1).
//
// The sketch keeps δ/2 to δ centroids (mean, weight), ordered by mean. A centroid may only hold
// the values of a quantile range [q_l, q_r] with k₁(q_r) − k₁(q_l) <= 1, so centroids are small
// in the tails (the first and last hold about π²/δ² of the data: single values until there are
// ~1,000 of them at δ = 100) and hold about π/δ of the data at the median (3% at δ = 100). Below
// ~60 values at δ = 100 every value is its own centroid and quantile(q) is exactly the value at
// 0-based position ⌊q·n⌋ of the sorted data. Values go into a buffer of
// 10·δ; a full buffer is sorted and merged into the centroids in one pass. `quantile` interpolates
// linearly between centroid means (centroid i's mean standing at the middle of its weight) and
// between the exact min and max and the outer centroids.
//
// Error: measured in rank, rank(x) = the fraction of the data <= x (for tied values any fraction
// between the share < x and the share <= x). On 10⁶ values from uniform, normal, lognormal,
// exponential, Pareto and a 20-value discrete distribution, in random, ascending and descending
// order, and after merging 2 or 10 sketches of parts in any order (tests/stats/
// quantile_sketch_test.cpp), at δ = 100:
//   |rank(quantile(q)) − q| <= 0.002  for q <= 0.01 or q >= 0.99  (worst measured: 0.0014)
//   |rank(quantile(q)) − q| <= 0.003  for every q                  (worst measured: 0.0018)
// The tail error falls about as 1/δ² (δ = 300: ~0.0001; δ = 1000: ~0.00002), the central error as
// 1/δ. Between two far-apart values with no data in between, any value is a correct estimate:
// the error is in rank, not in value. Memory: O(δ) (the centroids and a buffer of 10·δ values),
// whatever the count.
//
// Degenerate cases: NaN and ±infinity are not added (they are counted in skipped()); an empty
// sketch gives NaN for every quantile; q outside [0, 1] or NaN gives NaN; quantile(0) and
// quantile(1) are the exact min and max; one distinct value gives that value for every q.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace qb::stats {

class QuantileSketch {
 public:
  static constexpr double kDefaultCompression = 100.0;

  // compression δ in [10, 10000]; std::invalid_argument otherwise.
  explicit QuantileSketch(double compression = kDefaultCompression);

  void add(double x);
  void add(std::span<const double> xs);

  // Adds everything `other` has seen (its count, skipped count, min and max too). The result
  // keeps this sketch's compression.
  void merge(const QuantileSketch& other);

  // The estimated q-quantile, q in [0, 1]. Merges pending values first, hence not const.
  double quantile(double q);

  std::uint64_t count() const { return count_; }      // finite values added, merged ones included
  std::uint64_t skipped() const { return skipped_; }  // NaN or infinite values not added
  double compression() const { return compression_; }
  double min() const;  // exact; NaN when empty
  double max() const;
  std::size_t centroid_count();  // after merging pending values

  // Everything the sketch knows, for storing it (after merging pending values), and back. A
  // sketch rebuilt from its state answers every quantile as the original did.
  struct State {
    double compression = kDefaultCompression;
    std::vector<double> means, weights;
    std::uint64_t count = 0, skipped = 0;
    double min = 0, max = 0;
  };
  State state();
  // Throws std::invalid_argument for a state no sketch could have (sizes differ, unsorted means,
  // weights not positive, or a compression out of range).
  static QuantileSketch from_state(const State& s);

 private:
  void flush();
  void buffer(double x);  // x finite

  double compression_;
  std::size_t buffer_capacity_;
  std::vector<std::uint64_t> buffer_;  // pending values (as radix sort keys), each of weight 1
  std::vector<std::uint64_t> scratch_;
  std::vector<double> means_;  // centroids, sorted by mean
  std::vector<double> weights_;
  std::vector<double> next_means_;  // the output of a merge pass, swapped in afterwards
  std::vector<double> next_weights_;
  double centroid_weight_ = 0.0;  // the sum of weights_
  std::uint64_t count_ = 0;
  std::uint64_t skipped_ = 0;
  double min_;
  double max_;
};

}  // namespace qb::stats
