// The runs of the SQLite store: a run's row, its cases with their answers, its scores; run locks.
#include <algorithm>

#include <fmt/format.h>

#include "qualbar/core/error.hpp"
#include "qualbar/io/dataset.hpp"
#include "store/sqlite_stores.hpp"

namespace qb::detail {
namespace {

const char* const kRunColumns =
    "id, suite_name, suite_file, suite_hash, bars_hash, dataset_hash, model, provider, "
    "provider_json, qualbar_version, started_at, ended_at, host, user, status, n_cases, n_errors, "
    "passed";

RunInfo read_info(const Statement& s) {
  RunInfo r;
  r.id = s.text(0);
  r.suite_name = s.text(1);
  // column 2 (suite_file) is read by load_run
  r.suite_hash = s.text(3);
  r.bars_hash = s.text(4);
  r.dataset_hash = s.text(5);
  r.model = s.text(6);
  r.provider = s.text(7);
  r.provider_json = s.text(8);
  r.qualbar_version = s.text(9);
  r.started_at = s.text(10);
  r.ended_at = s.text(11);
  r.host = s.text(12);
  r.user = s.text(13);
  const std::string status = s.text(14);
  const auto parsed = parse_run_status(status);
  if (!parsed)
    throw RunError(fmt::format("run {} has a status this qualbar does not know ('{}'): it was "
                               "written by a newer qualbar",
                               r.id, status));
  r.status = *parsed;
  r.n_cases = static_cast<std::size_t>(s.integer(15));
  r.n_errors = static_cast<std::size_t>(s.integer(16));
  r.passed = s.integer(17) != 0;
  return r;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

SqliteRunStore::~SqliteRunStore() = default;

void SqliteRunStore::save_run(const StoredRun& run) {
  SqliteConnection::Transaction tx(c_);
  insert_run(run, run.info.status);
  insert_cases(run, /*with_responses=*/true);
  insert_scores(run.info.id, run.scores);
  tx.commit();
}

void SqliteRunStore::begin_run(const StoredRun& run) {
  SqliteConnection::Transaction tx(c_);
  insert_run(run, RunStatus::running);
  insert_cases(run, /*with_responses=*/false);
  tx.commit();
}

void SqliteRunStore::save_answers(const std::string& run_id,
                                  std::span<const StoredAnswer> answers) {
  if (answers.empty()) return;
  SqliteConnection::Transaction tx(c_);
  if (!answer_) {
    answer_ = std::make_unique<Statement>(
        c_, "UPDATE cases SET response_json = ? WHERE run_id = ? AND idx = ?");
  }
  for (const auto& a : answers) {
    answer_->bind(1, response_to_json(*a.response))
        .bind(2, run_id)
        .bind(3, static_cast<std::int64_t>(a.index));
    answer_->run();
  }
  tx.commit();
}

void SqliteRunStore::finish_run(const RunInfo& i, const ScoreTable* scores) {
  SqliteConnection::Transaction tx(c_);
  {
    Statement s(c_,
                "UPDATE runs SET ended_at = ?, status = ?, n_cases = ?, n_errors = ?, passed = ?, "
                "model = ?, provider_json = ? WHERE id = ?");
    s.bind(1, i.ended_at)
        .bind(2, to_string(i.status))
        .bind(3, static_cast<std::int64_t>(i.n_cases))
        .bind(4, static_cast<std::int64_t>(i.n_errors))
        .bind(5, static_cast<std::int64_t>(i.passed ? 1 : 0))
        .bind(6, i.model)
        .bind(7, i.provider_json)
        .bind(8, i.id);
    s.run();
    if (sqlite3_changes(c_.db()) != 1)
      throw RunError(fmt::format("store '{}': run '{}' is not stored", c_.path(), i.id));
  }
  if (scores != nullptr) {
    Statement del(c_, "DELETE FROM scores WHERE run_id = ?");
    del.bind(1, i.id);
    del.run();
    insert_scores(i.id, *scores);
  }
  tx.commit();
}

RunLockResult SqliteRunStore::lock_run(const std::string& id, const RunHolder& me,
                                       const std::function<bool(const RunHolder&)>& is_stale) {
  SqliteConnection::Transaction tx(c_);
  RunLockResult out;
  {
    Statement s(c_, "SELECT host, pid, process_start, since FROM run_locks WHERE run_id = ?");
    s.bind(1, id);
    if (s.step()) out.previous = RunHolder{s.text(0), s.integer(1), s.text(2), s.text(3)};
    s.reset();
  }
  const bool mine = out.previous && out.previous->host == me.host && out.previous->pid == me.pid &&
                    out.previous->process_start == me.process_start;
  if (out.previous && !mine && !is_stale(*out.previous)) return out;  // rolled back
  Statement s(c_,
              "INSERT OR REPLACE INTO run_locks (run_id, host, pid, process_start, since) "
              "VALUES (?,?,?,?,?)");
  s.bind(1, id).bind(2, me.host).bind(3, me.pid).bind(4, me.process_start).bind(5, me.since);
  s.run();
  tx.commit();
  out.taken = true;
  if (mine) out.previous.reset();
  return out;
}

void SqliteRunStore::unlock_run(const std::string& id, const RunHolder& me) {
  Statement s(c_,
              "DELETE FROM run_locks WHERE run_id = ? AND host = ? AND pid = ? AND "
              "process_start = ?");
  s.bind(1, id).bind(2, me.host).bind(3, me.pid).bind(4, me.process_start);
  s.run();
}

std::vector<RunInfo> SqliteRunStore::list_runs(std::size_t limit) {
  Statement s(
      c_, fmt::format("SELECT {} FROM runs ORDER BY started_at DESC, id DESC LIMIT ?", kRunColumns)
              .c_str());
  s.bind(1, static_cast<std::int64_t>(limit));
  std::vector<RunInfo> out;
  while (s.step()) out.push_back(read_info(s));
  return out;
}

StoredRun SqliteRunStore::load_run(const std::string& id) {
  const SqliteConnection::Snapshot snapshot(c_);  // the record, cases and scores of one moment
  const std::string full = c_.resolve_run_id(id);
  StoredRun run;
  {
    Statement s(c_, fmt::format("SELECT {}, suite_text, dimensions FROM runs WHERE id = ?",
                                kRunColumns)
                        .c_str());
    s.bind(1, full);
    if (!s.step())
      throw RunError(fmt::format("store '{}': run '{}' vanished while it was read", c_.path(), full));
    run.info = read_info(s);
    run.suite_file = s.text(2);
    run.suite_text = s.text(18);
    run.dimensions = split_lines(s.text(19));
    s.reset();
  }
  if (run.info.status == RunStatus::monitor) {
    load_monitor_sample(full, run);
    return run;
  }
  load_cases(full, run);
  load_scores(full, run);
  return run;
}

void SqliteRunStore::load_cases(const std::string& full, StoredRun& run) {
  Statement s(c_, "SELECT case_json, response_json, case_id FROM cases WHERE run_id = ? ORDER BY idx");
  s.bind(1, full);
  std::string responses;
  std::vector<std::string> unanswered_ids;
  while (s.step()) {
    run.case_lines.push_back(s.text(0));
    const bool answered = !s.is_null(1);
    run.answered.push_back(answered ? 1 : 0);
    if (answered) {
      responses += s.text(1);
      responses += '\n';
    } else {
      unanswered_ids.push_back(s.text(2));
    }
  }
  // The answered responses, in order, with an empty response in each unanswered case's place.
  std::vector<Response> parsed = parse_responses(responses, fmt::format("store run {}", full));
  run.responses.resize(run.case_lines.size());
  std::size_t next = 0, next_unanswered = 0;
  for (std::size_t i = 0; i < run.case_lines.size(); ++i) {
    if (run.answered[i] && next < parsed.size()) {
      run.responses[i] = std::move(parsed[next++]);
    } else if (!run.answered[i]) {
      run.responses[i].id = unanswered_ids[next_unanswered++];
    }
  }
}

void SqliteRunStore::load_scores(const std::string& full, StoredRun& run) {
  run.scores = ScoreTable(run.case_lines.size(), run.dimensions.size());
  Statement s(c_, "SELECT idx, dimension, value, status, evidence FROM scores WHERE run_id = ?");
  s.bind(1, full);
  while (s.step()) {
    const auto i = static_cast<std::size_t>(s.integer(0));
    const auto d = static_cast<std::size_t>(s.integer(1));
    const std::int64_t status = s.integer(3);
    if (status < 0 || status > static_cast<std::int64_t>(ScoreStatus::ungraded)) {
      throw RunError(fmt::format("store '{}': run {} holds a score of a kind this qualbar does not "
                                 "know ({}): it was written by a newer qualbar",
                                 c_.path(), full, status));
    }
    if (i >= run.scores.n_cases() || d >= run.scores.n_dimensions()) continue;
    run.scores.set(i, d, Score{s.real(2), static_cast<ScoreStatus>(status), s.text(4)});
  }
}

// A monitor's cases: the sampled records of its closed weeks (before the newest week seen),
// oldest first, answered. What they are scored with is not the store's to say: no scores.
void SqliteRunStore::load_monitor_sample(const std::string& monitor, StoredRun& run) {
  Statement s(c_,
              "SELECT case_json, response_json FROM monitor_samples WHERE monitor = ?1 AND week < "
              "(SELECT MAX(week) FROM monitor_strata WHERE monitor = ?1) ORDER BY ts, id");
  s.bind(1, monitor);
  std::string responses;
  while (s.step()) {
    run.case_lines.push_back(s.text(0));
    responses += s.text(1);
    responses += '\n';
  }
  run.responses = parse_responses(responses, fmt::format("store monitor {}", monitor));
  run.answered.assign(run.case_lines.size(), 1);
  run.info.n_cases = run.case_lines.size();
}

void SqliteRunStore::insert_run(const StoredRun& run, RunStatus status) {
  {
    Statement exists(c_, "SELECT 1 FROM runs WHERE id = ?");
    exists.bind(1, run.info.id);
    if (exists.step()) {
      throw RunError(
          fmt::format("store '{}': a run with id '{}' is already stored; nothing was written",
                      c_.path(), run.info.id));
    }
  }
  Statement s(c_,
              "INSERT INTO runs (id, suite_name, suite_file, suite_hash, bars_hash, dataset_hash, "
              "model, provider, provider_json, qualbar_version, started_at, ended_at, host, user, "
              "status, n_cases, n_errors, passed, suite_text, dimensions) "
              "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  const RunInfo& i = run.info;
  std::string dims;
  for (const auto& d : run.dimensions) dims += (dims.empty() ? "" : "\n") + d;
  s.bind(1, i.id)
      .bind(2, i.suite_name)
      .bind(3, run.suite_file)
      .bind(4, i.suite_hash)
      .bind(5, i.bars_hash)
      .bind(6, i.dataset_hash)
      .bind(7, i.model)
      .bind(8, i.provider)
      .bind(9, i.provider_json)
      .bind(10, i.qualbar_version)
      .bind(11, i.started_at)
      .bind(12, i.ended_at)
      .bind(13, i.host)
      .bind(14, i.user)
      .bind(15, to_string(status))
      .bind(16, static_cast<std::int64_t>(run.case_lines.size()))
      .bind(17, static_cast<std::int64_t>(i.n_errors))
      .bind(18, static_cast<std::int64_t>(i.passed ? 1 : 0))
      .bind(19, run.suite_text)
      .bind(20, dims);
  s.run();
}

// Case ids come from the responses when they are saved, else from the case lines.
void SqliteRunStore::insert_cases(const StoredRun& run, bool with_responses) {
  Statement c(c_,
              "INSERT INTO cases (run_id, idx, case_id, case_json, response_json) VALUES "
              "(?,?,?,?,?)");
  for (std::size_t i = 0; i < run.case_lines.size(); ++i) {
    c.bind(1, run.info.id).bind(2, static_cast<std::int64_t>(i)).bind(4, run.case_lines[i]);
    if (with_responses) {
      c.bind(3, run.responses[i].id).bind(5, response_to_json(run.responses[i]));
    } else {
      c.bind(3, i < run.case_ids.size() ? run.case_ids[i] : std::string()).bind_null(5);
    }
    c.run();
  }
}

void SqliteRunStore::insert_scores(const std::string& run_id, const ScoreTable& scores) {
  Statement sc(c_,
               "INSERT INTO scores (run_id, idx, dimension, value, status, evidence) VALUES "
               "(?,?,?,?,?,?)");
  for (std::size_t i = 0; i < scores.n_cases(); ++i) {
    for (std::size_t d = 0; d < scores.n_dimensions(); ++d) {
      const ScoreView score = scores.at(i, d);
      sc.bind(1, run_id)
          .bind(2, static_cast<std::int64_t>(i))
          .bind(3, static_cast<std::int64_t>(d))
          .bind(4, score.value)
          .bind(5, static_cast<std::int64_t>(score.status));
      if (score.evidence.empty())
        sc.bind_null(6);
      else
        sc.bind(6, score.evidence);
      sc.run();
    }
  }
}

}  // namespace qb::detail
