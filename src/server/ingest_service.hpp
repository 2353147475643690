#pragma once
// Production records sent to qualbar serve go through one queue to one writer thread with its own
// store connection: the same RecordSink as `monitor ingest` (sampling, aggregates, quarantine),
// a sink per monitor. The writer takes every request waiting, ingests them, stores them in one
// transaction per monitor, then answers each (a request is answered once its records are in the
// store). The queue holds at most a set number of bytes; a request past it is refused (429), never
// dropped silently. Internal.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server/http.hpp"

namespace qb {
class Store;
namespace monitor {
class RecordSink;
}
}  // namespace qb

namespace qb::server {

struct IngestJob {
  std::string monitor;                         // the monitor's run id (m-SUITE)
  std::string source;                          // names the request in the quarantine file
  std::string body;                            // production records, one a line
  std::string idempotency;                     // "" or who sent it and their Idempotency-Key
  bool otlp = false;                           // answered as OTLP's ExportTraceServiceResponse
  std::uint64_t spans = 0, skipped_spans = 0;  // of an OTLP request
  std::function<void(Response)> send;
};

class IngestService {
 public:
  // `quarantine`: the file bad lines are appended to.
  IngestService(std::string store_path, std::size_t max_queue_bytes, std::string quarantine);
  ~IngestService();
  IngestService(const IngestService&) = delete;
  IngestService& operator=(const IngestService&) = delete;

  // Queues the job for the writer; false (the job untouched) when the queue is full.
  bool submit(IngestJob& job);

  // A request on its way to the queue: read, its records being made (OTLP spans converted). The
  // writer, about to store what is queued, waits a moment for such requests to join the group:
  // stored together, the cells they share are merged and written once instead of once each.
  // Held from the start of the request's handler until its job is submitted (or refused).
  class Arrival {
   public:
    explicit Arrival(IngestService& service);
    ~Arrival();
    Arrival(const Arrival&) = delete;
    Arrival& operator=(const Arrival&) = delete;

   private:
    IngestService& service_;
  };
  [[nodiscard]] std::shared_ptr<Arrival> arriving() { return std::make_shared<Arrival>(*this); }

  // What this process was sent since it started, per monitor, and what waits (for /metrics).
  struct Counts {
    std::uint64_t received = 0;     // records sent (good and bad, duplicates included)
    std::uint64_t quarantined = 0;  // lines that were not records
    std::uint64_t duplicates = 0;   // records already counted in their week
    std::uint64_t refused = 0;      // requests answered 429: the queue was full
  };
  struct Snapshot {
    std::map<std::string, Counts> monitors;  // by monitor id (m-SUITE)
    std::size_t queued_requests = 0, queued_bytes = 0;
    std::uint64_t refused = 0;
  };
  [[nodiscard]] Snapshot snapshot();

 private:
  struct Answered {
    int status = 200;
    std::string body;
    bool replayed = false;
  };
  struct MonitorSink {
    std::string suite_text;
    std::unique_ptr<monitor::RecordSink> sink;
    std::chrono::steady_clock::time_point checked;
    std::string forgotten_before;  // the week whose older weeks' ids were forgotten last
  };
  void run();
  void ingest_group(std::vector<IngestJob>& group);
  Answered ingest_one(IngestJob& job, std::map<std::string, Answered>& keys,
                      std::vector<MonitorSink*>& touched);
  MonitorSink& sink_for(const std::string& monitor);
  void forget_old_ids(const std::string& monitor, MonitorSink& s);

  std::string store_path_;
  std::size_t max_queue_bytes_;
  std::string quarantine_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<IngestJob> queue_;
  std::size_t queued_bytes_ = 0;
  std::size_t arriving_ = 0;  // requests holding an Arrival
  std::map<std::string, Counts> counts_;  // under mutex_
  std::uint64_t refused_ = 0;             // under mutex_
  bool stopping_ = false;
  // The writer's own: its store connection, a sink per monitor, the bad lines of the request
  // being read.
  std::unique_ptr<Store> store_;
  std::map<std::string, MonitorSink> sinks_;
  std::vector<std::pair<std::uint64_t, std::string>> bad_lines_;
  std::thread writer_;
};

}  // namespace qb::server
