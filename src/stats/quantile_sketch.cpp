#include "qualbar/stats/quantile_sketch.hpp"

#include <algorithm>
#include <numeric>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

#include <fmt/format.h>

#include "qualbar/stats/common.hpp"
#include "radix_sort.hpp"

namespace qb::stats {
namespace {

using detail::from_sort_key;
using detail::sort_key;

// One merge pass: takes centroids in order of mean and merges neighbours while the merged
// centroid stays within one unit of k₁ (Dunning and Ertl, algorithm 1).
class Compressor {
 public:
  Compressor(double compression, double total_weight, std::vector<double>& means,
             std::vector<double>& weights)
      : scale_(compression / (2.0 * std::numbers::pi)),
        k_max_(compression / 4.0),
        total_(total_weight),
        means_(means),
        weights_(weights) {
    means_.clear();
    weights_.clear();
    limit_ = weight_limit(0.0);
  }

  void push(double mean, double weight) {
    if (weight_ == 0.0) {
      start(mean, weight);
    } else if (done_ + weight_ + weight <= limit_) {
      weight_ += weight;
      offset_sum_ += (mean - anchor_) * weight;
    } else {
      emit();
      start(mean, weight);
    }
  }

  void finish() {
    if (weight_ > 0.0) emit();
  }

 private:
  // The largest cumulative weight the centroid starting after `done` may reach: q(k(q₀) + 1).
  [[nodiscard]] double weight_limit(double done) const {
    const double k = scale_ * std::asin(std::min(1.0, 2.0 * done / total_ - 1.0)) + 1.0;
    if (k >= k_max_) return total_;
    return total_ * 0.5 * (std::sin(k / scale_) + 1.0);
  }

  void start(double mean, double weight) {
    anchor_ = mean;
    offset_sum_ = 0.0;
    weight_ = weight;
  }

  // The centroid's mean is anchor + Σ w·(x − anchor) / Σ w: no division per value, and no loss
  // of precision for values far from 0 (the offsets are small).
  void emit() {
    means_.push_back(anchor_ + offset_sum_ / weight_);
    weights_.push_back(weight_);
    done_ += weight_;
    weight_ = 0.0;
    limit_ = weight_limit(done_);
  }

  double scale_;
  double k_max_;
  double total_;
  std::vector<double>& means_;
  std::vector<double>& weights_;
  double done_ = 0.0;  // weight of the centroids emitted so far
  double limit_ = 0.0;
  double anchor_ = 0.0;      // the first mean of the current centroid
  double offset_sum_ = 0.0;  // Σ w·(x − anchor) over its values
  double weight_ = 0.0;
};

struct Centroid {
  double mean;
  double weight;
};

// Feeds two runs of centroids, each sorted by mean, into `out` in order of mean. a(i) and b(j)
// give the i-th and j-th centroid of each run.
template <class A, class B>
void merge_runs(Compressor& out, std::size_t a_size, A a, std::size_t b_size, B b) {
  std::size_t i = 0, j = 0;
  while (i < a_size && j < b_size) {
    const Centroid x = a(i), y = b(j);
    if (x.mean <= y.mean) {
      out.push(x.mean, x.weight);
      ++i;
    } else {
      out.push(y.mean, y.weight);
      ++j;
    }
  }
  for (; i < a_size; ++i) out.push(a(i).mean, a(i).weight);
  for (; j < b_size; ++j) out.push(b(j).mean, b(j).weight);
  out.finish();
}

// Weighted mean of x1 (weight w1) and x2 (weight w2), kept between them despite rounding.
double between(double x1, double w1, double x2, double w2) {
  const double x = (x1 * w1 + x2 * w2) / (w1 + w2);
  return std::clamp(x, std::min(x1, x2), std::max(x1, x2));
}

}  // namespace

QuantileSketch::QuantileSketch(double compression)
    : compression_(compression),
      min_(std::numeric_limits<double>::infinity()),
      max_(-std::numeric_limits<double>::infinity()) {
  if (!(compression >= 10.0 && compression <= 10000.0)) {
    throw std::invalid_argument(
        fmt::format("t-digest compression must be between 10 and 10000, got {} (100 is the "
                    "default; larger is more accurate and uses more memory)",
                    compression));
  }
  buffer_capacity_ = static_cast<std::size_t>(std::ceil(10.0 * compression));
  buffer_.reserve(buffer_capacity_);
  scratch_.reserve(buffer_capacity_);
  const auto centroids = static_cast<std::size_t>(std::ceil(2.0 * compression)) + 8;
  for (auto* v : {&means_, &weights_, &next_means_, &next_weights_}) v->reserve(centroids);
}

void QuantileSketch::buffer(double x) {
  buffer_.push_back(sort_key(x));
  if (buffer_.size() == buffer_capacity_) flush();
}

void QuantileSketch::add(double x) {
  if (!std::isfinite(x)) {
    ++skipped_;
    return;
  }
  ++count_;
  min_ = std::min(min_, x);
  max_ = std::max(max_, x);
  buffer(x);
}

void QuantileSketch::add(std::span<const double> xs) {
  for (const double x : xs) add(x);
}

void QuantileSketch::flush() {
  if (buffer_.empty()) return;
  detail::radix_sort(buffer_, scratch_, [](std::uint64_t k) { return k; });
  const double total = centroid_weight_ + static_cast<double>(buffer_.size());
  Compressor out(compression_, total, next_means_, next_weights_);
  merge_runs(
      out, means_.size(),
      [&](std::size_t i) {
        return Centroid{means_[i], weights_[i]};
      },
      buffer_.size(),
      [&](std::size_t j) {
        return Centroid{from_sort_key(buffer_[j]), 1.0};
      });
  means_.swap(next_means_);
  weights_.swap(next_weights_);
  centroid_weight_ = total;
  buffer_.clear();
}

void QuantileSketch::merge(const QuantileSketch& other) {
  if (&other == this) {
    // Merging changes *this, which is `other`: merge a snapshot.
    const QuantileSketch copy = other;  // NOLINT(performance-unnecessary-copy-initialization)
    merge(copy);
    return;
  }
  for (const std::uint64_t key : other.buffer_) {
    buffer_.push_back(key);
    if (buffer_.size() == buffer_capacity_) flush();
  }
  flush();
  count_ += other.count_;
  skipped_ += other.skipped_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  if (other.means_.empty()) return;
  const double total = centroid_weight_ + other.centroid_weight_;
  Compressor out(compression_, total, next_means_, next_weights_);
  merge_runs(
      out, means_.size(),
      [&](std::size_t i) {
        return Centroid{means_[i], weights_[i]};
      },
      other.means_.size(),
      [&](std::size_t j) {
        return Centroid{other.means_[j], other.weights_[j]};
      });
  means_.swap(next_means_);
  weights_.swap(next_weights_);
  centroid_weight_ = total;
}

QuantileSketch::State QuantileSketch::state() {
  flush();
  return State{compression_, means_, weights_, count_, skipped_, min_, max_};
}

QuantileSketch QuantileSketch::from_state(const State& s) {
  QuantileSketch q(s.compression);
  const bool sorted = std::is_sorted(s.means.begin(), s.means.end());
  const bool positive =
      std::all_of(s.weights.begin(), s.weights.end(), [](double w) { return w > 0; });
  if (s.means.size() != s.weights.size() || !sorted || !positive)
    throw std::invalid_argument("not a t-digest state: centroids unsorted or weights not positive");
  q.means_ = s.means;
  q.weights_ = s.weights;
  q.centroid_weight_ = std::accumulate(s.weights.begin(), s.weights.end(), 0.0);
  q.count_ = s.count;
  q.skipped_ = s.skipped;
  if (s.count > 0) {
    q.min_ = s.min;
    q.max_ = s.max;
  }
  return q;
}

double QuantileSketch::min() const { return count_ == 0 ? kNaN : min_; }
double QuantileSketch::max() const { return count_ == 0 ? kNaN : max_; }

std::size_t QuantileSketch::centroid_count() {
  flush();
  return means_.size();
}

double QuantileSketch::quantile(double q) {
  if (count_ == 0 || !(q >= 0.0 && q <= 1.0)) return kNaN;
  flush();
  const std::size_t n = means_.size();
  const double total = centroid_weight_;
  const double index = q * total;  // the i-th smallest value (1-based) stands at index i − ½
  // The outer halves of the outer centroids: interpolate from the exact min and max, which are
  // single points at index ½ and total − ½.
  if (index < 1.0) return min_;
  if (weights_[0] > 1.0 && index < weights_[0] / 2.0) {
    return min_ + (index - 1.0) / (weights_[0] / 2.0 - 1.0) * (means_[0] - min_);
  }
  if (index > total - 1.0) return max_;
  if (weights_[n - 1] > 1.0 && total - index <= weights_[n - 1] / 2.0) {
    return max_ - (total - index - 1.0) / (weights_[n - 1] / 2.0 - 1.0) * (max_ - means_[n - 1]);
  }
  // Between the centres of centroids i and i + 1. A centroid of weight 1 is a single value: it
  // covers half a unit on each side of its centre exactly.
  double so_far = weights_[0] / 2.0;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const double step = (weights_[i] + weights_[i + 1]) / 2.0;
    if (so_far + step > index) {
      double left_unit = 0.0;
      if (weights_[i] == 1.0) {
        if (index - so_far < 0.5) return means_[i];
        left_unit = 0.5;
      }
      double right_unit = 0.0;
      if (weights_[i + 1] == 1.0) {
        if (so_far + step - index <= 0.5) return means_[i + 1];
        right_unit = 0.5;
      }
      const double to_left = index - so_far - left_unit;
      const double to_right = so_far + step - index - right_unit;
      return between(means_[i], to_right, means_[i + 1], to_left);
    }
    so_far += step;
  }
  return means_[n - 1];  // only reachable through rounding: the right tail is handled above
}

}  // namespace qb::stats
