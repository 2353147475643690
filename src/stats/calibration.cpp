#include "qualbar/stats/calibration.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>

namespace qb::stats {
namespace {

// A confidence in [0, 1] and its outcome packed in one unsigned key whose order is the order of
// the confidence, then of the outcome: the bits of a non-negative double order like the double, and
// its sign bit is 0, so shifting left by one leaves room for the outcome.
std::uint64_t pack(double p, std::uint8_t y) {
  return (std::bit_cast<std::uint64_t>(p + 0.0) << 1) | y;  // + 0.0 turns −0 into +0
}
double key_confidence(std::uint64_t key) { return std::bit_cast<double>(key >> 1); }

std::string_view check_sizes(std::span<const double> confidence,
                             std::span<const std::uint8_t> outcome) {
  if (confidence.size() != outcome.size()) return kCalibrationLengthMismatch;
  if (confidence.empty()) return kCalibrationEmpty;
  return {};
}

// The reason for the first kind of bad value seen in a pass: confidences are checked first.
std::string_view bad_values(bool bad_confidence, bool bad_outcome) {
  if (bad_confidence) return kCalibrationBadConfidence;
  if (bad_outcome) return kCalibrationBadOutcome;
  return {};
}

// LSD radix sort, 8 bits a pass; passes where every key has the same digit are skipped.
void radix_sort(std::vector<std::uint64_t>& keys) {
  const std::size_t n = keys.size();
  if (n < 2) return;
  std::array<std::array<std::size_t, 256>, 8> counts{};
  for (const std::uint64_t k : keys) {
    for (int d = 0; d < 8; ++d) ++counts[d][(k >> (8 * d)) & 0xFF];
  }
  std::vector<std::uint64_t> scratch(n);
  for (int d = 0; d < 8; ++d) {
    auto& c = counts[d];
    if (c[(keys[0] >> (8 * d)) & 0xFF] == n) continue;
    std::size_t sum = 0;
    for (auto& x : c) {
      const std::size_t here = x;
      x = sum;
      sum += here;
    }
    for (const std::uint64_t k : keys) scratch[c[(k >> (8 * d)) & 0xFF]++] = k;
    keys.swap(scratch);
  }
}

// Checks every value and, when all are good, returns the packed keys in ascending order.
std::string_view sorted_keys(std::span<const double> confidence,
                             std::span<const std::uint8_t> outcome,
                             std::vector<std::uint64_t>& keys) {
  if (auto why = check_sizes(confidence, outcome); !why.empty()) return why;
  keys.resize(confidence.size());
  bool bad_p = false;
  bool bad_y = false;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const double p = confidence[i];
    const std::uint8_t y = outcome[i];
    bad_p |= !(p >= 0.0 && p <= 1.0);
    bad_y |= y > 1;
    keys[i] = pack(p, y & 1);
  }
  if (auto why = bad_values(bad_p, bad_y); !why.empty()) return why;
  radix_sort(keys);
  return {};
}

struct BinSums {
  std::size_t count = 0;
  std::size_t correct = 0;
  double sum_p = 0.0;
  double sum_p2 = 0.0;  // Σ p², with kMoments only
  double sum_py = 0.0;  // Σ p·y, with kMoments only
  double min_p = kNaN;  // equal-mass bins only
  double max_p = kNaN;
};

template <bool kMoments>
void add(BinSums& s, double p, std::uint8_t y) {
  ++s.count;
  s.correct += y;
  s.sum_p += p;
  if constexpr (kMoments) {
    s.sum_p2 += p * p;
    s.sum_py += y ? p : 0.0;
  }
}

// Equal-width edges e_i = fl(i/B); see Binning in the header.
std::vector<double> equal_width_edges(std::size_t bins) {
  std::vector<double> edges(bins + 1);
  for (std::size_t i = 0; i <= bins; ++i) {
    edges[i] = static_cast<double>(i) / static_cast<double>(bins);
  }
  return edges;
}

// Per-bin sums of equal-width bins, checking the values in the same pass.
//
// The hot loop updates one slot per item, keyed by (bin, outcome), so Σp·y and the correct count
// need no accumulator of their own: they are the slots of outcome 1. Item i goes to copy
// i mod kLanes of the slots, so that consecutive items in one bin do not wait on each other's
// stores; the copies are added up afterwards in a fixed order.
template <bool kMoments>
std::string_view equal_width_sums(std::span<const double> confidence,
                                  std::span<const std::uint8_t> outcome, std::size_t bins,
                                  std::vector<BinSums>& sums) {
  struct Slot {
    double sum_p = 0.0;
    double sum_p2 = 0.0;
    std::uint64_t count = 0;
  };
  constexpr std::size_t kLanes = 4;
  const std::vector<double> edges = equal_width_edges(bins);
  // upper[j] is where bin j ends; the last bin also holds 1, so it never ends.
  std::vector<double> upper(edges.begin() + 1, edges.end());
  upper.back() = std::numeric_limits<double>::infinity();
  const std::size_t per_lane = 2 * bins;
  std::vector<Slot> slots(kLanes * per_lane);
  const double b = static_cast<double>(bins);
  const auto last = static_cast<std::int64_t>(bins - 1);
  bool bad_p = false;
  bool bad_y = false;
  auto one = [&](std::size_t i, Slot* lane) {
    const double raw = confidence[i];
    const std::uint8_t y = outcome[i];
    const bool bad = !(raw >= 0.0 && raw <= 1.0);
    bad_p |= bad;
    bad_y |= y > 1;
    const double p = bad ? 0.0 : raw;  // keeps the index computation defined; result discarded
    // ⌊p·B⌋ is off by at most one from the bin of the edges: correct it against them.
    std::int64_t j = std::min(static_cast<std::int64_t>(p * b), last);
    j -= static_cast<std::int64_t>(p < edges[static_cast<std::size_t>(j)]);
    j += static_cast<std::int64_t>(p >= upper[static_cast<std::size_t>(j)]);
    Slot& slot = lane[2 * j + (y & 1)];
    slot.sum_p += p;
    if constexpr (kMoments) slot.sum_p2 += p * p;
    ++slot.count;
  };
  const std::size_t n = confidence.size();
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (std::size_t l = 0; l < kLanes; ++l) one(i + l, slots.data() + l * per_lane);
  }
  for (; i < n; ++i) one(i, slots.data());
  sums.assign(bins, BinSums{});
  for (std::size_t l = 0; l < kLanes; ++l) {
    for (std::size_t j = 0; j < bins; ++j) {
      const Slot& wrong = slots[l * per_lane + 2 * j];
      const Slot& right = slots[l * per_lane + 2 * j + 1];
      BinSums& to = sums[j];
      to.count += wrong.count + right.count;
      to.correct += right.count;
      to.sum_p += wrong.sum_p + right.sum_p;
      to.sum_p2 += wrong.sum_p2 + right.sum_p2;
      to.sum_py += right.sum_p;
    }
  }
  return bad_values(bad_p, bad_y);
}

// Per-bin sums of equal-mass bins from the sorted keys; see Binning in the header.
template <bool kMoments>
void equal_mass_sums(std::span<const std::uint64_t> sorted, std::size_t bins,
                     std::vector<BinSums>& sums) {
  sums.assign(bins, BinSums{});
  const std::size_t n = sorted.size();
  std::size_t bin = 0;
  for (std::size_t s = 0; s < n; ++s) {
    if (s == 0 || (sorted[s] >> 1) != (sorted[s - 1] >> 1)) {
      // A tie block starts at position s: its bin is the last b with ⌊b·n/B⌋ <= s.
      bin = std::min(((s + 1) * bins + n - 1) / n - 1, bins - 1);
    }
    const double p = key_confidence(sorted[s]);
    BinSums& sum = sums[bin];
    if (sum.count == 0) sum.min_p = p;
    sum.max_p = p;
    add<kMoments>(sum, p, static_cast<std::uint8_t>(sorted[s] & 1));
  }
}

template <bool kMoments>
std::string_view bin_sums(std::span<const double> confidence, std::span<const std::uint8_t> outcome,
                          std::size_t bins, Binning binning, std::vector<BinSums>& sums) {
  if (auto why = check_sizes(confidence, outcome); !why.empty()) return why;
  if (bins == 0) return kCalibrationNoBins;
  if (binning == Binning::equal_width) {
    return equal_width_sums<kMoments>(confidence, outcome, bins, sums);
  }
  std::vector<std::uint64_t> keys;
  if (auto why = sorted_keys(confidence, outcome, keys); !why.empty()) return why;
  equal_mass_sums<kMoments>(keys, bins, sums);
  return {};
}

}  // namespace

Reliability reliability(std::span<const double> confidence, std::span<const std::uint8_t> outcome,
                        std::size_t bins, Binning binning) {
  Reliability out;
  std::vector<BinSums> sums;
  out.reason = bin_sums<false>(confidence, outcome, bins, binning, sums);
  if (!out.reason.empty()) return out;

  const std::vector<double> edges =
      binning == Binning::equal_width ? equal_width_edges(bins) : std::vector<double>{};
  const double n = static_cast<double>(confidence.size());
  out.bins.resize(bins);
  out.ece = 0.0;
  out.mce = 0.0;
  for (std::size_t b = 0; b < bins; ++b) {
    const BinSums& s = sums[b];
    ReliabilityBin& r = out.bins[b];
    r.count = s.count;
    r.lo = edges.empty() ? s.min_p : edges[b];
    r.hi = edges.empty() ? s.max_p : edges[b + 1];
    if (s.count == 0) continue;
    const double nb = static_cast<double>(s.count);
    r.mean_confidence = s.sum_p / nb;
    r.accuracy = static_cast<double>(s.correct) / nb;
    const double gap = std::fabs(r.accuracy - r.mean_confidence);
    out.ece += nb / n * gap;
    out.mce = std::max(out.mce, gap);
  }
  return out;
}

BrierScore brier_score(std::span<const double> confidence, std::span<const std::uint8_t> outcome,
                       std::size_t bins, Binning binning) {
  BrierScore out;
  std::vector<BinSums> sums;
  out.reason = bin_sums<true>(confidence, outcome, bins, binning, sums);
  if (!out.reason.empty()) return out;

  // Σ (p − y)² = Σ p² − 2 Σ p·y + Σ y (y² = y), from the bin sums: no second pass.
  const double n = static_cast<double>(confidence.size());
  double squared = 0.0;
  for (const BinSums& s : sums) {
    squared += s.sum_p2 - 2.0 * s.sum_py + static_cast<double>(s.correct);
  }
  out.brier = squared / n;

  std::size_t correct = 0;
  for (const BinSums& s : sums) correct += s.correct;
  const double base = static_cast<double>(correct) / n;
  out.uncertainty = base * (1.0 - base);
  double rel = 0.0;
  double res = 0.0;
  double within = 0.0;
  for (const BinSums& s : sums) {
    if (s.count == 0) continue;
    const double nb = static_cast<double>(s.count);
    const double mean_p = s.sum_p / nb;
    const double mean_y = static_cast<double>(s.correct) / nb;
    rel += nb * (mean_p - mean_y) * (mean_p - mean_y);
    res += nb * (mean_y - base) * (mean_y - base);
    // Σ (p − p̄)² − 2 Σ (p − p̄)(y − ȳ) = (Σp² − n p̄²) − 2 (Σpy − n p̄ ȳ)
    within += (s.sum_p2 - nb * mean_p * mean_p) - 2.0 * (s.sum_py - nb * mean_p * mean_y);
  }
  out.reliability = rel / n;
  out.resolution = res / n;
  out.within_bin = within / n;
  return out;
}

CalibrationValue auroc(std::span<const double> confidence, std::span<const std::uint8_t> outcome) {
  CalibrationValue out;
  std::vector<std::uint64_t> keys;
  out.reason = sorted_keys(confidence, outcome, keys);
  if (!out.reason.empty()) return out;

  // Within a tie block the incorrect items sort first. Each correct item scores the incorrect
  // items below its block plus half of those in it; twice the sum keeps it an exact integer.
  std::uint64_t twice_wins = 0;
  std::uint64_t neg_below = 0;  // incorrect items in earlier blocks
  std::uint64_t pos_total = 0;
  const std::size_t n = keys.size();
  std::size_t s = 0;
  while (s < n) {
    const std::uint64_t value = keys[s] >> 1;
    std::size_t e = s;
    while (e < n && (keys[e] >> 1) == value && (keys[e] & 1) == 0) ++e;
    const std::uint64_t neg = e - s;
    while (e < n && (keys[e] >> 1) == value) ++e;
    const std::uint64_t pos = e - s - neg;
    twice_wins += pos * (2 * neg_below + neg);
    neg_below += neg;
    pos_total += pos;
    s = e;
  }
  if (pos_total == 0 || neg_below == 0) {
    out.reason = kCalibrationOneClass;
    return out;
  }
  out.value = static_cast<double>(twice_wins) /
              (2.0 * static_cast<double>(pos_total) * static_cast<double>(neg_below));
  return out;
}

RiskCoverage risk_coverage(std::span<const double> confidence,
                           std::span<const std::uint8_t> outcome) {
  RiskCoverage out;
  std::vector<std::uint64_t> keys;
  out.reason = sorted_keys(confidence, outcome, keys);
  if (!out.reason.empty()) return out;

  const std::size_t n = keys.size();
  const double nn = static_cast<double>(n);
  std::size_t blocks = 1;
  for (std::size_t i = 1; i < n; ++i) blocks += (keys[i] >> 1) != (keys[i - 1] >> 1);
  out.points.reserve(blocks);
  std::size_t accepted = 0;
  std::size_t errors = 0;
  double area = 0.0;
  std::size_t e = n;  // walk tie blocks from the most confident down: [s, e)
  while (e > 0) {
    const std::uint64_t value = keys[e - 1] >> 1;
    std::size_t s = e;
    std::size_t block_errors = 0;
    while (s > 0 && (keys[s - 1] >> 1) == value) {
      --s;
      block_errors += 1 - (keys[s] & 1);
    }
    const std::size_t block = e - s;
    accepted += block;
    errors += block_errors;
    const double risk = static_cast<double>(errors) / static_cast<double>(accepted);
    area += static_cast<double>(block) * risk;
    out.points.push_back({key_confidence(keys[s]), static_cast<double>(accepted) / nn, risk});
    e = s;
  }
  out.aurc = area / nn;
  return out;
}

SelectiveRisk selective_risk(std::span<const double> confidence,
                             std::span<const std::uint8_t> outcome, double coverage) {
  SelectiveRisk out;
  out.reason = check_sizes(confidence, outcome);
  if (out.reason.empty()) {
    bool bad_p = false;
    bool bad_y = false;
    for (std::size_t i = 0; i < confidence.size(); ++i) {
      bad_p |= !(confidence[i] >= 0.0 && confidence[i] <= 1.0);
      bad_y |= outcome[i] > 1;
    }
    out.reason = bad_values(bad_p, bad_y);
  }
  if (out.reason.empty() && !(coverage > 0.0 && coverage <= 1.0)) {
    out.reason = kCalibrationBadCoverage;
  }
  if (!out.reason.empty()) return out;

  const std::size_t n = confidence.size();
  const double target = coverage * static_cast<double>(n);
  const double nearest = std::round(target);
  const auto needed = static_cast<std::size_t>(
      std::fabs(target - nearest) <= 1e-9 * std::max(1.0, target) ? nearest : std::ceil(target));

  // The threshold is the largest confidence t with #{p >= t} >= needed: the confidence of the
  // needed-th item from the top. No sort: one selection, then one counting pass.
  std::vector<double> values(confidence.begin(), confidence.end());
  const auto kth =
      values.begin() + static_cast<std::ptrdiff_t>(n - std::max<std::size_t>(needed, 1));
  std::nth_element(values.begin(), kth, values.end());
  const double threshold = *kth;
  std::size_t accepted = 0;
  std::size_t errors = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (confidence[i] >= threshold) {
      ++accepted;
      errors += 1 - outcome[i];
    }
  }
  out.threshold = threshold;
  out.coverage = static_cast<double>(accepted) / static_cast<double>(n);
  out.risk = static_cast<double>(errors) / static_cast<double>(accepted);
  return out;
}

}  // namespace qb::stats
