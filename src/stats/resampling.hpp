#pragma once
// Internals shared by the resampling functions (bootstrap.cpp, permutation.cpp): work split into
// fixed blocks of resamples, each with its own random stream, so that the result does not depend
// on the number of threads; detection of "few distinct values"; a Boost.Random adaptor for Rng.

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <mutex>
#include <span>
#include <string_view>
#include <thread>
#include <vector>

#include "finite.hpp"
#include "qualbar/stats/random.hpp"

namespace qb::stats::detail {

// Resamples per block. Block b always covers resamples [b·kBlock, (b+1)·kBlock) and draws from
// Rng(seed, b): part of the reproducibility contract, so changing it changes every interval.
inline constexpr std::size_t kBlock = 64;

// Reasons shared by the bootstrap and the permutation test (and kNonFinite, finite.hpp).
inline constexpr std::string_view kLengthMismatch = "paired samples differ in length";

// The number of threads to use: `requested`, or the hardware's when 0, never more than `blocks`.
inline unsigned thread_count(unsigned requested, std::size_t blocks) {
  unsigned t = requested != 0 ? requested : std::max(1U, std::thread::hardware_concurrency());
  return static_cast<unsigned>(std::min<std::size_t>(t, std::max<std::size_t>(blocks, 1)));
}

// Calls fn(block, worker) for every block in [0, blocks), spread over `threads` threads
// (worker in [0, threads) indexes per-thread scratch space). Which thread runs a block does not
// matter: a block's result depends only on the block. An exception in any worker stops the others
// from taking new blocks and is rethrown here, on the calling thread, once every worker is joined
// (one escaping a thread would end the process).
template <class Fn>
void for_each_block(std::size_t blocks, unsigned threads, Fn&& fn) {
  if (threads <= 1 || blocks <= 1) {
    for (std::size_t b = 0; b < blocks; ++b) fn(b, 0U);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::mutex failed_mutex;
  std::exception_ptr failed;
  auto work = [&](unsigned worker) {
    try {
      for (std::size_t b = next.fetch_add(1); b < blocks; b = next.fetch_add(1)) fn(b, worker);
    } catch (...) {
      next.store(blocks);
      const std::lock_guard<std::mutex> lock(failed_mutex);
      if (!failed) failed = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (unsigned w = 1; w < threads; ++w) pool.emplace_back(work, w);
  work(0);
  for (auto& t : pool) t.join();
  if (failed) std::rethrow_exception(failed);
}

// Up to max_distinct (at most kMaxDistinct) distinct values (exact ==) of a sample with their
// counts, in order of first appearance. `found` is false when there are more (the sample is then
// "continuous") or a NaN.
inline constexpr std::size_t kMaxDistinct = 16;

struct DistinctValues {
  std::vector<double> values;
  std::vector<std::size_t> counts;
  bool found = false;
};

inline DistinctValues distinct_values(std::span<const double> xs, std::size_t max_distinct) {
  max_distinct = std::min(max_distinct, kMaxDistinct);
  double values[kMaxDistinct];
  std::size_t counts[kMaxDistinct] = {};
  std::size_t used = 0;
  for (const double x : xs) {
    std::size_t k = 0;
    while (k < used && values[k] != x) ++k;
    if (k < used) {
      ++counts[k];
      continue;
    }
    if (used == max_distinct || std::isnan(x)) return DistinctValues{};
    values[used] = x;
    counts[used++] = 1;
  }
  DistinctValues out;
  out.values.assign(values, values + used);
  out.counts.assign(counts, counts + used);
  out.found = true;
  return out;
}

// Uniform indices in [0, n), 0 < n < 2^32, two from each 64-bit output of Rng: Lemire's
// multiply-shift on each 32-bit half, rejecting the rare values that would bias it (and drawing
// 32 fresh bits instead). Exact, and about a third faster than two calls of Rng::below.
// Every index path draws through this, a pair per two items, so all see the same indices.
inline constexpr std::uint64_t kMaxIndexed = 0xFFFFFFFFULL;

class IndexPairs {
 public:
  IndexPairs(Rng& rng, std::uint32_t n) : rng_(&rng), n_(n), threshold_((0U - n) % n) {}

  void next(std::uint32_t& first, std::uint32_t& second) {
    const std::uint64_t word = rng_->next();
    first = scale(static_cast<std::uint32_t>(word));
    second = scale(static_cast<std::uint32_t>(word >> 32));
  }

 private:
  std::uint32_t scale(std::uint32_t r) {
    std::uint64_t m = std::uint64_t{r} * n_;
    while (static_cast<std::uint32_t>(m) < threshold_) {
      m = std::uint64_t{static_cast<std::uint32_t>(rng_->next())} * n_;
    }
    return static_cast<std::uint32_t>(m >> 32);
  }

  Rng* rng_;
  std::uint64_t n_;
  std::uint32_t threshold_;
};

// Rng as a uniform random bit generator for Boost.Random (and <random>) distributions.
class RngBits {
 public:
  using result_type = std::uint64_t;
  explicit RngBits(Rng& rng) : rng_(&rng) {}
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }
  result_type operator()() { return rng_->next(); }

 private:
  Rng* rng_;
};

}  // namespace qb::stats::detail
