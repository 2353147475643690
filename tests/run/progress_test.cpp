#include "qualbar/run/progress.hpp"

#include <sstream>

#include <gtest/gtest.h>

namespace qb {
namespace QB_UNITY_ID {

using namespace std::chrono_literals;

struct FakeClock {
  std::chrono::steady_clock::time_point now{};
  Progress::Clock fn() {
    return [this] { return now; };
  }
};

Response ok(double cost = 0.0, std::int64_t tokens = 0) {
  Response r;
  if (cost > 0) r.edit_details().cost_usd = cost;
  if (tokens > 0) r.edit_details().usage = Usage{tokens, 0};
  return r;
}

Response failed() {
  Response r;
  r.error = "timeout";
  return r;
}

TEST(Progress, PlainLinesEveryIntervalWithRateErrorsEtaTokensAndSpend) {
  FakeClock clock;
  std::ostringstream out;
  Progress p(out, 10, /*live=*/false, 5s, clock.fn());
  clock.now += 1s;
  p.done(ok(0.01, 100));  // not due yet: nothing printed
  EXPECT_EQ(out.str(), "");
  clock.now += 4s;  // 5 s since start: 2 cases in 5 s
  p.done(failed());
  EXPECT_EQ(out.str(), "qualbar: 2/10 cases · 0.4/s · 1 error · ETA 20 s · 100 tokens · $0.0100\n");
  p.finish();
  EXPECT_EQ(out.str().substr(out.str().find('\n') + 1),
            "qualbar: done: 2/10 cases · 0.4/s · 1 error · ETA 20 s · 100 tokens · $0.0100\n");
}

TEST(Progress, ALiveLineIsRewrittenInPlaceAfterTheFirstSecond) {
  FakeClock clock;
  std::ostringstream out;
  Progress p(out, 3, /*live=*/true, 5s, clock.fn());
  clock.now += 500ms;
  p.done(ok());  // within the first second: silent
  EXPECT_EQ(out.str(), "");
  clock.now += 500ms;
  p.done(ok());
  clock.now += 1s;
  p.done(ok());
  p.finish();
  EXPECT_EQ(out.str(),
            "\r\033[K2/3 cases · 2.0/s · 0 errors · ETA 0 s"
            "\r\033[K3/3 cases · 1.5/s · 0 errors"
            "\r\033[K3/3 cases · 1.5/s · 0 errors\n");
}

TEST(Progress, AQuickRunPrintsNothing) {
  FakeClock clock;
  std::ostringstream out;
  Progress p(out, 2, /*live=*/false, 5s, clock.fn());
  p.done(ok());
  p.done(ok());
  p.finish();
  EXPECT_EQ(out.str(), "");
}

TEST(Progress, RetriesAreCountedAndAResumedRunsEarlierAnswersAreNotInTheRate) {
  FakeClock clock;
  std::ostringstream out;
  Progress p(out, 10, /*live=*/false, 5s, clock.fn());
  p.already_done(6);  // answered before the run was resumed
  p.retrying("HTTP 429, retrying in 1.0 s");
  p.retrying("HTTP 500, retrying in 0.5 s");
  clock.now += 5s;
  p.answered(ok());
  // 1 new answer in 5 s: 0.2/s, and 3 cases left at that rate.
  EXPECT_EQ(out.str(), "qualbar: 7/10 cases · 0.2/s · 0 errors · 2 retries · ETA 15 s\n");
}

}  // namespace QB_UNITY_ID
}  // namespace qb
