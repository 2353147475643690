// What the webhook is told of an incident over its life: opened once, updated when alerts join
// (not while acknowledged or snoozed), resolved once, opened again if it comes back.
#include <httplib.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../cli/run_qualbar.hpp"
#include "qualbar/monitor/ingest.hpp"
#include "qualbar/monitor/monitor.hpp"
#include "qualbar/store/store.hpp"

namespace qb::monitor {
namespace QB_UNITY_ID {

using test::TempDir;

class IncidentWebhook : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = open_store((dir_.work() / "s.db").string(), StoreAccess::create);
    suite_.name = "shop";
    MonitorBatch b;
    b.monitor = monitor_id(suite_);
    b.info.id = b.monitor;
    store_->monitor().commit(b);  // the monitor's row, which incidents belong to
    server_.Post("/hook", [&](const httplib::Request& req, httplib::Response& res) {
      const std::lock_guard lock(mu_);
      events_.push_back(nlohmann::json::parse(req.body));
      res.status = 200;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([&] { server_.listen_after_bind(); });
    // stop() before the server listens would leave listen_after_bind() waiting for ever.
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void TearDown() override {
    server_.stop();
    thread_.join();
  }

  // Records the incident as a status saw it; returns whether it was new.
  bool see(bool open, std::size_t alerts) {
    MonitorIncidentRow r;
    r.id = kId;
    r.json = nlohmann::json{{"id", kId}, {"open", open}}.dump();
    r.open = open;
    r.alerts = alerts;
    return !store_->monitor().record_incidents(monitor_id(suite_), {r}, "now").empty();
  }
  // The events the webhook gets from one status on `today`.
  std::vector<std::string> post(const std::string& today = "2026-12-06") {
    const std::size_t before = events_.size();
    const auto r = post_incidents(*store_, suite_, fmt::format("http://127.0.0.1:{}/hook", port_),
                                  today);
    EXPECT_TRUE(r.failures.empty());
    std::vector<std::string> out;
    const std::lock_guard lock(mu_);
    for (std::size_t i = before; i < events_.size(); ++i) {
      EXPECT_EQ(events_[i]["incident"]["id"], kId);
      EXPECT_EQ(events_[i]["monitor"], "m-shop");
      out.push_back(events_[i]["event"]);
    }
    EXPECT_EQ(r.delivered, out.size());
    return out;
  }

  static constexpr const char* kId = "helpful@2026-W10";
  using Events = std::vector<std::string>;
  TempDir dir_{"qb-incident-webhook"};
  std::unique_ptr<Store> store_;
  Suite suite_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::vector<nlohmann::json> events_;
};

TEST_F(IncidentWebhook, OpenedOnceThenUpdatedWhenAlertsJoin) {
  EXPECT_TRUE(see(true, 2));
  EXPECT_EQ(post(), Events{"incident.opened"});
  EXPECT_FALSE(see(true, 2)) << "the second status sees it again, not anew";
  EXPECT_EQ(post(), Events{});
  see(true, 3);
  EXPECT_EQ(post(), Events{"incident.updated"});
  EXPECT_EQ(post(), Events{});
}

TEST_F(IncidentWebhook, AcknowledgedItIsQuietAndASnoozeEnds) {
  see(true, 2);
  post();
  acknowledge_incident(*store_, suite_, kId, "on it", "");
  see(true, 3);
  EXPECT_EQ(post(), Events{}) << "acknowledged: no updates";
  const auto rows = store_->monitor().incidents("m-shop");
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0].ack_note, "on it");
  EXPECT_TRUE(rows[0].open) << "acknowledged is still open";
  acknowledge_incident(*store_, suite_, kId, "", "2026-12-10");
  EXPECT_EQ(post("2026-12-10"), Events{}) << "snoozed through the 10th";
  EXPECT_EQ(post("2026-12-11"), Events{"incident.updated"});
  EXPECT_THROW(acknowledge_incident(*store_, suite_, "other@2026-W01", "", ""), InputError);
  EXPECT_THROW(acknowledge_incident(*store_, suite_, kId, "", "2026-13-40"), InputError);
}

TEST_F(IncidentWebhook, ResolvedOnceAndOpenedAgainWhenItComesBack) {
  see(true, 2);
  post();
  see(false, 2);
  EXPECT_EQ(post(), Events{"incident.resolved"});
  EXPECT_EQ(post(), Events{});
  EXPECT_FALSE(store_->monitor().incidents("m-shop")[0].resolved_at.empty());
  see(true, 3);
  EXPECT_TRUE(store_->monitor().incidents("m-shop")[0].resolved_at.empty());
  EXPECT_EQ(post(), Events{"incident.opened"});
}

TEST_F(IncidentWebhook, ResolvedBeforeTheWebhookHeardOfItIsNotPosted) {
  see(false, 1);
  EXPECT_EQ(post(), Events{});
}

}  // namespace QB_UNITY_ID
}  // namespace qb::monitor
