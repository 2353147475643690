#pragma once
// The SQLite store's concerns, each on the shared connection. Internal to src/store.

#include <memory>

#include "qualbar/store/store.hpp"
#include "store/sqlite_connection.hpp"

namespace qb::detail {

class SqliteRunStore final : public RunStore {
 public:
  explicit SqliteRunStore(SqliteConnection& c) : c_(c) {}
  ~SqliteRunStore() override;
  void save_run(const StoredRun& run) override;
  void begin_run(const StoredRun& run) override;
  void save_answers(const std::string& run_id, std::span<const StoredAnswer> answers) override;
  void finish_run(const RunInfo& info, const ScoreTable* scores) override;
  RunLockResult lock_run(const std::string& id, const RunHolder& me,
                         const std::function<bool(const RunHolder&)>& is_stale) override;
  void unlock_run(const std::string& id, const RunHolder& me) override;
  std::vector<RunInfo> list_runs(std::size_t limit) override;
  StoredRun load_run(const std::string& id) override;
  std::string resolve_run_id(const std::string& id) override { return c_.resolve_run_id(id); }

  // The row of a run, as the monitor creates its own on its first batch.
  void insert_run(const StoredRun& run, RunStatus status);

 private:
  void insert_cases(const StoredRun& run, bool with_responses);
  void insert_scores(const std::string& run_id, const ScoreTable& scores);
  void load_cases(const std::string& id, StoredRun& run);
  void load_scores(const std::string& id, StoredRun& run);
  void load_monitor_sample(const std::string& monitor, StoredRun& run);

  SqliteConnection& c_;
  std::unique_ptr<Statement> answer_;  // prepared once: answers are saved many times a second
};

class SqliteReviewStore final : public ReviewStore {
 public:
  explicit SqliteReviewStore(SqliteConnection& c) : c_(c) {}
  void save_batch(const ReviewBatch& batch) override;
  std::map<std::string, ReviewItem> items(const std::vector<std::string>& ids) override;
  void append_grades(std::span<const ReviewItem> items, std::span<const Grade> grades) override;
  std::vector<Grade> grades(const std::string& run_id) override;

 private:
  void insert_items(std::span<const ReviewItem> items);
  SqliteConnection& c_;
};

class SqliteMonitorStore final : public MonitorStore {
 public:
  SqliteMonitorStore(SqliteConnection& c, SqliteRunStore& runs) : c_(c), runs_(runs) {}
  void commit(const MonitorBatch& batch) override;
  std::optional<MonitorCheckpoint> checkpoint(const std::string& monitor,
                                              const std::string& source) override;
  std::vector<MonitorCellRow> cells(const std::string& monitor) override;
  std::vector<std::pair<std::string, std::string>> slice_values(
      const std::string& monitor) override;
  std::vector<MonitorStratumRow> strata(const std::string& monitor) override;
  std::vector<MonitorSampleRow> samples(const std::string& monitor) override;
  std::vector<MonitorAlertRow> raise(const std::string& monitor,
                                     const std::vector<MonitorAlertRow>& alerts) override;
  std::vector<MonitorAlertRow> alerts(const std::string& monitor) override;
  void alert_sent(const std::string& monitor, const std::string& key,
                  const std::string& sent_at) override;

 private:
  void merge_cells(const MonitorBatch& b);
  void insert_samples(const MonitorBatch& b);
  void add_strata(const MonitorBatch& b);
  SqliteConnection& c_;
  SqliteRunStore& runs_;
};

class SqliteCache final : public ResponseCache {
 public:
  explicit SqliteCache(SqliteConnection& c) : c_(c) {}
  ~SqliteCache() override;
  std::optional<std::string> get(const std::string& key) override;
  void put(std::span<const CacheEntry> entries) override;

 private:
  SqliteConnection& c_;
  std::unique_ptr<Statement> get_, put_;  // prepared once: a run asks for every case
};

}  // namespace qb::detail
