// Back-pressure of production records over HTTP: a request that finds the ingest queue full is
// answered 429 with Retry-After, none of its records is taken, and /metrics counts the refusal.
// The served demo here has a queue of one byte (--ingest-queue-bytes 1): it takes a request only
// when none waits.
#include <future>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "qualbar/store/store.hpp"
#include "serve_fixture.hpp"

namespace qb {
namespace QB_UNITY_ID {

using nlohmann::json;

class ServeIngestQueue : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { demo_ = new test::ServedDemo({"--ingest-queue-bytes", "1"}); }
  static void TearDownTestSuite() {
    delete demo_;
    demo_ = nullptr;
  }

  static std::unique_ptr<Store> store() {
    return open_store((demo_->dir().work() / "s.db").string(), StoreAccess::existing);
  }

  static httplib::Result post(const std::string& body) {
    auto c = demo_->with_token("records:write");
    c.set_read_timeout(std::chrono::seconds(30));
    return c.Post("/api/v1/records?suite=support-assistant-demo", body, "application/x-ndjson");
  }

  // Two records of week 2026-W41 whose ids start with `prefix`.
  static std::string records(const std::string& prefix) {
    return R"({"id":")" + prefix + R"(-1","ts":"2026-10-05T10:00:00Z","output":"ok"})" + "\n" +
           R"({"id":")" + prefix + R"(-2","ts":"2026-10-06T10:00:00Z","output":"ok"})" + "\n";
  }

  static std::uint64_t week_volume(const std::string& week) {
    for (const MonitorCellRow& c : store()->monitor().cells("m-support-assistant-demo"))
      if (c.slice.empty() && c.window == week) return json::parse(c.data)["volume"];
    return 0;
  }

  // The value of a sample in /metrics (its name and labels as written there); 0 when absent.
  static double metric(const std::string& sample) {
    auto reader = demo_->with_token("read");
    const auto r = reader.Get("/metrics");
    if (!r || r->status != 200) throw std::runtime_error("GET /metrics failed");
    const auto at = r->body.find("\n" + sample + " ");
    if (at == std::string::npos) return 0;
    return std::stod(r->body.substr(at + sample.size() + 2));
  }
  // Requests to POST /api/v1/records handed on (to the queue, or refused).
  static double posts() {
    return metric(
        R"(qualbar_http_request_duration_seconds_count{route="/api/v1/records",method="POST"})");
  }

  static inline test::ServedDemo* demo_ = nullptr;
};

TEST_F(ServeIngestQueue, AFullQueueAnswers429WithRetryAfterAndTakesNothing) {
  const std::uint64_t before = week_volume("2026-W41");
  const double refused_before = metric("qualbar_ingest_refused_total");
  std::future<httplib::Result> first, second;
  {
    // Another process holds the store's write lock: the writer waits on the first request, the
    // second waits in the queue, and the queue is full.
    const auto holder = store();
    const auto unit = holder->begin();
    const double posted = posts();
    first = std::async(std::launch::async, [] { return post(records("queue-a")); });
    // Handed on, then taken by the writer (which waits for the lock with it).
    for (int i = 0; i < 400 && posts() < posted + 1; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    for (int i = 0; i < 400 && metric("qualbar_ingest_queue_requests") > 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_EQ(metric("qualbar_ingest_queue_requests"), 0);
    second = std::async(std::launch::async, [] { return post(records("queue-b")); });
    for (int i = 0; i < 400 && metric("qualbar_ingest_queue_requests") < 1; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_EQ(metric("qualbar_ingest_queue_requests"), 1);

    const auto refused = post(records("queue-c"));
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 429) << refused->body;
    EXPECT_EQ(refused->get_header_value("Retry-After"), "1");
    EXPECT_NE(refused->body.find("the ingest queue is full"), std::string::npos) << refused->body;
    EXPECT_EQ(metric("qualbar_ingest_refused_total"), refused_before + 1);
    unit->commit();
  }
  const auto a = first.get();
  const auto b = second.get();
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_EQ(a->status, 200) << a->body;
  EXPECT_EQ(b->status, 200) << b->body;
  // The two taken requests' records are stored whole; the refused one's none.
  EXPECT_EQ(week_volume("2026-W41"), before + 4);
  EXPECT_EQ(metric("qualbar_ingest_queue_requests"), 0);

  // Sent again once the queue has room, it is taken.
  const auto retried = post(records("queue-c"));
  ASSERT_TRUE(retried);
  EXPECT_EQ(retried->status, 200) << retried->body;
  EXPECT_EQ(json::parse(retried->body)["records"], 2);
  EXPECT_EQ(week_volume("2026-W41"), before + 6);
}

}  // namespace QB_UNITY_ID
}  // namespace qb
