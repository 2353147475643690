// The runs of the SQLite store, in the run format of schema 6 (docs/store.md, "How a run is
// stored"): a run's row with its integer key and finished report; its cases 64 to a block;
// each answer once, as it arrives; scores by block with failing masks and slice cells; run
// locks. Paging reads are in sqlite_run_pages.cpp.
#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/core/error.hpp"
#include "qualbar/io/dataset.hpp"
#include "store/sqlite_stores.hpp"

namespace qb::detail {
namespace {

// The columns read_info reads, in its order; a query that reads more puts them after these.
const char* const kRunColumns =
    "id, suite_name, suite_file, suite_hash, bars_hash, dataset_hash, model, provider, "
    "provider_json, qualbar_version, started_at, ended_at, host, user, status, n_cases, n_errors, "
    "passed, labels, note, git_commit, archived_at";
constexpr int kRunColumnCount = 22;

// Labels are kept one to a line.
std::vector<std::string> split_labels(const std::string& s) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < s.size()) {
    const std::size_t end = std::min(s.find('\n', at), s.size());
    if (end > at) out.push_back(s.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

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
  r.labels = split_labels(s.text(18));
  r.note = s.text(19);
  r.git_commit = s.text(20);
  r.archived_at = s.text(21);
  return r;
}

}  // namespace

std::string dimension_lines(const std::vector<std::string>& dimensions) {
  std::string out;
  for (const auto& d : dimensions) out += (out.empty() ? "" : "\n") + d;
  return out;
}

namespace {

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

// A new run key, from an AUTOINCREMENT sequence: never reused, even after a run is deleted.
std::int64_t next_run_key(SqliteConnection& c) {
  c.exec("INSERT INTO run_keys DEFAULT VALUES");
  const std::int64_t key = sqlite3_last_insert_rowid(c.db());
  c.exec(fmt::format("DELETE FROM run_keys WHERE key = {}", key));
  return key;
}

std::string slices_json(std::span<const CaseSlices> slices) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& s : slices) j.push_back({{"slice", s.slice}, {"values", s.values}});
  return j.dump();
}

// A block's slice cells: per case, per slice, the count of its cells then their ids.
std::string cells_blob(std::span<const CaseSlices> slices, std::size_t first, std::size_t n) {
  std::string out;
  for (std::size_t i = first; i < first + n; ++i) {
    for (const auto& s : slices) {
      const std::uint32_t from = i + 1 < s.offsets.size() ? s.offsets[i] : 0;
      const std::uint32_t to = i + 1 < s.offsets.size() ? s.offsets[i + 1] : 0;
      put_varint(out, to - from);
      for (std::uint32_t k = from; k < to; ++k) put_varint(out, s.ids[k]);
    }
  }
  return out;
}

// Each answered case k of one block, with its answer (read_answers): compact answers read in
// place, JSON lines (stores written before schema 16) parsed together.
void each_answer(const std::vector<std::optional<std::string>>& answers, const std::string& where,
                 const std::function<void(std::size_t, Response&&)>& each) {
  std::string json_lines;
  std::vector<std::size_t> json_at;
  TextInterner texts;
  for (std::size_t k = 0; k < answers.size(); ++k) {
    if (!answers[k]) continue;
    if (is_json_answer(*answers[k])) {
      json_at.push_back(k);
      (json_lines += *answers[k]) += '\n';
    } else {
      each(k, read_answer(*answers[k], where, &texts));
    }
  }
  if (json_at.empty()) return;
  std::vector<Response> parsed = parse_responses(json_lines, where);
  for (std::size_t j = 0; j < json_at.size() && j < parsed.size(); ++j)
    each(json_at[j], std::move(parsed[j]));
}

}  // namespace

SqliteRunStore::SqliteRunStore(SqliteConnection& c) : c_(c) {}
SqliteRunStore::~SqliteRunStore() = default;

std::int64_t SqliteRunStore::insert_run(const RunRecord& run, RunStatus status,
                                        std::size_t n_cases) {
  {
    Statement exists(c_, "SELECT 1 FROM runs WHERE id = ?");
    exists.bind(1, run.info.id);
    if (exists.step()) {
      throw RunError(
          fmt::format("store '{}': a run with id '{}' is already stored; nothing was written",
                      c_.path(), run.info.id));
    }
  }
  const std::int64_t key = next_run_key(c_);
  Statement s(c_,
              "INSERT INTO runs (id, suite_name, suite_file, suite_hash, bars_hash, dataset_hash, "
              "model, provider, provider_json, qualbar_version, started_at, ended_at, host, user, "
              "status, n_cases, n_errors, passed, suite_text, dimensions, key, labels, note, "
              "git_commit) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  const RunInfo& i = run.info;
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
      .bind(16, static_cast<std::int64_t>(n_cases))
      .bind(17, static_cast<std::int64_t>(i.n_errors))
      .bind(18, static_cast<std::int64_t>(i.passed ? 1 : 0))
      .bind(19, run.suite_text)
      .bind(20, dimension_lines(run.dimensions))
      .bind(21, key)
      .bind(22, dimension_lines(i.labels))
      .bind(23, i.note)
      .bind(24, i.git_commit);
  s.run();
  return key;
}

namespace {
// Blocks are packed and inserted this many at a time: the packed blobs of a chunk are held at
// once (a few megabytes), never a whole run's.
constexpr std::size_t kChunkBlocks = 1024;
}  // namespace

void SqliteRunStore::write_blocks(
    std::int64_t key, std::size_t n, const std::function<std::string_view(std::size_t)>& id_of,
    const std::function<std::string_view(std::size_t)>& line_of,
    const std::function<void(std::size_t)>& written) {
  if (!block_)
    block_ = std::make_unique<Statement>(
        c_, "INSERT INTO run_blocks (key, n, ids, lines) VALUES (?,?,?,?)");
  const std::size_t blocks = (n + kBlockCases - 1) / kBlockCases;
  // A chunk's items: its blocks' id lists, then their lines. The next chunk is packed (by the
  // worker, then by both) while this one's rows are inserted.
  std::size_t chunk = 0;
  const auto count_of = [&](std::size_t c) { return std::min(kChunkBlocks, blocks - c); };
  const auto fill = [&](std::size_t item, std::string& raw, std::size_t c) {
    const std::size_t count = count_of(c);
    const std::size_t first = (c + item % count) * kBlockCases;
    for (std::size_t i = first; i < std::min(n, first + kBlockCases); ++i)
      put_item(raw, item < count ? id_of(i) : line_of(i));
  };
  std::vector<std::string> packed, next;
  std::size_t next_chunk = 0;
  const std::function<void(std::size_t, std::string&)> fill_next =
      [&](std::size_t item, std::string& raw) { fill(item, raw, next_chunk); };
  if (blocks > 0) pool_.pack(2 * count_of(0), fill_next, packed);
  // A failed insert waits for the worker before what it packs into goes out of scope.
  struct Drain {
    PackPool& pool;
    ~Drain() {
      try {
        pool.finish();
      } catch (...) {  // NOLINT(bugprone-empty-catch): the insert's error is the one to report
      }
    }
  } drain{pool_};
  for (chunk = 0; chunk < blocks; chunk += kChunkBlocks) {
    const std::size_t count = count_of(chunk);
    next_chunk = chunk + kChunkBlocks;
    if (next_chunk < blocks) pool_.start(2 * count_of(next_chunk), fill_next, next);
    for (std::size_t b = 0; b < count; ++b) {
      const std::size_t first = (chunk + b) * kBlockCases;
      block_->bind(1, row_key(key, chunk + b))
          .bind(2, static_cast<std::int64_t>(std::min(kBlockCases, n - first)))
          .bind_blob_uncopied(3, packed[b])
          .bind_blob_uncopied(4, packed[count + b]);
      block_->run();
    }
    if (written) written(std::min(n, (chunk + count) * kBlockCases));
    pool_.finish();
    packed.swap(next);
  }
}

void SqliteRunStore::write_answers(
    std::int64_t key, std::span<const std::size_t> indexes,
    const std::function<void(std::size_t, std::string&)>& append_answer) {
  if (!answer_)
    answer_ = std::make_unique<Statement>(
        c_, "INSERT INTO run_answers (block, n, answers) VALUES (?,?,?)");
  // The answers by case index (kept in the order given for one case: the last one wins).
  std::vector<std::size_t> order(indexes.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t x, std::size_t y) { return indexes[x] < indexes[y]; });
  // One part per block: parts[p] covers order[starts[p] .. starts[p + 1]).
  std::vector<std::size_t> starts;
  for (std::size_t k = 0; k < order.size(); ++k) {
    if (k == 0 || indexes[order[k]] / kBlockCases != indexes[order[k - 1]] / kBlockCases)
      starts.push_back(k);
  }
  starts.push_back(order.size());
  std::vector<std::string> parts;
  pool_.pack(
      starts.size() - 1,
      [&](std::size_t p, std::string& raw) {
        std::string answer;
        for (std::size_t k = starts[p]; k < starts[p + 1]; ++k) {
          answer.clear();
          append_answer(order[k], answer);
          put_varint(raw, indexes[order[k]] % kBlockCases);
          put_item(raw, answer);
        }
      },
      parts);
  for (std::size_t p = 0; p + 1 < starts.size(); ++p) {
    answer_->bind(1, row_key(key, indexes[order[starts[p]]] / kBlockCases))
        .bind(2, static_cast<std::int64_t>(starts[p + 1] - starts[p]))
        .bind_blob_uncopied(3, parts[p]);
    answer_->run();
  }
}

void SqliteRunStore::read_answers(
    std::int64_t key, std::size_t block, bool whole_run,
    const std::function<void(std::size_t, std::vector<std::optional<std::string>>&)>& each) {
  Statement s(c_,
              "SELECT block, answers FROM run_answers WHERE block BETWEEN ? AND ? "
              "ORDER BY block, part");
  s.bind(1, row_key(key, block)).bind(2, row_key(key, whole_run ? 0xFFFFFFFF : block));
  const std::string where = fmt::format("store '{}': the answers of run key {}", c_.path(), key);
  std::vector<std::optional<std::string>> answers;
  std::size_t current = SIZE_MAX;
  std::string raw;
  while (s.step()) {
    const std::size_t b = row_low(s.integer(0));
    if (b != current && current != SIZE_MAX) each(current, answers);
    if (b != current) answers.assign(kBlockCases, std::nullopt);
    current = b;
    packer_.unpack(s.blob(1), raw, where);
    // Parts in the order they were written: an answer asked again (--resume) replaces the first.
    for (Reader r(raw, where); !r.done();) {
      const std::size_t k = static_cast<std::size_t>(r.varint());
      const std::string_view line = r.item();
      if (k < kBlockCases) answers[k] = std::string(line);
    }
  }
  if (current != SIZE_MAX) each(current, answers);
}

PackedScores SqliteRunStore::pack_scores(const ScoreTable& scores) {
  PackedScores out;
  out.n_cases = scores.n_cases();
  out.n_dimensions = scores.n_dimensions();
  const std::size_t n = out.n_cases, dims = out.n_dimensions;
  pool_.pack((n + kBlockCases - 1) / kBlockCases, [&](std::size_t b, std::string& raw) {
    for (std::size_t i = b * kBlockCases; i < std::min(n, (b + 1) * kBlockCases); ++i)
      for (std::size_t d = 0; d < dims; ++d) put_score(raw, scores.at(i, d));
  }, out.blocks);
  return out;
}

void SqliteRunStore::write_scores(std::int64_t key, const ScoreTable& scores,
                                  const PackedScores* packed,
                                  std::span<const std::uint8_t> failing,
                                  std::span<const CaseSlices> slices) {
  if (!score_)
    score_ = std::make_unique<Statement>(
        c_, "INSERT OR REPLACE INTO run_scores (key, failing, cells, scores) VALUES (?,?,?,?)");
  // Packed whole (about 18 bytes a case) when not packed ahead.
  PackedScores own;
  if (packed == nullptr) {
    own = pack_scores(scores);
    packed = &own;
  }
  const std::size_t n = scores.n_cases(), dims = scores.n_dimensions();
  const std::size_t blocks = (n + kBlockCases - 1) / kBlockCases;
  if (packed->n_cases != n || packed->n_dimensions != dims || packed->blocks.size() != blocks)
    throw std::logic_error("finish_run: the packed scores are not the run's");
  for (std::size_t b = 0; b < blocks; ++b) {
    const std::size_t first = b * kBlockCases;
    const std::size_t in_block = std::min(kBlockCases, n - first);
    score_->bind(1, row_key(key, b))
        .bind_blob(2, failing_masks(failing, dims, first, in_block))
        .bind_blob(3, cells_blob(slices, first, in_block))
        .bind_blob_uncopied(4, packed->blocks[b]);
    score_->run();
  }
}

// The text index of a complete run, built once, by its first text search: each case's input and
// its answer's output under the case's row key, in one transaction (a second process searching
// at the same time finds it built when it gets the lock).
void SqliteRunStore::ensure_text_index(const std::string& run) {
  const std::string id = c_.resolve_run_id(run);
  // The key of a complete run without its text index; none otherwise.
  const auto to_index = [&]() -> std::optional<std::pair<std::int64_t, std::int64_t>> {
    Statement s(c_,
                "SELECT key, text_indexed, status, coalesce(lines_key, key) FROM runs WHERE id = ?");
    s.bind(1, id);
    if (!s.step() || s.integer(1) != 0 || s.text(2) != to_string(RunStatus::complete))
      return std::nullopt;
    return std::pair{s.integer(0), s.integer(3)};
  };
  if (!to_index()) return;
  SqliteConnection::Transaction tx(c_);
  const auto found = to_index();  // again, under the write lock
  if (!found) {
    tx.commit();
    return;
  }
  const auto [key, lines_key] = *found;
  const std::string where = fmt::format("store '{}': run {}", c_.path(), id);
  std::vector<std::string> outputs(kBlockCases);
  Statement insert(c_, "INSERT INTO run_text (rowid, input, output) VALUES (?,?,?)");
  Statement blocks(c_, "SELECT key, lines FROM run_blocks WHERE key BETWEEN ? AND ? ORDER BY key");
  blocks.bind(1, row_key(lines_key, 0)).bind(2, row_key(lines_key, 0xFFFFFFFF));
  while (blocks.step()) {
    const std::size_t b = row_low(blocks.integer(0));
    packer_.unpack(blocks.blob(1), raw_, where);
    std::string text;
    for (Reader r(raw_, where); !r.done();) (text += r.item()) += '\n';
    Dataset cases;
    parse_cases(text, where, cases);
    std::fill(outputs.begin(), outputs.end(), std::string());
    read_answers(key, b, /*whole_run=*/false, [&](std::size_t, auto& answers) {
      each_answer(answers, where,
                  [&](std::size_t k, Response&& r) { outputs[k] = std::move(r.output); });
    });
    for (std::size_t k = 0; k < cases.cases.size() && k < kBlockCases; ++k) {
      insert.bind(1, row_key(key, b * kBlockCases + k))
          .bind(2, cases.cases[k].input)
          .bind(3, outputs[k]);
      insert.run();
    }
  }
  Statement done(c_, "UPDATE runs SET text_indexed = 1 WHERE key = ?");
  done.bind(1, key);
  done.run();
  tx.commit();
}

std::int64_t SqliteRunStore::key_of(const std::string& run_id) {
  if (run_id == last_run_) return last_key_;
  Statement s(c_, "SELECT key FROM runs WHERE id = ?");
  s.bind(1, run_id);
  if (!s.step() || s.is_null(0))
    throw RunError(fmt::format("store '{}': run '{}' is not stored", c_.path(), run_id));
  last_key_ = s.integer(0);
  last_run_ = run_id;
  return last_key_;
}

void SqliteRunStore::save_run(const StoredRun& run) {
  SqliteConnection::Transaction tx(c_);
  const std::size_t n = run.case_lines.size();
  const std::int64_t key = insert_run(run, run.info.status, n);
  write_blocks(
      key, n, [&](std::size_t i) { return std::string_view(run.responses[i].id); },
      [&](std::size_t i) { return std::string_view(run.case_lines[i]); });
  std::vector<std::size_t> indexes(n);
  for (std::size_t i = 0; i < n; ++i) indexes[i] = i;
  write_answers(key, indexes,
                [&](std::size_t k, std::string& out) { put_answer(out, run.responses[k]); });
  if (run.scores.n_cases() > 0) write_scores(key, run.scores, nullptr, {}, {});
  tx.commit();
}

// Runs of one dataset share its blocks: a dataset is stored once, however many models or prompts
// are run on it. A candidate is checked beyond its hash: the same number of cases, and its first
// and last blocks hold these cases' ids and lines.
std::optional<std::int64_t> SqliteRunStore::stored_lines(const std::string& dataset_hash,
                                                         std::span<const Case> cases,
                                                         std::span<const std::string_view> lines) {
  const std::size_t n = cases.size();
  if (dataset_hash.empty() || n == 0 || lines.size() != n) return std::nullopt;
  const std::size_t last = (n - 1) / kBlockCases;
  const std::string where = fmt::format("store '{}'", c_.path());
  Statement candidates(c_,
                       "SELECT DISTINCT coalesce(lines_key, key) FROM runs "
                       "WHERE dataset_hash = ? AND key IS NOT NULL ORDER BY 1 DESC LIMIT 8");
  candidates.bind(1, dataset_hash);
  Statement block(c_, "SELECT n, ids, lines FROM run_blocks WHERE key = ?");
  Statement beyond(c_, "SELECT 1 FROM run_blocks WHERE key = ?");
  const auto holds = [&](std::int64_t owner, std::size_t b) {
    block.bind(1, row_key(owner, b));
    bool same = false;
    if (block.step()) {
      const std::size_t first = b * kBlockCases, count = std::min(kBlockCases, n - first);
      same = static_cast<std::size_t>(block.integer(0)) == count;
      packer_.unpack(block.blob(1), raw_, where);
      Reader ids(raw_, where);
      for (std::size_t i = first; same && i < first + count; ++i)
        same = !ids.done() && ids.item() == cases[i].id;
      packer_.unpack(block.blob(2), raw_, where);
      Reader stored(raw_, where);
      for (std::size_t i = first; same && i < first + count; ++i)
        same = !stored.done() && stored.item() == lines[i];
    }
    block.reset();
    return same;
  };
  while (candidates.step()) {
    const std::int64_t owner = candidates.integer(0);
    beyond.bind(1, row_key(owner, last + 1));
    const bool longer = beyond.step();
    beyond.reset();
    if (!longer && holds(owner, 0) && holds(owner, last)) return owner;
  }
  return std::nullopt;
}

void SqliteRunStore::begin_run(const RunRecord& record, std::span<const Case> cases,
                               std::span<const std::string_view> lines,
                               const std::function<void(std::size_t)>& written) {
  SqliteConnection::Transaction tx(c_);
  const std::optional<std::int64_t> shared =
      stored_lines(record.info.dataset_hash, cases, lines);
  const std::int64_t key = insert_run(record, RunStatus::running, cases.size());
  if (shared) {
    Statement s(c_, "UPDATE runs SET lines_key = ? WHERE key = ?");
    s.bind(1, *shared).bind(2, key);
    s.run();
  } else {
    write_blocks(
        key, cases.size(), [&](std::size_t i) { return std::string_view(cases[i].id); },
        [&](std::size_t i) { return i < lines.size() ? lines[i] : std::string_view(); }, written);
  }
  tx.commit();
}

void SqliteRunStore::save_answers(const std::string& run_id,
                                  std::span<const StoredAnswer> answers) {
  if (answers.empty()) return;
  SqliteConnection::Transaction tx(c_);
  const std::int64_t key = key_of(run_id);
  std::vector<std::size_t> indexes(answers.size());
  for (std::size_t k = 0; k < answers.size(); ++k) indexes[k] = answers[k].index;
  write_answers(key, indexes,
                [&](std::size_t k, std::string& out) { put_answer(out, *answers[k].response); });
  tx.commit();
}

void SqliteRunStore::finish_run(const RunInfo& i, const RunResults* results) {
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
  // A run already indexed (a second `report` of a migrated run) keeps what it has.
  if (results != nullptr && results->scores != nullptr && !meta(i.id).indexed) {
    const std::int64_t key = key_of(i.id);
    write_scores(key, *results->scores, results->packed, results->failing, results->slices);
    Statement s(c_, "UPDATE runs SET report = ?, slices = ? WHERE key = ?");
    if (results->report.empty()) {
      s.bind_null(1);
    } else {
      packer_.pack(results->report, packed_);
      s.bind_blob(1, packed_);
    }
    s.bind(2, slices_json(results->slices)).bind(3, key);
    s.run();
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

SqliteRunStore::Meta SqliteRunStore::meta(const std::string& id) {
  Meta m;
  Statement s(c_,
              "SELECT id, key, status, n_cases, dimensions, slices, coalesce(lines_key, key) "
              "FROM runs WHERE id = ?");
  s.bind(1, c_.resolve_run_id(id));
  if (!s.step())
    throw RunError(fmt::format("store '{}': run '{}' vanished while it was read", c_.path(), id));
  m.id = s.text(0);
  m.key = s.integer(1);
  m.status = parse_run_status(s.text(2)).value_or(RunStatus::running);
  m.n_cases = static_cast<std::size_t>(s.integer(3));
  m.dimensions = split_lines(s.text(4));
  m.lines_key = s.integer(6);
  m.scored = m.status == RunStatus::complete;
  m.indexed = m.scored && !s.is_null(5);
  if (!s.is_null(5)) {
    const auto j = nlohmann::json::parse(s.text(5), nullptr, false);
    if (!j.is_array())
      throw RunError(fmt::format("store '{}': run {} has a damaged slice list", c_.path(), m.id));
    for (const auto& e : j)
      m.slices.push_back({e.value("slice", ""), e.value("values", std::vector<std::string>{})});
  }
  return m;
}

StoredRun SqliteRunStore::load_run(const std::string& id) { return load(id, true); }
StoredRun SqliteRunStore::load_summary(const std::string& id) { return load(id, false); }

StoredRun SqliteRunStore::load(const std::string& id, bool with_cases) {
  const SqliteConnection::Snapshot snapshot(c_);  // the record, cases and scores of one moment
  const std::string full = c_.resolve_run_id(id);
  StoredRun run;
  {
    Statement s(c_, fmt::format("SELECT {}, suite_text, dimensions, report FROM runs WHERE id = ?",
                                kRunColumns)
                        .c_str());
    s.bind(1, full);
    if (!s.step())
      throw RunError(fmt::format("store '{}': run '{}' vanished while it was read", c_.path(), full));
    run.info = read_info(s);
    run.suite_file = s.text(2);
    run.suite_text = s.text(kRunColumnCount);
    run.dimensions = split_lines(s.text(kRunColumnCount + 1));
    if (!s.is_null(kRunColumnCount + 2))
      packer_.unpack(s.blob(kRunColumnCount + 2), run.report, fmt::format("store '{}': run {}", c_.path(), full));
    s.reset();
  }
  if (run.info.status == RunStatus::monitor) {
    if (with_cases) load_monitor_sample(full, run);
    return run;
  }
  if (with_cases) load_cases(meta(full), run);
  return run;
}

// The cases of a run from its blocks, the answers merged in by index, the scores by block.
void SqliteRunStore::load_cases(const Meta& m, StoredRun& run) {
  const std::string where = fmt::format("store '{}': run {}", c_.path(), m.id);
  std::vector<std::string> ids;
  {
    Statement s(c_, "SELECT ids, lines FROM run_blocks WHERE key BETWEEN ? AND ? ORDER BY key");
    s.bind(1, row_key(m.lines_key, 0)).bind(2, row_key(m.lines_key, 0xFFFFFFFF));
    while (s.step()) {
      packer_.unpack(s.blob(0), raw_, where);
      for (Reader r(raw_, where); !r.done();) ids.emplace_back(r.item());
      packer_.unpack(s.blob(1), raw_, where);
      for (Reader r(raw_, where); !r.done();) run.case_lines.emplace_back(r.item());
    }
  }
  const std::size_t n = run.case_lines.size();
  if (n != m.n_cases) {
    throw RunError(fmt::format("{}: {} case lines are stored for its {} cases (the file is "
                               "damaged or was edited)",
                               where, n, m.n_cases));
  }
  run.answered.assign(n, 0);
  run.responses.resize(n);
  read_answers(m.key, 0, /*whole_run=*/true, [&](std::size_t b, auto& answers) {
    each_answer(answers, where, [&](std::size_t k, Response&& r) {
      const std::size_t i = b * kBlockCases + k;
      if (i >= n) return;
      run.answered[i] = 1;
      run.responses[i] = std::move(r);
    });
  });
  // An empty response, with the case's id, in each unanswered case's place.
  for (std::size_t i = 0; i < n; ++i)
    if (!run.answered[i]) run.responses[i].id = i < ids.size() ? ids[i] : std::string();
  if (!m.scored) return;
  const std::size_t dims = run.dimensions.size();
  run.scores = ScoreTable(n, dims);
  Statement s(c_, "SELECT key, scores FROM run_scores WHERE key BETWEEN ? AND ? ORDER BY key");
  s.bind(1, row_key(m.key, 0)).bind(2, row_key(m.key, 0xFFFFFFFF));
  while (s.step()) {
    const std::size_t first = row_low(s.integer(0)) * kBlockCases;
    packer_.unpack(s.blob(1), raw_, where);
    Reader r(raw_, where);
    for (std::size_t i = first; !r.done() && i < n; ++i)
      for (std::size_t d = 0; d < dims; ++d) run.scores.set(i, d, read_score(r));
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


// Migration 6, in its transaction: every run of schema 5 gets a key (in the order the runs
// started), its cases, answers and scores are written in the run format, and the old tables go.
// A converted run has no stored report, failing masks or slice cells yet: the first `qualbar
// report` of it builds the report and stores them (load_stored_run).
void convert_v5_runs(SqliteConnection& c) {
  SqliteRunStore runs(c);
  std::vector<std::pair<std::string, std::size_t>> ids;  // run id, dimensions
  {
    Statement s(c, "SELECT id, dimensions FROM runs ORDER BY started_at, id");
    while (s.step()) ids.emplace_back(s.text(0), split_lines(s.text(1)).size());
  }
  for (const auto& [id, dims] : ids) {
    const std::int64_t key = next_run_key(c);
    Statement set(c, "UPDATE runs SET key = ? WHERE id = ?");
    set.bind(1, key).bind(2, id);
    set.run();
    std::vector<std::string> case_ids, lines, answers;
    std::vector<std::size_t> answered;
    {
      Statement s(c, "SELECT case_id, case_json, response_json FROM cases WHERE run_id = ? ORDER "
                     "BY idx");
      s.bind(1, id);
      while (s.step()) {
        case_ids.push_back(s.text(0));
        lines.push_back(s.text(1));
        if (!s.is_null(2)) {
          answered.push_back(lines.size() - 1);
          answers.push_back(s.text(2));
        }
      }
    }
    runs.write_answers(key, answered,
                       [&](std::size_t k, std::string& out) { out += answers[k]; });
    runs.write_blocks(
        key, lines.size(), [&](std::size_t i) { return std::string_view(case_ids[i]); },
        [&](std::size_t i) { return std::string_view(lines[i]); });
    ScoreTable scores(lines.size(), dims);
    bool any = false;
    Statement s(c, "SELECT idx, dimension, value, status, evidence FROM scores WHERE run_id = ?");
    s.bind(1, id);
    while (s.step()) {
      const auto i = static_cast<std::size_t>(s.integer(0));
      const auto d = static_cast<std::size_t>(s.integer(1));
      const std::int64_t status = s.integer(3);
      if (status < 0 || status > static_cast<std::int64_t>(ScoreStatus::ungraded))
        throw RunError(fmt::format("store '{}': run {} holds a score of a kind this qualbar does "
                                   "not know ({}): it was written by a newer qualbar",
                                   c.path(), id, status));
      if (i >= scores.n_cases() || d >= dims) continue;
      scores.set(i, d, Score{s.real(2), static_cast<ScoreStatus>(status), s.text(4)});
      any = true;
    }
    if (any) runs.write_scores(key, scores, nullptr, {}, {});
  }
  c.exec("DROP TABLE scores; DROP TABLE cases;");
}

void SqliteRunStore::set_run_labels(const std::string& id, const std::vector<std::string>& labels,
                                    const std::string& note) {
  Statement s(c_, "UPDATE runs SET labels = ?, note = ? WHERE id = ?");
  s.bind(1, dimension_lines(labels)).bind(2, note).bind(3, c_.resolve_run_id(id));
  s.run();
}

void SqliteRunStore::set_run_archived(const std::string& id, const std::string& at) {
  Statement s(c_, "UPDATE runs SET archived_at = ? WHERE id = ?");
  s.bind(1, at).bind(2, c_.resolve_run_id(id));
  s.run();
}

void SqliteRunStore::delete_run(const std::string& id) {
  SqliteConnection::Transaction tx(c_);
  const std::string full = c_.resolve_run_id(id);
  {
    Statement status(c_, "SELECT status FROM runs WHERE id = ?");
    status.bind(1, full);
    if (status.step() && status.text(0) == "monitor") {
      throw InputError(fmt::format("{} is a monitor: deleting it would delete its production "
                                   "records, samples and incidents; runs delete takes runs only",
                                   full));
    }
  }
  {
    Statement lock(c_, "SELECT host, pid FROM run_locks WHERE run_id = ?");
    lock.bind(1, full);
    if (lock.step()) {
      throw InputError(fmt::format("run {} is being answered by process {} on {}: stop it first",
                                   full, lock.integer(1), lock.text(0)));
    }
  }
  // The review queues that hand out its answers (alone or paired with another run's) go with it:
  // their items and grades do. Then the pairs whose second run it is (run_b).
  Statement queues(c_,
                   "DELETE FROM review_queues WHERE id IN (SELECT e.queue_id FROM "
                   "review_queue_entries e JOIN review_items i ON i.id = e.item_id WHERE "
                   "i.run_id = ?1 OR i.run_b = ?1)");
  queues.bind(1, full);
  queues.run();
  Statement pairs(c_, "DELETE FROM review_items WHERE run_b = ?");
  pairs.bind(1, full);
  pairs.run();
  Statement s(c_, "DELETE FROM runs WHERE id = ?");
  s.bind(1, full);
  s.run();
  tx.commit();
}

}  // namespace qb::detail
