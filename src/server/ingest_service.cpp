// The writer of production records sent over HTTP (docs/ingest.md): one thread, one store
// connection, a RecordSink per monitor; requests taken from the queue as a group, each answered
// once the group is stored.
#include "server/ingest_service.hpp"

#include <algorithm>
#include <ctime>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/core/error.hpp"
#include "qualbar/monitor/ingest.hpp"
#include "qualbar/review/review.hpp"
#include "qualbar/store/store.hpp"
#include "qualbar/util/files.hpp"
#include "qualbar/util/time.hpp"
#include "server/body_buffers.hpp"
#include "server/pages.hpp"

namespace qb::server {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kListedBadLines = 100;  // in an answer; the quarantine file has them all
constexpr auto kSuiteCheck = std::chrono::seconds(5);  // how often a monitor's suite is read again
// The writer's store cache. A group's record ids fall all over the index of counted ids
// (monitor_record_ids): with SQLite's default of 2 MB its pages were read again and spilled
// mid-transaction, a third of the writer's time on 200,000 records.
constexpr std::size_t kWriterCacheBytes = 64u << 20;
// How long the writer waits for requests on their way to join the group it is about to store.
constexpr std::chrono::milliseconds kGatherWait{50};

std::string records_answer(const std::string& monitor, const monitor::IngestProgress& p,
                           const std::vector<std::pair<std::uint64_t, std::string>>& bad) {
  nlohmann::json lines = nlohmann::json::array();
  for (std::size_t i = 0; i < bad.size() && i < kListedBadLines; ++i)
    lines.push_back({{"line", bad[i].first}, {"error", bad[i].second}});
  return dump({{"monitor", monitor},
               {"records", p.records},
               {"duplicates", p.duplicates},
               {"quarantined", p.bad},
               {"sampled", p.sampled},
               {"bad_lines", lines}});
}

// The ISO week of the day a week before `day` (YYYY-MM-DD); "" when `day` is not a date.
std::string week_before(const std::string& day) {
  std::tm tm{};
  if (strptime(day.c_str(), "%Y-%m-%d", &tm) == nullptr) return "";
  const std::time_t t = timegm(&tm) - 7 * 86400;
  std::tm earlier{};
  gmtime_r(&t, &earlier);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &earlier);
  return iso_week(text);
}

std::string otlp_answer(const IngestJob& job, const monitor::IngestProgress& p,
                        const std::vector<std::pair<std::uint64_t, std::string>>& bad) {
  if (p.bad == 0) return dump(nlohmann::json::object());
  return dump(
      {{"partialSuccess",
        {{"rejectedSpans", std::to_string(p.bad)},
         {"errorMessage",
          fmt::format("{} of {} spans were quarantined by monitor {}; the first: record "
                      "{}: {}",
                      p.bad, job.spans, job.monitor, bad.front().first, bad.front().second)}}}});
}

}  // namespace

IngestService::IngestService(std::string store_path, std::size_t max_queue_bytes,
                             std::string quarantine)
    : store_path_(std::move(store_path)),
      max_queue_bytes_(max_queue_bytes),
      quarantine_(std::move(quarantine)) {
  writer_ = std::thread([this] { run(); });
}

IngestService::~IngestService() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  writer_.join();
}

bool IngestService::submit(IngestJob& job) {
  {
    const std::lock_guard lock(mutex_);
    // An empty queue takes one request of any size (it passed the body limit): a limit below
    // the largest body would refuse it for ever.
    if (stopping_ || (!queue_.empty() && queued_bytes_ + job.body.size() > max_queue_bytes_)) {
      ++refused_;
      return false;
    }
    queued_bytes_ += job.body.size();
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

IngestService::Arrival::Arrival(IngestService& service) : service_(service) {
  const std::lock_guard lock(service_.mutex_);
  ++service_.arriving_;
}

IngestService::Arrival::~Arrival() {
  {
    const std::lock_guard lock(service_.mutex_);
    --service_.arriving_;
  }
  service_.wake_.notify_all();
}

IngestService::Snapshot IngestService::snapshot() {
  const std::lock_guard lock(mutex_);
  return Snapshot{counts_, queue_.size(), queued_bytes_, refused_};
}

void IngestService::run() {
  for (;;) {
    std::vector<IngestJob> group;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      // Requests already read and on their way join this group (for at most kGatherWait): with
      // several clients sending at once, a flush then stores several requests' records and
      // merges each cell they share once. A lone client is not kept waiting: nothing arrives.
      wake_.wait_for(lock, kGatherWait, [&] { return stopping_ || arriving_ == 0; });
      // Stopping: what is still queued was never answered; its clients retry (and a record
      // counted twice is not, its id having been stored).
      if (stopping_) break;
      while (!queue_.empty()) {
        queued_bytes_ -= queue_.front().body.size();
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    ingest_group(group);
  }
}

void IngestService::ingest_group(std::vector<IngestJob>& group) {
  std::vector<Answered> answers(group.size());
  std::map<std::string, Answered> keys;  // this group's answers by idempotency key
  std::vector<MonitorSink*> touched;
  try {
    if (!store_) {
      store_ = open_store(store_path_, StoreAccess::existing);
      store_->set_cache_bytes(kWriterCacheBytes);
    }
    // One transaction for the group: each record's id is looked up in the store, and outside a
    // transaction every lookup would take and release SQLite's file locks (8 MB of records
    // took 1.2 s). Other writers wait for the group, a fraction of a second.
    const auto unit = store_->begin();
    for (std::size_t i = 0; i < group.size(); ++i) {
      try {
        answers[i] = ingest_one(group[i], keys, touched);
      } catch (const HttpError& e) {
        answers[i] = {e.status(), Response::error(e.status(), e.what()).body};
      } catch (const InputError& e) {
        answers[i] = {400, Response::error(400, e.what()).body};
      }
    }
    for (MonitorSink* s : touched) s->sink->flush();
    for (auto& [monitor, s] : sinks_)
      if (std::find(touched.begin(), touched.end(), &s) != touched.end())
        forget_old_ids(monitor, s);
    unit->commit();
  } catch (const std::exception& e) {
    // Nothing of the group may be half stored in memory: the sinks start afresh, and every
    // request of the group is told to retry (the ids of what was stored are known).
    std::cerr << fmt::format("qualbar serve: storing production records failed: {}\n", e.what());
    sinks_.clear();
    store_.reset();
    for (Answered& a : answers)
      a = {503, Response::error(503, "the records could not be stored; retry later").body};
  }
  for (std::size_t i = 0; i < group.size(); ++i) {
    Response r = Response::json(std::move(answers[i].body), answers[i].status);
    if (r.status == 503) r.headers.emplace_back("Retry-After", "1");
    if (answers[i].replayed) r.headers.emplace_back("Idempotent-Replayed", "true");
    group[i].send(std::move(r));
    recycle_body_buffer(group[i].body);
  }
}

IngestService::Answered IngestService::ingest_one(IngestJob& job,
                                                  std::map<std::string, Answered>& keys,
                                                  std::vector<MonitorSink*>& touched) {
  if (!job.idempotency.empty()) {
    if (const auto it = keys.find(job.idempotency); it != keys.end())
      return {it->second.status, it->second.body, true};
    if (const auto stored = store_->monitor().ingest_answer(job.idempotency))
      return {stored->status, stored->answer, true};
  }
  MonitorSink& s = sink_for(job.monitor);
  bad_lines_.clear();
  const monitor::IngestProgress p = s.sink->add(job.source, job.body);
  {
    const std::lock_guard lock(mutex_);
    Counts& c = counts_[job.monitor];
    c.received += p.records + p.bad;
    c.quarantined += p.bad;
    c.duplicates += p.duplicates;
  }
  const std::string body =
      job.otlp ? otlp_answer(job, p, bad_lines_) : records_answer(job.monitor, p, bad_lines_);
  if (!job.idempotency.empty()) {
    s.sink->remember({job.idempotency, 200, body});
    keys[job.idempotency] = {200, body};
  }
  if (std::find(touched.begin(), touched.end(), &s) == touched.end()) touched.push_back(&s);
  return {200, body};
}

// A record counts once in its week while that week is the newest the monitor has records of or
// the one before (the newest by the clock at most: a record from the future moves nothing). The
// ids of older weeks are forgotten as the newest week moves on, so the store keeps about two
// weeks of ids rather than every id it ever counted; a record of an older week sent again is
// counted again.
void IngestService::forget_old_ids(const std::string& monitor, MonitorSink& s) {
  const std::string newest = s.sink->newest_day();
  if (newest.empty()) return;
  const std::string keep_from = week_before(std::min(newest, now_rfc3339().substr(0, 10)));
  if (keep_from.empty() || keep_from <= s.forgotten_before) return;
  store_->monitor().forget_record_ids(monitor, keep_from);
  s.forgotten_before = keep_from;
}

// The monitor's sink, made from the suite stored with it (`monitor ingest` stores it); made
// again when the stored suite changed (a later `monitor ingest` with an edited suite).
IngestService::MonitorSink& IngestService::sink_for(const std::string& monitor_id) {
  MonitorSink& s = sinks_[monitor_id];
  const auto now = Clock::now();
  if (s.sink && now - s.checked < kSuiteCheck) return s;
  const review::RunData run = review::load_run_data(*store_, monitor_id, /*with_cases=*/false);
  s.checked = now;
  if (s.sink && run.stored.suite_text == s.suite_text) return s;
  if (s.sink) s.sink->flush();
  monitor::IngestOptions o;
  o.quarantine = quarantine_;
  o.dedup_ids = true;
  o.bad_line = [this](std::uint64_t line, const std::string& error) {
    bad_lines_.emplace_back(line, error);
  };
  s.sink = std::make_unique<monitor::RecordSink>(*store_, run.suite, std::move(o));
  s.suite_text = run.stored.suite_text;
  return s;
}

}  // namespace qb::server
