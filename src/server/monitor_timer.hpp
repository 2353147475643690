#pragma once
// The monitors evaluated by qualbar serve itself (docs/monitor.md, "Incidents without a
// command"): on a timer and when a week closes, every monitor's status computed as `qualbar
// monitor status` does, its incidents recorded and the webhook told. Several serve processes on
// one store take turns through a lease in the store, so each incident is opened, and posted,
// once. Internal.

#include <condition_variable>
#include <cstdint>
#include <iosfwd>
#include <mutex>
#include <string>
#include <thread>

namespace qb {
class Store;
}

namespace qb::server {

// Every monitor of the store, once: status, incidents recorded, the webhook told (when `webhook`
// is not ""). What goes wrong with one monitor is written to `log` and the next one is evaluated.
// Returns the number of incidents opened.
std::size_t evaluate_monitors(Store& store, const std::string& webhook, std::ostream& log);

class MonitorTimer {
 public:
  // Starts evaluating at once, then every `every_s` seconds and at each week's end (Monday 00:00
  // UTC), while this process holds the store's "monitor" lease.
  MonitorTimer(std::string store_path, std::uint32_t every_s, std::string webhook);
  // Stops (an evaluation in progress finishes first) and gives the lease up.
  ~MonitorTimer();
  MonitorTimer(const MonitorTimer&) = delete;
  MonitorTimer& operator=(const MonitorTimer&) = delete;

 private:
  void loop();

  std::string store_path_;
  std::uint32_t every_s_;
  std::string webhook_;
  std::string holder_;  // this process, as the lease names it
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace qb::server
