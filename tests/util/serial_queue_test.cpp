#include "qualbar/util/serial_queue.hpp"

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "qualbar/core/error.hpp"

namespace qb {
namespace QB_UNITY_ID {

TEST(SerialQueue, RunsJobsInTheOrderPostedOnOneOtherThread) {
  SerialQueue q(2);  // fewer slots than jobs: post() waits for room
  std::vector<int> order;
  std::vector<std::thread::id> threads;
  for (int i = 0; i < 50; ++i) {
    q.post([&, i] {
      order.push_back(i);
      threads.push_back(std::this_thread::get_id());
    });
  }
  q.wait();
  ASSERT_EQ(order.size(), 50U);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
  for (const auto& t : threads) {
    EXPECT_NE(t, std::this_thread::get_id());
    EXPECT_EQ(t, threads.front());
  }
}

TEST(SerialQueue, PostReturnsWhileTheJobStillRuns) {
  SerialQueue q;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> ran{false};
  q.post([&] {
    released.wait();
    ran = true;
  });
  EXPECT_FALSE(ran) << "post() did not wait for the job";
  release.set_value();
  q.wait();
  EXPECT_TRUE(ran);
}

TEST(SerialQueue, AFailedJobDropsTheRestAndEveryLaterCallReportsIt) {
  SerialQueue q;
  std::atomic<int> ran{0};
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  q.post([&] {
    released.wait();
    throw RunError("disk full");
  });
  q.post([&] { ++ran; });  // queued behind the failing job: dropped
  EXPECT_FALSE(q.failed());
  release.set_value();
  try {
    q.wait();
    ADD_FAILURE() << "wait() returned after a job failed";
  } catch (const RunError& e) {
    EXPECT_STREQ(e.what(), "disk full");
  }
  EXPECT_TRUE(q.failed());
  EXPECT_EQ(ran, 0);
  EXPECT_THROW(q.post([&] { ++ran; }), RunError);
  EXPECT_THROW(q.wait(), RunError) << "the error stays: a second wait() reports it again";
  EXPECT_EQ(ran, 0);
}

TEST(SerialQueue, TheErrorKeepsItsType) {
  struct Special : RunError {
    using RunError::RunError;
  };
  SerialQueue q;
  q.post([] { throw Special("not recorded"); });
  EXPECT_THROW(q.wait(), Special);
}

TEST(SerialQueue, TheDestructorRunsWhatWasPostedAndDropsAnUnreportedError) {
  std::atomic<int> ran{0};
  {
    SerialQueue q;
    q.post([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      ++ran;
    });
    q.post([&] { ++ran; });
  }
  EXPECT_EQ(ran, 2);
  EXPECT_NO_THROW({
    SerialQueue q;
    q.post([] { throw RunError("never asked for"); });
  });
}

TEST(SerialQueue, AQueueNothingWasPostedToWaitsForNothing) {
  SerialQueue q;
  EXPECT_NO_THROW(q.wait());
  EXPECT_FALSE(q.failed());
}

}  // namespace QB_UNITY_ID
}  // namespace qb
