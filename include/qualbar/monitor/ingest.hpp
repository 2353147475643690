#pragma once
// qualbar monitor ingest: production records in, in one pass and constant memory. Every record
// updates per-window (day and week, in the record's own UTC time) and per-slice aggregates —
// volume, category mix, input and output length, a latency sketch, cost, errors and the suite's
// model-free dimensions — and a deterministic stratified sample is kept whole. Bad lines go to a
// quarantine file with their line numbers; ingestion goes on.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "qualbar/store/store.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb::monitor {

// The monitor's id in the store: "m-" and the suite's name.
std::string monitor_id(const Suite& suite);

// The suite's dimensions scored on every record: those that ask no model and need nothing but the
// record (safety, PII, secrets, refusal, format checks), or `monitor.dimensions` when given.
std::vector<std::size_t> ingest_dimensions(const Suite& suite);

struct IngestProgress {
  std::uint64_t records = 0, bad = 0, sampled = 0, bytes = 0, duplicates = 0;
};

struct IngestOptions {
  std::string quarantine;  // file the bad lines go to (appended); "" = none is written
  std::uint64_t flush_records = 200'000;  // store the aggregates at least this often
  double flush_seconds = 2.0;             // and at least this often, for an endless stream
  bool score = true;                      // run the model-free dimensions on every record
  std::function<void(const IngestProgress&)> progress;  // after each flush
  // Stops reading at the next line when it returns true (Ctrl-C); what was read is stored.
  std::function<bool()> stop;
  // Told once when a file waits for another ingest of it to end (a sentence naming the process).
  std::function<void(const std::string&)> waiting;
  // Told of each quarantined line: its number in its source and the error.
  std::function<void(std::uint64_t line, const std::string& error)> bad_line;
  // Counts a record once per ISO week by its id: a record whose week and id this ingest or an
  // earlier one (the store remembers them) already counted is skipped as a duplicate.
  bool dedup_ids = false;
};

struct IngestSummary {
  std::uint64_t records = 0;  // good records ingested
  std::uint64_t bad = 0;      // lines quarantined
  std::uint64_t sampled = 0;  // records kept whole by the rate (top-ups are settled per week)
  std::uint64_t bytes = 0;
  std::uint64_t skipped_lines = 0;  // lines of a file already ingested by an earlier run
  std::uint64_t duplicates = 0;     // records already counted that week (dedup_ids)
  std::vector<std::string> dimensions;  // scored on every record
  std::vector<std::uint64_t> applied;   // per dimension: the records it applied to
  std::vector<std::string> weeks;       // weeks the records fell in, oldest first
  std::vector<std::string> warnings;    // e.g. a slice key's long tail folded into "(other)"
  double seconds = 0;
};

// `inputs`: file paths, or "-" for standard input (read until end of file: an endless stream
// is ingested as it comes). A file ingested before continues where that run stopped.
IngestSummary ingest(Store& store, const Suite& suite, const std::vector<std::string>& inputs,
                     const IngestOptions& options);

namespace detail {
class Ingestor;
}

// Records fed a request body at a time (qualbar serve's POST /api/v1/records and /v1/traces):
// the reading, sampling, aggregates, deduplication and quarantine of ingest(), in memory until
// flush() stores them in one transaction. Not thread-safe: one thread feeds it.
class RecordSink {
 public:
  RecordSink(Store& store, Suite suite, IngestOptions options);
  ~RecordSink();
  RecordSink(const RecordSink&) = delete;
  RecordSink& operator=(const RecordSink&) = delete;
  // The body's lines as the records of `source` (line numbers from 1); what they added.
  IngestProgress add(const std::string& source, std::string_view body);
  // An answer to store with the next flush (a request's Idempotency-Key).
  void remember(IngestAnswerRow answer);
  // Stores every record added since the last flush (and the answers), in one transaction. A sink
  // also flushes by itself as ingest() does, every flush_records records.
  void flush();
  [[nodiscard]] const Suite& suite() const { return suite_; }
  // The latest UTC day (YYYY-MM-DD) a record read by this sink fell on; "" before any.
  [[nodiscard]] std::string newest_day() const;

 private:
  Suite suite_;
  IngestOptions options_;
  std::unique_ptr<detail::Ingestor> impl_;
};

// A stratum's weekly sample floor: a critical slice's stratum (one whose values match a
// `critical_slices` entry on the stratify_by keys) gets ceil(2 · min_graded / (1 −
// expected_loss)), enough to find a 15-point drop within 4 weeks (docs/monitor.md's simulation);
// any other ceil(min_graded / pool_weeks / (1 − expected_loss)), enough to be tested over
// pool_weeks pooled. A written min_per_window replaces the second and is a lower bound on the
// first.
std::size_t stratum_floor(const MonitorSettings& m, bool critical);
// Whether the stratum with these values (one per stratify_by key, in order) is a critical slice's.
bool critical_stratum(const Suite& suite, const std::vector<std::string_view>& values);

// The sampling decision for a record id: its hash in [0, 1) under the suite's salt. A record is
// sampled when u < monitor.sample_rate, or when it is among the stratum_floor smallest u of its
// stratum's week (decided when the week has closed). The same id always gets the same u.
double sampling_hash(const std::string& salt, std::string_view id);

// Merges two stored aggregate documents (the store's merge function for monitor cells).
std::string merge_cell_json(const std::string& stored, const std::string& delta);

}  // namespace qb::monitor
