#include "qualbar/monitor/status.hpp"

#include <array>
#include <cmath>
#include <cstdint>

namespace qb::monitor {

namespace {

std::size_t compute_bin(std::size_t length) {
  if (length == 0) return 0;
  const double x = static_cast<double>(length);
  auto b = static_cast<std::size_t>(std::floor(4.0 * std::log2(x))) + 1;
  if (b >= kLengthBins) return kLengthBins - 1;  // the last bin is open-ended
  // log2 may round across an edge: the edges themselves decide.
  while (b > 1 && x < LengthHistogram::bin_lower(b)) --b;
  while (b + 1 < kLengthBins && x >= LengthHistogram::bin_lower(b + 1)) ++b;
  return b;
}

// Every record adds two lengths to several cells: the common lengths are looked up.
constexpr std::size_t kTable = 1 << 16;
const std::array<std::uint8_t, kTable>& table() {
  static const auto t = [] {
    std::array<std::uint8_t, kTable> out{};
    for (std::size_t n = 0; n < kTable; ++n) out[n] = static_cast<std::uint8_t>(compute_bin(n));
    return out;
  }();
  return t;
}

}  // namespace

std::size_t LengthHistogram::bin_of(std::size_t length) {
  return length < kTable ? table()[length] : compute_bin(length);
}

double LengthHistogram::bin_lower(std::size_t bin) {
  if (bin == 0) return 0.0;
  return std::exp2(static_cast<double>(bin - 1) / 4.0);
}

void LengthHistogram::add(std::size_t length) { ++counts[bin_of(length)]; }

void LengthHistogram::merge(const LengthHistogram& other) {
  for (std::size_t b = 0; b < kLengthBins; ++b) counts[b] += other.counts[b];
}

std::uint64_t LengthHistogram::total() const {
  std::uint64_t t = 0;
  for (const auto c : counts) t += c;
  return t;
}

}  // namespace qb::monitor
