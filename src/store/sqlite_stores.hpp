#pragma once
// The SQLite store's concerns, each on the shared connection. Internal to src/store.

#include <functional>
#include <memory>

#include "qualbar/store/store.hpp"
#include "store/run_blocks.hpp"
#include "store/sqlite_connection.hpp"

namespace qb::detail {

class SqliteRunStore final : public RunStore {
 public:
  explicit SqliteRunStore(SqliteConnection& c);
  ~SqliteRunStore() override;
  void save_run(const StoredRun& run) override;
  void begin_run(const RunRecord& record, std::span<const Case> cases,
                 std::span<const std::string_view> lines,
                 const std::function<void(std::size_t)>& written) override;
  void save_answers(const std::string& run_id, std::span<const StoredAnswer> answers) override;
  PackedScores pack_scores(const ScoreTable& scores) override;
  void finish_run(const RunInfo& info, const RunResults* results) override;
  RunLockResult lock_run(const std::string& id, const RunHolder& me,
                         const std::function<bool(const RunHolder&)>& is_stale) override;
  void unlock_run(const std::string& id, const RunHolder& me) override;
  std::vector<RunInfo> list_runs(std::size_t limit) override;
  StoredRun load_run(const std::string& id) override;
  StoredRun load_summary(const std::string& id) override;
  std::string resolve_run_id(const std::string& id) override { return c_.resolve_run_id(id); }
  void set_run_labels(const std::string& id, const std::vector<std::string>& labels,
                      const std::string& note) override;
  void set_run_archived(const std::string& id, const std::string& at) override;
  void delete_run(const std::string& id) override;
  CasePage cases(const std::string& run, const CaseFilter& filter,
                 std::optional<std::size_t> after, std::size_t limit) override;
  ChangedPage changed_cases(const std::string& run_a, const std::string& run_b,
                            const std::string& dimension, std::optional<std::size_t> after,
                            std::size_t limit) override;

  // The row of a run, as the monitor creates its own on its first batch: returns its key.
  std::int64_t insert_run(const RunRecord& run, RunStatus status, std::size_t n_cases);
  // The key whose blocks already hold exactly these cases (a run of the same dataset), if any.
  std::optional<std::int64_t> stored_lines(const std::string& dataset_hash,
                                           std::span<const Case> cases,
                                           std::span<const std::string_view> lines);

  // The run's cases, 64 to a block, from their ids and dataset lines; `written(n)` (when given)
  // once the blocks of cases [0, n) are inserted.
  void write_blocks(std::int64_t key, std::size_t n, const std::function<std::string_view(
                                                         std::size_t)>& id_of,
                    const std::function<std::string_view(std::size_t)>& line_of,
                    const std::function<void(std::size_t)>& written = {});
  // Answers by block, one compressed part per block they fall in: answer k is case
  // `indexes[k]`'s (in any order), written by `append_answer(k, out)` (put_answer; from two
  // threads at once).
  void write_answers(std::int64_t key, std::span<const std::size_t> indexes,
                     const std::function<void(std::size_t, std::string&)>& append_answer);
  // Scores by block (`packed` when they were packed ahead); failing masks and slice cells when
  // given (a run scored by this qualbar).
  void write_scores(std::int64_t key, const ScoreTable& scores, const PackedScores* packed,
                    std::span<const std::uint8_t> failing, std::span<const CaseSlices> slices);

 private:
  // What the reads need of a run's row: its key, dimensions, size and slice dictionary.
  struct SliceDictionary {
    std::string slice;
    std::vector<std::string> values;
  };
  struct Meta {
    std::string id;
    std::int64_t key = 0;
    std::int64_t lines_key = 0;  // whose blocks hold its cases: its own, or an earlier run's
    RunStatus status = RunStatus::running;
    std::size_t n_cases = 0;
    std::vector<std::string> dimensions;
    std::vector<SliceDictionary> slices;
    bool scored = false;   // the run's scores are stored (a complete run)
    bool indexed = false;  // its failing masks, slice cells and text are (scored by schema 6)
  };
  Meta meta(const std::string& id);
  std::int64_t key_of(const std::string& run_id);
  StoredRun load(const std::string& id, bool with_cases);
  void load_cases(const Meta& m, StoredRun& run);
  std::vector<CaseRow> rows(const Meta& m, const std::vector<std::size_t>& indexes);
  // The answers of one block as stored (`answers[k]` for its case k, none when unanswered; see
  // read_answer and answer_json), or with `whole_run`, of every block from `block` on, calling
  // `each` per block.
  void read_answers(std::int64_t key, std::size_t block, bool whole_run,
                    const std::function<void(std::size_t block,
                                             std::vector<std::optional<std::string>>& answers)>& each);
  void load_monitor_sample(const std::string& monitor, StoredRun& run);
  void ensure_text_index(const std::string& run);

  SqliteConnection& c_;
  Packer packer_;
  PackPool pool_;
  std::string raw_, packed_;  // a block's buffers, reused
  std::int64_t last_key_ = -1;          // the key of last_run_ (answers are saved many times)
  std::string last_run_;
  std::unique_ptr<Statement> answer_;   // prepared once: answers are saved many times a second
  std::unique_ptr<Statement> block_;
  std::unique_ptr<Statement> score_;
};

// A run's dimension names as `runs.dimensions` keeps them: one per line.
std::string dimension_lines(const std::vector<std::string>& dimensions);

// Migration 6: each run of a schema-5 store into the run format, then the old tables dropped.
void convert_v5_runs(SqliteConnection& c);

class SqliteAccountStore final : public AccountStore {
 public:
  explicit SqliteAccountStore(SqliteConnection& c) : c_(c) {}
  void add_user(const User& user) override;
  std::optional<User> user(const std::string& name) override;
  std::vector<User> users() override;
  bool revoke_user(const std::string& name, const std::string& at) override;
  void add_signin_link(const std::string& secret_hash, const std::string& user,
                       const std::string& expires_at) override;
  std::optional<std::string> use_signin_link(const std::string& secret_hash,
                                             const std::string& now) override;
  void add_session(const std::string& id_hash, const std::string& user, const std::string& csrf,
                   const std::string& created_at, const std::string& expires_at) override;
  std::optional<Session> session(const std::string& id_hash, const std::string& now) override;
  void end_session(const std::string& id_hash) override;
  void add_token(const ApiToken& token, const std::string& secret_hash) override;
  std::optional<ApiToken> token(const std::string& secret_hash) override;
  std::vector<ApiToken> tokens() override;
  bool revoke_token(const std::string& id, const std::string& at) override;
  void record_failed_signin(const std::string& client, const std::string& at,
                            const std::string& forget_before) override;
  std::size_t failed_signins(const std::string& client, const std::string& since) override;
  void audit(const AuditEntry& entry) override;
  std::vector<AuditEntry> audit_log(std::size_t limit) override;

 private:
  SqliteConnection& c_;
};

class SqliteReviewStore final : public ReviewStore {
 public:
  explicit SqliteReviewStore(SqliteConnection& c) : c_(c) {}
  void save_batch(const ReviewBatch& batch) override;
  std::map<std::string, ReviewItem> items(const std::vector<std::string>& ids) override;
  void append_grades(std::span<const ReviewItem> items, std::span<const Grade> grades) override;
  std::vector<Grade> grades(const std::string& run_id) override;
  std::vector<Grade> pair_grades(const std::string& run_id) override;
  void save_queue(const ReviewQueue& queue, std::span<const ReviewItem> items,
                  std::span<const QueueEntry> entries) override;
  std::vector<ReviewQueue> queues() override;
  std::optional<ReviewQueue> queue(const std::string& id) override;
  void close_queue(const std::string& id, const std::string& at) override;
  std::optional<QueueEntry> queue_entry(const std::string& queue, std::int64_t pos) override;
  std::optional<QueueEntry> next_open_entry(const std::string& queue, const std::string& reviewer,
                                            std::size_t per_item, std::int64_t now) override;
  std::vector<QueueClaim> claims(const std::string& queue, std::int64_t pos) override;
  std::optional<QueueClaim> live_claim(const std::string& queue, const std::string& reviewer,
                                       std::int64_t now) override;
  std::optional<QueueClaim> last_done_claim(const std::string& queue,
                                            const std::string& reviewer) override;
  void put_claim(const std::string& queue, const QueueClaim& claim) override;
  void set_finished(const std::string& queue, std::int64_t pos, std::size_t finished) override;
  std::vector<ReviewerProgress> progress(const std::string& queue) override;
  std::pair<std::size_t, std::size_t> claim_counts(const std::string& queue,
                                                   const std::string& reviewer) override;
  std::vector<Grade> item_grades(const std::string& item) override;
  std::vector<Grade> queue_grades(const std::string& queue) override;
  std::optional<QueueEntry> entry_of_item(const std::string& queue,
                                          const std::string& item) override;

 private:
  void insert_items(std::span<const ReviewItem> items);
  // The rows of a statement that selects kGradeColumns (grades g joined with review_items i).
  std::vector<Grade> read_grades(Statement& s);
  static constexpr const char* kGradeColumns =
      "g.seq, g.item_id, i.run_id, i.case_id, g.dimension, g.grader, g.kind, g.grade, g.note, "
      "g.graded_at, g.imported_at, g.source, g.reference, i.run_b, g.shown_first";
  SqliteConnection& c_;
};

class SqliteMonitorStore final : public MonitorStore {
 public:
  SqliteMonitorStore(SqliteConnection& c, SqliteRunStore& runs) : c_(c), runs_(runs) {}
  void commit(const MonitorBatch& batch) override;
  bool record_seen(const std::string& monitor, std::uint64_t key) override;
  std::uint64_t forget_record_ids(const std::string& monitor, const std::string& week) override;
  std::optional<IngestAnswerRow> ingest_answer(const std::string& key) override;
  std::optional<MonitorCheckpoint> checkpoint(const std::string& monitor,
                                              const std::string& source) override;
  std::vector<MonitorCellRow> cells(const std::string& monitor) override;
  std::vector<std::pair<std::string, std::string>> slice_values(
      const std::string& monitor) override;
  std::vector<MonitorStratumRow> strata(const std::string& monitor) override;
  std::vector<MonitorSampleRow> samples(const std::string& monitor) override;
  std::optional<MonitorSampleRow> sample(const std::string& monitor, const std::string& id) override;
  std::vector<std::string> record_incidents(const std::string& monitor,
                                            const std::vector<MonitorIncidentRow>& rows,
                                            const std::string& now) override;
  std::vector<MonitorIncidentRow> incidents(const std::string& monitor) override;
  bool ack_incident(const std::string& monitor, const std::string& id, const std::string& by,
                    const std::string& note, const std::string& snooze_until,
                    const std::string& at) override;
  void incident_sent(const std::string& monitor, const std::string& id, const std::string& state,
                     std::size_t alerts) override;
  void freeze_weeks(const std::string& monitor, const std::vector<std::string>& weeks,
                    const std::string& at) override;
  bool close_incident(const std::string& monitor, const std::string& id, const std::string& by,
                      const std::string& note, const std::string& week,
                      const std::string& at) override;
  std::vector<std::string> frozen_weeks(const std::string& monitor) override;
  bool take_lease(const std::string& name, const std::string& holder, int seconds) override;
  void release_lease(const std::string& name, const std::string& holder) override;

 private:
  void merge_cells(const MonitorBatch& b);
  void insert_samples(const MonitorBatch& b);
  void add_strata(const MonitorBatch& b);
  void add_record_ids(const MonitorBatch& b);
  SqliteConnection& c_;
  SqliteRunStore& runs_;
  std::unique_ptr<Statement> seen_;  // record_seen's, prepared once: asked for every record
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
