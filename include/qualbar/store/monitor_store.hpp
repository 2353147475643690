#pragma once
// The monitor's store: per-window aggregates, the sampled records, stratum volumes, how far each
// input file was read, and the alerts raised (docs/monitor.md). One concern of a Store
// (store/store.hpp); SQLite implements it (src/store/sqlite_monitor_store.cpp). A monitor is also a
// row of the runs (status "monitor"), so its sample is reviewed like a run's answers.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "qualbar/core/run_info.hpp"

namespace qb {

// Aggregates of one window × slice cell, as a JSON document whose meaning is the monitor's; the
// store only merges a new delta into the stored document with the monitor's merge function.
struct MonitorCellRow {
  std::string window;  // "2026-W47" (a week) or "2026-11-20" (a day)
  std::string slice;   // "" for every record, else the slice ("category")
  std::string value;   // "" for every record, else the value ("refunds")
  std::string data;    // JSON
};

// A sampled production record, kept whole: its case line and its response line. `u` is the
// record's sampling hash in [0, 1); `topup` marks a record kept only to give its stratum its
// weekly minimum (it may be dropped while the week still receives records).
struct MonitorSampleRow {
  std::string id;
  std::string ts;
  std::string week;
  std::string stratum;
  double u = 0;
  bool topup = false;
  std::string case_json;
  std::string response_json;
};

// Records of a stratum in a week: the volume the sample stands for.
struct MonitorStratumRow {
  std::string week;
  std::string stratum;
  std::uint64_t volume = 0;
};

// How far an input file has been read, so a rerun continues where the last one stopped.
struct MonitorCheckpoint {
  std::string source;    // the path as given
  std::string identity;  // device, inode and a hash of the first bytes: the same file
  std::uint64_t offset = 0;
  std::uint64_t lines = 0;
};

// The answer to a request that carried an Idempotency-Key: a retry is answered with it.
struct IngestAnswerRow {
  std::string key;  // who sent it and their key
  int status = 200;
  std::string answer;  // the JSON body sent
};

// One flush of an ingest process, stored in one transaction.
struct MonitorBatch {
  std::string monitor;  // the run id of the monitor ("m-" and the suite's name)
  RunInfo info;         // the monitor's record in `runs`, created on the first batch
  std::string suite_text;
  std::vector<std::string> dimensions;
  std::vector<MonitorCellRow> cells;
  std::function<std::string(const std::string& stored, const std::string& delta)> merge;
  std::vector<MonitorSampleRow> samples;  // a record already stored is left as it is
  std::vector<MonitorStratumRow> strata;  // added to the stored volumes
  // Top-up records: per (week, stratum) only the stratum's `topup_keep` smallest u among all its
  // kept records survive (docs/monitor.md, sampling); a stratum not listed keeps every top-up.
  std::map<std::string, std::size_t> topup_keep;
  std::optional<MonitorCheckpoint> checkpoint;
  // Records counted by this batch, by the hash of their week and id (record_seen answers for
  // them once the batch is stored).
  std::vector<std::pair<std::string, std::uint64_t>> record_ids;  // (week, key)
  // Answers of requests this batch completes, stored with it (ingest_answer finds them).
  std::vector<IngestAnswerRow> answers;
};

// An incident as `monitor status` last saw it, who acknowledged it, and what the webhook was
// told of it.
struct MonitorIncidentRow {
  std::string id;
  std::string json;  // the incident as the status's JSON has it
  bool open = true;
  std::size_t alerts = 0;  // detector alerts that make it up
  std::string opened_at, resolved_at;  // when a status first saw it open, then resolved
  std::string acked_by, acked_at, ack_note;
  std::string snooze_until;  // YYYY-MM-DD: no webhook updates before this day ("" none)
  std::string sent_state;    // "" nothing sent yet, "open" or "resolved": the last event sent
  std::size_t sent_alerts = 0;  // its alerts when the webhook was last told
  // Resolved by hand (`monitor resolve`): by whom, when, why, and the newest week then; "" when not.
  std::string closed_by, closed_at, close_note, closed_week;
};

class MonitorStore {
 public:
  virtual ~MonitorStore() = default;
  // One flush of an ingest, in one transaction: the monitor's row (created on the first batch),
  // the cells merged, the samples kept and trimmed, the strata's volumes, the file's checkpoint.
  virtual void commit(const MonitorBatch& batch) = 0;
  // Whether a record with this key (a hash of its week and id) was counted by an earlier batch.
  [[nodiscard]] virtual bool record_seen(const std::string& monitor, std::uint64_t key) = 0;
  // Forgets the counted records of the ISO weeks before `week` ("2026-W45"): record_seen no longer
  // finds them. Returns how many were forgotten.
  virtual std::uint64_t forget_record_ids(const std::string& monitor, const std::string& week) = 0;
  // The stored answer of the request with this idempotency key, if one was stored.
  [[nodiscard]] virtual std::optional<IngestAnswerRow> ingest_answer(const std::string& key) = 0;
  [[nodiscard]] virtual std::optional<MonitorCheckpoint> checkpoint(const std::string& monitor,
                                                                    const std::string& source) = 0;
  [[nodiscard]] virtual std::vector<MonitorCellRow> cells(const std::string& monitor) = 0;
  // The distinct (slice, value) pairs of the monitor's cells, without their data.
  [[nodiscard]] virtual std::vector<std::pair<std::string, std::string>> slice_values(
      const std::string& monitor) = 0;
  [[nodiscard]] virtual std::vector<MonitorStratumRow> strata(const std::string& monitor) = 0;
  // Every kept record of the monitor (closed weeks and open), oldest first.
  [[nodiscard]] virtual std::vector<MonitorSampleRow> samples(const std::string& monitor) = 0;
  // One sampled record by its id; nullopt when the monitor's sample does not hold it.
  [[nodiscard]] virtual std::optional<MonitorSampleRow> sample(const std::string& monitor,
                                                               const std::string& id) = 0;
  // Records the incidents of a status (id, json, open, alerts): new ones with opened_at `now`;
  // one seen resolved for the first time gets resolved_at `now`; one open again loses it.
  // Returns the ids seen for the first time.
  virtual std::vector<std::string> record_incidents(const std::string& monitor,
                                                    const std::vector<MonitorIncidentRow>& rows,
                                                    const std::string& now) = 0;
  [[nodiscard]] virtual std::vector<MonitorIncidentRow> incidents(const std::string& monitor) = 0;
  // False when the monitor has no incident `id`.
  virtual bool ack_incident(const std::string& monitor, const std::string& id,
                            const std::string& by, const std::string& note,
                            const std::string& snooze_until, const std::string& at) = 0;
  // Freezes the sample of these weeks (they were handed to reviewers): a later ingest adds no
  // top-up to them and removes none from them. Idempotent.
  virtual void freeze_weeks(const std::string& monitor, const std::vector<std::string>& weeks,
                            const std::string& at) = 0;
  [[nodiscard]] virtual std::vector<std::string> frozen_weeks(const std::string& monitor) = 0;
  // Resolves incident `id` by hand as of `week`. False when the monitor has no incident `id`.
  virtual bool close_incident(const std::string& monitor, const std::string& id,
                              const std::string& by, const std::string& note,
                              const std::string& week, const std::string& at) = 0;
  // The webhook took event `state` ("open" or "resolved") of the incident with `alerts` alerts.
  virtual void incident_sent(const std::string& monitor, const std::string& id,
                             const std::string& state, std::size_t alerts) = 0;

  // Takes lease `name` for `holder` for `seconds` from now, or renews it: true when `holder`
  // holds it afterwards (it was free, had expired, or was `holder`'s already). One transaction,
  // so that several processes on one store (qualbar serve) agree on which one does a job.
  virtual bool take_lease(const std::string& name, const std::string& holder, int seconds) = 0;
  // Gives lease `name` up when `holder` holds it.
  virtual void release_lease(const std::string& name, const std::string& holder) = 0;
};

}  // namespace qb
