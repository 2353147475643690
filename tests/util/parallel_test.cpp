#include "qualbar/util/parallel.hpp"

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace qb {
namespace QB_UNITY_ID {

// Every piece runs once, each with a thread number below the count asked for, and no thread
// number is running two pieces at once (what a buffer per thread number relies on).
TEST(ParallelForThreads, EachPieceOnceAndOneAtATimePerThreadNumber) {
  constexpr std::size_t kPieces = 2000, kThreads = 4;
  std::vector<std::atomic<int>> runs(kPieces);
  std::vector<std::atomic<int>> busy(kThreads);
  std::atomic<bool> overlapped{false}, out_of_range{false};
  parallel_for_threads(
      kPieces,
      [&](std::size_t piece, std::size_t thread) {
        if (thread >= kThreads) {
          out_of_range = true;
          return;
        }
        if (busy[thread]++ != 0) overlapped = true;
        ++runs[piece];
        std::this_thread::yield();
        --busy[thread];
      },
      true, kThreads);
  EXPECT_FALSE(out_of_range);
  EXPECT_FALSE(overlapped);
  for (std::size_t i = 0; i < kPieces; ++i) ASSERT_EQ(runs[i], 1) << "piece " << i;
}

// Not parallel: the pieces run in order, all on thread number 0.
TEST(ParallelForThreads, NotParallelRunsInOrderOnTheCallingThread) {
  std::vector<std::size_t> order;
  const auto me = std::this_thread::get_id();
  bool elsewhere = false;
  parallel_for_threads(
      5,
      [&](std::size_t piece, std::size_t thread) {
        order.push_back(piece * 10 + thread);
        if (std::this_thread::get_id() != me) elsewhere = true;
      },
      false, 4);
  EXPECT_EQ(order, (std::vector<std::size_t>{0, 10, 20, 30, 40}));
  EXPECT_FALSE(elsewhere);
}

// A piece's exception reaches the caller once every thread has stopped.
TEST(ParallelForThreads, APiecesErrorIsRethrown) {
  EXPECT_THROW(parallel_for_threads(
                   100,
                   [](std::size_t piece, std::size_t) {
                     if (piece == 37) throw std::runtime_error("piece 37");
                   },
                   true, 2),
               std::runtime_error);
}

}  // namespace QB_UNITY_ID
}  // namespace qb
