#include "server/monitor_timer.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "qualbar/core/error.hpp"
#include "qualbar/monitor/monitor.hpp"
#include "qualbar/review/review.hpp"
#include "qualbar/store/store.hpp"
#include "qualbar/util/files.hpp"
#include "qualbar/util/secret.hpp"
#include "qualbar/util/text.hpp"

namespace qb::server {
namespace {

constexpr const char* kLease = "monitor";

// Seconds until the next Monday 00:00 UTC, when a monitor's week closes.
std::int64_t seconds_to_week_end() {
  const std::int64_t now = std::time(nullptr);
  const std::int64_t day = now / 86400;
  const std::int64_t monday = day - (day + 3) % 7;  // 1970-01-01 was a Thursday
  return (monday + 7) * 86400 - now;
}

// How long this process holds the lease after taking it: past the next evaluation, so that it
// keeps it while it lives, and short enough that another process takes over soon after it dies.
int lease_seconds(std::uint32_t every_s) {
  return static_cast<int>(std::max<std::uint32_t>(2 * every_s + 30, 120));
}

}  // namespace

std::size_t evaluate_monitors(Store& store, const std::string& webhook, std::ostream& log) {
  std::size_t opened = 0;
  for (const RunInfo& info : store.runs().list_runs(100'000)) {
    if (info.status != RunStatus::monitor) continue;
    try {
      const review::RunData run = review::load_run_data(store, info.id, /*with_cases=*/false);
      monitor::StatusInput in;
      try {
        in = monitor::gather_status(store, run.suite);
      } catch (const InputError&) {
        continue;  // no production records yet: nothing to evaluate
      }
      monitor::MonitorStatus status = monitor::compute_status(in, run.suite.monitor);
      const auto fresh = monitor::record_incidents(store, run.suite, status);
      opened += fresh.size();
      if (!fresh.empty())
        log << fmt::format("qualbar serve: monitor {}: new incident(s) {}\n", info.id,
                           fmt::join(fresh, ", "));
      if (webhook.empty()) continue;
      const auto sent =
          monitor::post_incidents(store, run.suite, webhook, now_rfc3339().substr(0, 10));
      for (const auto& line : sent.failures)
        log << fmt::format("qualbar serve: monitor {}: {}\n", info.id, display_text(line));
    } catch (const std::exception& e) {
      log << fmt::format("qualbar serve: monitor {} not evaluated: {}\n", info.id,
                         display_text(e.what()));
    }
  }
  log.flush();
  return opened;
}

MonitorTimer::MonitorTimer(std::string store_path, std::uint32_t every_s, std::string webhook)
    : store_path_(std::move(store_path)), every_s_(every_s), webhook_(std::move(webhook)) {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  holder_ = fmt::format("{}:{}:{}", host, ::getpid(), random_secret(6));
  thread_ = std::thread([this] { loop(); });
}

MonitorTimer::~MonitorTimer() {
  {
    const std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void MonitorTimer::loop() {
  std::unique_ptr<Store> store;
  for (;;) {
    try {
      if (!store) store = open_store(store_path_, StoreAccess::existing);
      if (store->monitor().take_lease(kLease, holder_, lease_seconds(every_s_)))
        (void)evaluate_monitors(*store, webhook_, std::cerr);
    } catch (const std::exception& e) {
      std::cerr << fmt::format("qualbar serve: the monitors were not evaluated: {}\n",
                               display_text(e.what()));
      store.reset();  // opened again next time
    }
    const auto wait =
        std::chrono::seconds(std::min<std::int64_t>(every_s_, seconds_to_week_end() + 1));
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, wait, [this] { return stop_; })) break;
  }
  try {
    if (store) store->monitor().release_lease(kLease, holder_);
  } catch (const std::exception&) {
    // The lease expires by itself.
  }
}

}  // namespace qb::server
