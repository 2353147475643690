#include "qualbar/bind/bind.hpp"
#include "qualbar/store/store.hpp"

#include <sqlite3.h>
#include <zstd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <ranges>
#include <regex>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "../cli/run_qualbar.hpp"
#include "../support/same_response.hpp"
#include "qualbar/core/error.hpp"
#include "qualbar/io/dataset.hpp"
#include "qualbar/providers/provider.hpp"
#include "qualbar/run/runner.hpp"
#include "qualbar/suite/suite.hpp"
#include "store/run_blocks.hpp"

namespace qb {
namespace QB_UNITY_ID {

namespace fs = std::filesystem;
// "text" contains "part", printing both when it does not.
::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "' does not contain '" << part << "'";
}

// --- sqlite3, read directly: what is really in the file, not what the store says ---

class Db {
 public:
  explicit Db(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << "sqlite3 cannot open " << path;
    }
  }
  ~Db() { sqlite3_close(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // First column of every row, as text.
  std::vector<std::string> column(const std::string& sql) {
    std::vector<std::string> out;
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
      return out;
    }
    while (sqlite3_step(s) == SQLITE_ROW) {
      const auto* p = sqlite3_column_text(s, 0);
      out.emplace_back(p ? reinterpret_cast<const char*>(p) : "<NULL>");
    }
    sqlite3_finalize(s);
    return out;
  }
  std::string text(const std::string& sql) {
    const auto rows = column(sql);
    return rows.empty() ? std::string("<no row>") : rows.front();
  }
  long long integer(const std::string& sql) { return std::stoll(text(sql)); }
  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK)
      ADD_FAILURE() << sql << ": " << (err ? err : "");
    sqlite3_free(err);
  }
  // The first row's first column as bytes, and a statement run with one blob bound.
  std::string blob(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
      out.assign(static_cast<const char*>(sqlite3_column_blob(s, 0)),
                 static_cast<std::size_t>(sqlite3_column_bytes(s, 0)));
    } else {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
    }
    sqlite3_finalize(s);
    return out;
  }
  void set_blob(const std::string& sql, const std::string& bytes) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK ||
        sqlite3_bind_blob(s, 1, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT) !=
            SQLITE_OK ||
        sqlite3_step(s) != SQLITE_DONE)
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
    sqlite3_finalize(s);
  }

 private:
  sqlite3* db_ = nullptr;
};

void write(const fs::path& p, const std::string& content) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << content;
}

// --- a small suite, as a user would write it ---

constexpr const char* kSuite = R"(schema_version: 1
name: store-roundtrip
datasets: cases.jsonl
system:
  provider: replay
  responses: responses.jsonl
dimensions:
  answer:
    scorer: token-f1
    threshold: 0.5
  routing: label-match
  latency: latency
  cost: cost
slices: [category]
)";

// c1: every field; c2: no expected_label (routing does not apply), non-ASCII text;
// c3: the recorded call failed; c4: no recorded response at all.
constexpr const char* kCases =
    R"({"id":"c1","category":"billing","language":"en","input":"Why was I charged twice?","reference":"the duplicate charge is refunded within five days","expected_label":"billing","tags":["duplicate","known-failure-17"],"metadata":{"customer_tier":"gold"}})"
    "\n"
    R"({"id":"c2","category":"refunds","language":"de","input":"Grüße — wann kommt meine Rückerstattung? ¿qué?","reference":"innerhalb von zehn Tagen"})"
    "\n"
    R"({"id":"c3","category":"billing","input":"Cancel my plan","reference":"plan cancelled","expected_label":"account"})"
    "\n"
    R"({"id":"c4","input":"hello","reference":"hi there","expected_label":"other","region":"emea"})"
    "\n";

// In another order than the cases, with a response for no case ("zz"). Unknown fields are tested
// on their own (AResponsesUnknownFieldsRoundTrip, in a child process: a crash fails one test).
constexpr const char* kResponses =
    R"({"id":"c2","output":"Die Rückerstattung kommt innerhalb von zehn Tagen.","latency_ms":640.5,"model":"bot-v2","error":null})"
    "\n"
    R"({"id":"c1","output":"The duplicate charge is refunded within five business days.","confidence":0.8125,"citations":["kb-1#2","kb-9"],"label":"billing","latency_ms":812,"ttft_ms":210.25,"usage":{"input_tokens":512,"output_tokens":96},"cost_usd":0.00123,"model":"bot-v2","error":null})"
    "\n"
    R"({"id":"c3","output":"","latency_ms":30000,"cost_usd":0.0001,"model":"bot-v2","error":"HTTP 503: upstream timed out"})"
    "\n"
    R"({"id":"zz","output":"orphan","model":"bot-v2"})"
    "\n";

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / fmt::format("qb-store-{}-{}", ::getpid(), info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_path_ = (dir_ / "qualbar.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A real run: the suite's dataset through the replay provider, scored, as the store keeps it.
  StoredRun make_run(const std::string& responses = kResponses) {
    write(dir_ / "suite.yaml", kSuite);
    write(dir_ / "cases.jsonl", kCases);
    write(dir_ / "responses.jsonl", responses);
    suite_ = read_suite(kSuite, (dir_ / "suite.yaml").string(), dir_);
    dataset_ = Dataset{};
    parse_cases(kCases, "cases.jsonl", dataset_);
    dataset_.hash = "0123456789abcdef";
    auto provider = provider_registry().get("replay").make(suite_, ProviderOptions{});
    const RunResult result = execute_run(suite_, dataset_, *provider, "replay");
    return to_stored_run(suite_, dataset_, result);
  }

  // The same run under another id and start time.
  StoredRun copy_of(const StoredRun& run, const std::string& id, const std::string& started_at) {
    StoredRun r = run;
    r.info.id = id;
    r.info.started_at = started_at;
    r.info.ended_at = started_at;
    return r;
  }

  fs::path dir_;
  std::string db_path_;
  Suite suite_;
  Dataset dataset_;
};

void expect_same_info(const RunInfo& got, const RunInfo& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.suite_name, want.suite_name);
  EXPECT_EQ(got.suite_hash, want.suite_hash);
  EXPECT_EQ(got.bars_hash, want.bars_hash);
  EXPECT_EQ(got.dataset_hash, want.dataset_hash);
  EXPECT_EQ(got.model, want.model);
  EXPECT_EQ(got.provider, want.provider);
  EXPECT_EQ(got.provider_json, want.provider_json);
  EXPECT_EQ(got.qualbar_version, want.qualbar_version);
  EXPECT_EQ(got.started_at, want.started_at);
  EXPECT_EQ(got.ended_at, want.ended_at);
  EXPECT_EQ(got.host, want.host);
  EXPECT_EQ(got.user, want.user);
  EXPECT_EQ(got.status, want.status);
  EXPECT_EQ(got.n_cases, want.n_cases);
  EXPECT_EQ(got.n_errors, want.n_errors);
  EXPECT_EQ(got.passed, want.passed);
}

using test::expect_same_response;

void expect_same_run(const StoredRun& got, const StoredRun& want) {
  expect_same_info(got.info, want.info);
  EXPECT_EQ(got.suite_text, want.suite_text);
  EXPECT_EQ(got.suite_file, want.suite_file);
  EXPECT_EQ(got.dimensions, want.dimensions);
  EXPECT_EQ(got.case_lines, want.case_lines);
  ASSERT_EQ(got.responses.size(), want.responses.size());
  for (std::size_t i = 0; i < want.responses.size(); ++i)
    expect_same_response(got.responses[i], want.responses[i]);
  ASSERT_EQ(got.scores.n_cases(), want.scores.n_cases());
  ASSERT_EQ(got.scores.n_dimensions(), want.scores.n_dimensions());
  for (std::size_t c = 0; c < want.scores.n_cases(); ++c) {
    for (std::size_t d = 0; d < want.scores.n_dimensions(); ++d) {
      SCOPED_TRACE(fmt::format("case {} dimension {}", c, want.dimensions[d]));
      EXPECT_EQ(got.scores.at(c, d).value, want.scores.at(c, d).value);
      EXPECT_EQ(got.scores.at(c, d).status, want.scores.at(c, d).status);
      EXPECT_EQ(got.scores.at(c, d).evidence, want.scores.at(c, d).evidence);
    }
  }
}

TEST_F(SqliteStoreTest, NewStoreIsInWalModeAtTheLatestSchemaVersion) {
  const std::string nested = (dir_ / "a" / "b" / "qualbar.db").string();
  auto store = open_store(nested);
  ASSERT_TRUE(fs::exists(nested)) << "open_store creates the file and its folders";
  Db db(nested);
  EXPECT_EQ(db.text("PRAGMA journal_mode"), "wal");
  const int version = store->schema_version();
  EXPECT_GE(version, 1);
  EXPECT_EQ(db.integer("SELECT MAX(version) FROM schema_migrations"), version);
  // Every migration applied once, in order: 1..N.
  EXPECT_EQ(db.integer("SELECT COUNT(*) FROM schema_migrations"), version);
  EXPECT_EQ(db.integer("SELECT MIN(version) FROM schema_migrations"), 1);
  EXPECT_EQ(db.column("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN "
                      "('runs','cases','scores','run_blocks','run_answers','run_scores') ORDER BY "
                      "name"),
            (std::vector<std::string>{"run_answers", "run_blocks", "run_scores", "runs"}));
}

TEST_F(SqliteStoreTest, ARealRunRoundTripsExactlyByIdPrefixAndLatest) {
  const StoredRun run = make_run();
  // The fixture covers what must survive: errors, not-applicable scores, evidence, extra fields.
  ASSERT_EQ(run.case_lines.size(), 4u);
  ASSERT_EQ(run.dimensions,
            (std::vector<std::string>{"answer", "routing", "latency", "cost", "errors"}));
  ASSERT_EQ(run.scores.at(1, 1).status, ScoreStatus::not_applicable);
  ASSERT_EQ(run.scores.at(2, 0).status, ScoreStatus::error);
  ASSERT_EQ(run.scores.at(3, 0).status, ScoreStatus::error);
  ASSERT_TRUE(run.scores.at(0, 0).evidence.empty() || run.scores.at(0, 0).value < 1.0);
  ASSERT_TRUE(run.responses[3].is_error());

  StoredRun saved = run;
  saved.info.passed = true;  // every RunInfo field distinct from its default
  {
    auto store = open_store(db_path_);
    store->runs().save_run(saved);
  }
  auto store = open_store(db_path_);
  expect_same_run(store->runs().load_run(saved.info.id), saved);
  expect_same_run(store->runs().load_run(saved.info.id.substr(0, saved.info.id.size() - 2)), saved);
  expect_same_run(store->runs().load_run("latest"), saved);
}

// Unknown response fields are kept (extra_json) and must survive the store. Run in a child process
// so that a crash fails this test instead of ending the whole test binary.
using SqliteStoreDeathTest = SqliteStoreTest;

TEST_F(SqliteStoreDeathTest, AResponsesUnknownFieldsRoundTrip) {
  const std::string responses =
      R"({"id":"c1","output":"refunded within five days","label":"billing","model":"bot-v2","trace":{"span":"abc","hops":[1,2]},"region":"eu"})"
      "\n"
      R"({"id":"c2","output":"zehn Tagen","ab_bucket":7})"
      "\n";
  const StoredRun run = make_run(responses);
  ASSERT_EQ(run.responses[0].details().extra_json,
            R"({"region":"eu","trace":{"hops":[1,2],"span":"abc"}})");
  ASSERT_EQ(run.responses[1].details().extra_json, R"({"ab_bucket":7})");
  EXPECT_EXIT(
      {
        auto store = open_store(db_path_);
        store->runs().save_run(run);
        const StoredRun back = store->runs().load_run(run.info.id);
        bool same = back.responses.size() == run.responses.size();
        for (std::size_t i = 0; same && i < run.responses.size(); ++i) {
          same = back.responses[i].details().extra_json == run.responses[i].details().extra_json &&
                 back.responses[i].output == run.responses[i].output;
        }
        std::exit(same ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST_F(SqliteStoreTest, ListRunsIsNewestFirstAndRespectsTheLimit) {
  const StoredRun base = make_run();
  auto store = open_store(db_path_);
  // Saved out of order: the order comes from started_at, not from insertion.
  store->runs().save_run(copy_of(base, "r-20260102-000000-bbbb", "2026-01-02T00:00:00.000Z"));
  store->runs().save_run(copy_of(base, "r-20260103-000000-cccc", "2026-01-03T00:00:00.000Z"));
  store->runs().save_run(copy_of(base, "r-20260101-000000-aaaa", "2026-01-01T00:00:00.000Z"));

  std::vector<std::string> ids;
  for (const RunInfo& r : store->runs().list_runs(10)) ids.push_back(r.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"r-20260103-000000-cccc", "r-20260102-000000-bbbb",
                                           "r-20260101-000000-aaaa"}));

  const auto two = store->runs().list_runs(2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].id, "r-20260103-000000-cccc");
  EXPECT_EQ(two[1].id, "r-20260102-000000-bbbb");
  expect_same_info(two[1],
                   copy_of(base, "r-20260102-000000-bbbb", "2026-01-02T00:00:00.000Z").info);

  EXPECT_EQ(store->runs().load_run("latest").info.id, "r-20260103-000000-cccc");
}

TEST_F(SqliteStoreTest, PrefixesPickTheOneRunTheyName) {
  const StoredRun base = make_run();
  auto store = open_store(db_path_);
  store->runs().save_run(copy_of(base, "r-1", "2026-01-01T00:00:00.000Z"));
  store->runs().save_run(copy_of(base, "r-10", "2026-01-02T00:00:00.000Z"));
  store->runs().save_run(copy_of(base, "r-2", "2026-01-03T00:00:00.000Z"));

  EXPECT_EQ(store->runs().load_run("r-2").info.id, "r-2");
  EXPECT_EQ(store->runs().load_run("r-10").info.id, "r-10");
  // A full id that is also a prefix of another id is that run, not ambiguous.
  EXPECT_EQ(store->runs().load_run("r-1").info.id, "r-1");
  try {
    (void)store->runs().load_run("r-");
    ADD_FAILURE() << "an ambiguous prefix must be refused";
  } catch (const InputError& e) {
    EXPECT_TRUE(Contains(e.what(), "'r-' is ambiguous"));
  }
}

TEST_F(SqliteStoreTest, UnknownIdIsAnInputErrorNamingTheIdAndTheStore) {
  const StoredRun base = make_run();
  auto store = open_store(db_path_);
  store->runs().save_run(base);
  try {
    (void)store->runs().load_run("r-nope");
    ADD_FAILURE() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(
        std::string(e.what()),
        fmt::format("no run 'r-nope' in the store '{0}'; `qualbar runs --store {0}` lists them",
                    db_path_));
  }
}

TEST_F(SqliteStoreTest, LatestOnAnEmptyStoreIsAnInputError) {
  auto store = open_store(db_path_);
  EXPECT_TRUE(store->runs().list_runs(10).empty());
  try {
    (void)store->runs().load_run("latest");
    ADD_FAILURE() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(
        std::string(e.what()),
        fmt::format("the store '{0}' has no runs yet: run `qualbar run SUITE --store {0}` first",
                    db_path_));
  }
}

TEST_F(SqliteStoreTest, SavingAnExistingIdFailsAndLeavesTheStoreAsItWas) {
  const StoredRun base = make_run();
  auto store = open_store(db_path_);
  store->runs().save_run(copy_of(base, "r-a", "2026-01-01T00:00:00.000Z"));
  store->runs().save_run(copy_of(base, "r-b", "2026-01-02T00:00:00.000Z"));
  const long long cases_per_run = static_cast<long long>(base.case_lines.size());
  const long long blocks_per_run = (cases_per_run + 63) / 64;

  StoredRun again = copy_of(base, "r-a", "2026-02-01T00:00:00.000Z");
  again.info.model = "other-model";
  EXPECT_THROW(store->runs().save_run(again), RunError);

  Db db(db_path_);
  EXPECT_EQ(db.column("SELECT id FROM runs ORDER BY id"), (std::vector<std::string>{"r-a", "r-b"}));
  EXPECT_EQ(db.integer("SELECT COUNT(*) FROM run_blocks"), 2 * blocks_per_run);
  EXPECT_EQ(db.integer("SELECT SUM(n) FROM run_answers"), 2 * cases_per_run);
  EXPECT_EQ(db.integer("SELECT COUNT(*) FROM run_scores"), 2 * blocks_per_run);
  EXPECT_EQ(store->runs().load_run("r-a").info.model, base.info.model);
  // The store is still usable afterwards.
  store->runs().save_run(copy_of(base, "r-c", "2026-01-03T00:00:00.000Z"));
  EXPECT_EQ(store->runs().list_runs(10).size(), 3u);
}

TEST_F(SqliteStoreTest, DuplicateRunIdErrorNamesTheRunId) {
  const StoredRun base = make_run();
  auto store = open_store(db_path_);
  store->runs().save_run(copy_of(base, "r-20260101-000000-abcd", "2026-01-01T00:00:00.000Z"));
  try {
    store->runs().save_run(copy_of(base, "r-20260101-000000-abcd", "2026-01-01T00:00:00.000Z"));
    ADD_FAILURE() << "expected RunError";
  } catch (const RunError& e) {
    EXPECT_TRUE(Contains(e.what(), db_path_));
    // STYLE.md: every message names the place (run id, ...) and what to do.
    EXPECT_TRUE(Contains(e.what(), "r-20260101-000000-abcd"));
  }
}

TEST_F(SqliteStoreTest, AFailureHalfwayThroughASaveLeavesNothingOfTheRun) {
  const StoredRun base = make_run();
  auto store = open_store(db_path_);
  store->runs().save_run(copy_of(base, "r-a", "2026-01-01T00:00:00.000Z"));
  {
    // Make the scores of r-b fail to insert, after its row, case blocks and answers went in.
    Db db(db_path_);
    db.exec(
        "CREATE TRIGGER fail_third BEFORE INSERT ON run_scores WHEN NEW.key >= 2 * 4294967296 "
        "BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
  }
  try {
    store->runs().save_run(copy_of(base, "r-b", "2026-01-02T00:00:00.000Z"));
    ADD_FAILURE() << "expected RunError";
  } catch (const RunError& e) {
    EXPECT_TRUE(Contains(e.what(), "injected failure"));
  }
  Db db(db_path_);
  EXPECT_EQ(db.column("SELECT id FROM runs"), (std::vector<std::string>{"r-a"}));
  // Nothing of r-b (key 2: keys are never reused) is left in any table.
  EXPECT_EQ(db.integer("SELECT COUNT(*) FROM run_blocks WHERE key >= 2 * 4294967296"), 0);
  EXPECT_EQ(db.integer("SELECT COUNT(*) FROM run_answers WHERE block >= 2 * 4294967296"), 0);
  EXPECT_EQ(db.integer("SELECT SUM(n) FROM run_answers"),
            static_cast<long long>(base.case_lines.size()));
  // The same store goes on: nothing of the failed save is left open or half-bound.
  db.exec("DROP TRIGGER fail_third");
  store->runs().save_run(copy_of(base, "r-c", "2026-01-03T00:00:00.000Z"));
  expect_same_run(store->runs().load_run("r-c"), copy_of(base, "r-c", "2026-01-03T00:00:00.000Z"));
  EXPECT_EQ(db.column("SELECT id FROM runs ORDER BY id"), (std::vector<std::string>{"r-a", "r-c"}));
}

TEST_F(SqliteStoreTest, ReopeningDoesNotRerunMigrations) {
  int version = 0;
  {
    auto store = open_store(db_path_);
    version = store->schema_version();
    store->runs().save_run(make_run());
  }
  std::vector<std::string> before;
  {
    Db db(db_path_);
    before =
        db.column("SELECT version || ' ' || applied_at FROM schema_migrations ORDER BY version");
  }
  for (int i = 0; i < 2; ++i) {
    auto store = open_store(db_path_);
    EXPECT_EQ(store->schema_version(), version);
    EXPECT_EQ(store->runs().list_runs(10).size(), 1u);
  }
  Db db(db_path_);
  EXPECT_EQ(db.integer("SELECT COUNT(*) FROM schema_migrations"), version);
  EXPECT_EQ(
      db.column("SELECT version || ' ' || applied_at FROM schema_migrations ORDER BY version"),
      before);
}

TEST_F(SqliteStoreTest, AFileThatIsNotSqliteIsARunErrorNamingThePath) {
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>((i * 131 + 7) % 251));
  write(db_path_, garbage);
  try {
    (void)open_store(db_path_);
    ADD_FAILURE() << "expected RunError";
  } catch (const RunError& e) {
    EXPECT_TRUE(Contains(e.what(), "'" + db_path_ + "'"));
    EXPECT_TRUE(Contains(e.what(), "not a database"));
  }
}

TEST_F(SqliteStoreTest, AStoreThatCannotBeCreatedIsARunErrorNamingThePath) {
  write(dir_ / "a-file", "not a folder");
  const std::string path = (dir_ / "a-file" / "sub" / "qualbar.db").string();
  try {
    (void)open_store(path);
    ADD_FAILURE() << "expected RunError";
  } catch (const RunError& e) {
    EXPECT_TRUE(Contains(e.what(), "'" + path + "'"));
  }
}

TEST_F(SqliteStoreTest, TwoConnectionsShareOneStore) {
  const StoredRun base = make_run();
  auto a = open_store(db_path_);
  auto b = open_store(db_path_);
  a->runs().save_run(copy_of(base, "r-a", "2026-01-01T00:00:00.000Z"));
  b->runs().save_run(copy_of(base, "r-b", "2026-01-02T00:00:00.000Z"));
  EXPECT_EQ(a->runs().load_run("latest").info.id, "r-b");
  EXPECT_EQ(b->runs().load_run("r-a").info.id, "r-a");
  EXPECT_EQ(a->runs().list_runs(10).size(), 2u);
}

TEST_F(SqliteStoreTest, AStoreFromANewerQualbarIsRefused) {
  int known = 0;
  {
    auto store = open_store(db_path_);
    known = store->schema_version();
  }
  {
    Db db(db_path_);
    db.exec(fmt::format(
        "INSERT INTO schema_migrations (version, applied_at) VALUES ({}, '2030-01-01T00:00:00Z')",
        known + 7));
  }
  try {
    (void)open_store(db_path_);
    ADD_FAILURE() << "expected RunError";
  } catch (const RunError& e) {
    EXPECT_EQ(std::string(e.what()), fmt::format("the store '{}' has schema version {}, newer than "
                                                 "this qualbar understands ({}): upgrade qualbar",
                                                 db_path_, known + 7, known));
  }
}

// $QUALBAR_STORE set or unset for one scope, restored afterwards.
class ScopedStoreEnv {
 public:
  explicit ScopedStoreEnv(const char* value) {
    if (const char* old = std::getenv("QUALBAR_STORE")) old_ = old;
    if (value)
      ::setenv("QUALBAR_STORE", value, 1);
    else
      ::unsetenv("QUALBAR_STORE");
  }
  ~ScopedStoreEnv() {
    if (old_)
      ::setenv("QUALBAR_STORE", old_->c_str(), 1);
    else
      ::unsetenv("QUALBAR_STORE");
  }

 private:
  std::optional<std::string> old_;
};

TEST(ResolveStorePath, FlagBeatsEnvironmentBeatsSuiteBeatsDefault) {
  {
    ScopedStoreEnv env("/env/q.db");
    EXPECT_EQ(resolve_store_path("/flag/q.db", "/suite/q.db"), "/flag/q.db");
    EXPECT_EQ(resolve_store_path("", "/suite/q.db"), "/env/q.db");
    EXPECT_EQ(resolve_store_path("", ""), "/env/q.db");
  }
  {
    ScopedStoreEnv env(nullptr);
    EXPECT_EQ(resolve_store_path("/flag/q.db", "/suite/q.db"), "/flag/q.db");
    EXPECT_EQ(resolve_store_path("", "/suite/q.db"), "/suite/q.db");
    EXPECT_EQ(resolve_store_path("", ""), ".qualbar/qualbar.db");
  }
  {
    ScopedStoreEnv env("");  // set but empty: as if unset
    EXPECT_EQ(resolve_store_path("", "/suite/q.db"), "/suite/q.db");
  }
}

TEST(ResolveStorePath, TheSuitesStoreIsResolvedAgainstItsFolder) {
  ScopedStoreEnv env(nullptr);
  const Suite suite = read_suite(
      "schema_version: 1\nname: s\ndatasets: cases.jsonl\nstore: data/runs.db\n"
      "dimensions:\n  routing: label-match\n",
      "suite.yaml", "/work/project");
  EXPECT_EQ(resolve_store_path("", suite.store), "/work/project/data/runs.db");
}

TEST(NewRunId, IsSortableAndWellFormed) {
  const std::string id = new_run_id();
  EXPECT_TRUE(std::regex_match(id, std::regex("r-[0-9]{8}-[0-9]{6}-[0-9a-f]{4}"))) << id;
}

}  // namespace QB_UNITY_ID
}  // namespace qb

namespace qb {
namespace QB_UNITY_ID {

// A store written by a qualbar of schema version 1 (responses could not be NULL then) is migrated
// in place: its runs survive and can be read back, and a run can now be saved as it goes.
TEST_F(SqliteStoreTest, AVersionOneStoreIsMigratedWithItsRunsIntact) {
  {
    // Schema version 1 as released (src/store/sqlite_store.cpp, migration 1), with one run.
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db_path_.c_str(), &raw), SQLITE_OK);
    sqlite3_close(raw);
    Db db(db_path_);
    db.exec(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);"
        "INSERT INTO schema_migrations VALUES (1, '2026-11-01T00:00:00.000Z');"
        "CREATE TABLE runs (id TEXT PRIMARY KEY, suite_name TEXT NOT NULL, suite_file TEXT NOT "
        "NULL, suite_hash TEXT NOT NULL, bars_hash TEXT NOT NULL, dataset_hash TEXT NOT NULL, "
        "model TEXT NOT NULL, provider TEXT NOT NULL, provider_json TEXT NOT NULL, "
        "qualbar_version TEXT NOT NULL, started_at TEXT NOT NULL, ended_at TEXT NOT NULL, host "
        "TEXT NOT NULL, user TEXT NOT NULL, status TEXT NOT NULL, n_cases INTEGER NOT NULL, "
        "n_errors INTEGER NOT NULL, passed INTEGER NOT NULL, suite_text TEXT NOT NULL, dimensions "
        "TEXT NOT NULL);"
        "CREATE INDEX runs_started ON runs (started_at);"
        "CREATE TABLE cases (run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE, idx "
        "INTEGER NOT NULL, case_id TEXT NOT NULL, case_json TEXT NOT NULL, response_json TEXT NOT "
        "NULL, PRIMARY KEY (run_id, idx));"
        "CREATE TABLE scores (run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE, idx "
        "INTEGER NOT NULL, dimension INTEGER NOT NULL, value REAL NOT NULL, status INTEGER NOT "
        "NULL, evidence TEXT, PRIMARY KEY (run_id, idx, dimension));"
        "INSERT INTO runs VALUES ('r-old', 'support', 'suite.yaml', 'h', 'b', 'd', 'bot-v1', "
        "'replay', '{}', '0.1.0', '2026-11-01T00:00:00Z', '2026-11-01T00:00:01Z', 'host', 'me', "
        "'complete', 1, 0, 1, 'name: support', 'exact');"
        "INSERT INTO cases VALUES ('r-old', 0, 'q-1', '{\"id\":\"q-1\",\"input\":\"hi\"}', "
        "'{\"id\":\"q-1\",\"output\":\"hello\"}');"
        "INSERT INTO scores VALUES ('r-old', 0, 0, 1.0, 0, NULL);");
  }
  auto store = open_store(db_path_);
  EXPECT_EQ(store->schema_version(), 16);
  const StoredRun old = store->runs().load_run("r-old");
  ASSERT_EQ(old.responses.size(), 1U);
  EXPECT_EQ(old.responses[0].output, "hello");
  EXPECT_EQ(old.answered, std::vector<char>{1});
  EXPECT_EQ(old.scores.at(0, 0).value, 1.0);
  Db db(db_path_);
  EXPECT_EQ(db.integer("SELECT COUNT(*) FROM response_cache"), 0);
  // Migration 6 moved the run into the run format and dropped the tables of schema 5.
  EXPECT_EQ(db.integer("SELECT COUNT(*) FROM sqlite_schema WHERE name IN ('cases', 'scores')"), 0);
  EXPECT_EQ(db.integer("SELECT SUM(n) FROM run_answers"), 1);
}

// Saved as it goes: the record first, then answers in batches; a reader sees exactly the answers
// saved so far, and the rest as unanswered.
TEST_F(SqliteStoreTest, ARunSavedAsItGoesShowsItsAnswersSoFar) {
  StoredRun full = make_run();
  std::vector<Case> cases(full.responses.size());
  for (std::size_t i = 0; i < cases.size(); ++i) cases[i].id = full.responses[i].id;
  const std::vector<std::string_view> lines(full.case_lines.begin(), full.case_lines.end());
  auto store = open_store(db_path_);
  store->runs().begin_run(full, cases, lines, {});
  {
    const StoredRun partial = store->runs().load_run(full.info.id);
    EXPECT_EQ(partial.info.status, RunStatus::running);
    EXPECT_EQ(partial.n_answered(), 0U);
    ASSERT_EQ(partial.responses.size(), full.responses.size());
    EXPECT_EQ(partial.responses[1].id, full.responses[1].id);  // ids known before any answer
  }
  const StoredAnswer first[] = {{1, &full.responses[1]}};
  const CacheEntry cached[] = {{"k-1", &full.responses[1]}};
  store->runs().save_answers(full.info.id, first);
  store->cache().put(cached);
  {
    const StoredRun partial = store->runs().load_run(full.info.id);
    EXPECT_EQ(partial.n_answered(), 1U);
    EXPECT_EQ(partial.answered[1], 1);
    EXPECT_EQ(partial.responses[1].output, full.responses[1].output);
    EXPECT_EQ(partial.answered[0], 0);
  }
  ASSERT_TRUE(store->cache().get("k-1").has_value());
  EXPECT_NE(store->cache().get("k-1")->find(full.responses[1].output), std::string::npos);
  EXPECT_FALSE(store->cache().get("k-2").has_value());

  std::vector<StoredAnswer> rest;
  for (std::size_t i = 0; i < full.responses.size(); ++i)
    if (i != 1) rest.push_back({i, &full.responses[i]});
  store->runs().save_answers(full.info.id, rest);
  full.info.status = RunStatus::complete;
  RunResults results;
  results.scores = &full.scores;
  store->runs().finish_run(full.info, &results);
  const StoredRun done = store->runs().load_run(full.info.id);
  EXPECT_EQ(done.info.status, RunStatus::complete);
  EXPECT_EQ(done.n_answered(), full.responses.size());
  for (std::size_t i = 0; i < full.responses.size(); ++i)
    EXPECT_EQ(done.responses[i].output, full.responses[i].output);
  EXPECT_EQ(done.scores.n_cases(), full.scores.n_cases());
  EXPECT_EQ(done.scores.at(0, 0).value, full.scores.at(0, 0).value);
}

// A run's scores can be packed ahead of finish_run (on the run's store thread while its report is
// built): what is stored is the same, block by block, and a packing of other scores is refused.
TEST_F(SqliteStoreTest, ScoresPackedAheadAreStoredAsFinishRunPacksThem) {
  const StoredRun base = make_run();
  constexpr std::size_t kCases = 200;  // four blocks, the last one part full
  std::vector<Case> cases(kCases);
  std::vector<std::string> texts(kCases);
  std::vector<std::string_view> lines;
  ScoreTable scores(kCases, 2);
  for (std::size_t i = 0; i < kCases; ++i) {
    cases[i].id = fmt::format("c{}", i);
    texts[i] = fmt::format(R"({{"id":"c{}","input":"q"}})", i);
    scores.set(i, 0, Score{0.01 * static_cast<double>(i), ScoreStatus::scored, ""});
    scores.set(i, 1, i % 3 == 0 ? Score{0.0, ScoreStatus::error, fmt::format("failed {}", i)}
                                : Score::pass("ok"));
  }
  for (const auto& t : texts) lines.emplace_back(t);
  auto store = open_store(db_path_);
  const auto finish = [&](const std::string& id, const PackedScores* packed) {
    StoredRun r = copy_of(base, id, "2026-01-01T00:00:00.000Z");
    r.dimensions = {"a", "b"};
    r.info.n_cases = kCases;
    store->runs().begin_run(r, cases, lines, {});
    r.info.status = RunStatus::complete;
    RunResults results;
    results.scores = &scores;
    results.packed = packed;
    store->runs().finish_run(r.info, &results);
  };
  finish("r-own", nullptr);
  const PackedScores ahead = store->runs().pack_scores(scores);
  EXPECT_EQ(ahead.blocks.size(), 4U);
  finish("r-ahead", &ahead);
  Db db(db_path_);
  const auto blocks = [&](const std::string& id) {
    return db.column(fmt::format("SELECT hex(scores) FROM run_scores WHERE key >> 32 = "
                                 "(SELECT key FROM runs WHERE id = '{}') ORDER BY key", id));
  };
  EXPECT_EQ(blocks("r-ahead").size(), 4U);
  EXPECT_EQ(blocks("r-ahead"), blocks("r-own"));
  const StoredRun read = store->runs().load_run("r-ahead");
  ASSERT_EQ(read.scores.n_cases(), kCases);
  EXPECT_EQ(read.scores.at(199, 0).value, scores.at(199, 0).value);
  EXPECT_EQ(read.scores.at(198, 1).status, ScoreStatus::error);
  EXPECT_EQ(read.scores.at(198, 1).evidence, "failed 198");

  const PackedScores other = store->runs().pack_scores(ScoreTable(kCases - 1, 2));
  EXPECT_THROW(finish("r-other", &other), std::logic_error);
  EXPECT_EQ(db.text("SELECT status FROM runs WHERE id = 'r-other'"), "running")
      << "nothing of the refused results is stored";
}

// A run whose stored status or score kind this build does not know (a newer qualbar wrote it, or
// the file was edited) is refused with the run and the value named, not read as something else.
TEST_F(SqliteStoreTest, AnUnknownStoredStatusIsARunErrorNamingTheRunAndTheValue) {
  const StoredRun base = make_run();
  auto store = open_store(db_path_);
  store->runs().save_run(copy_of(base, "r-a", "2026-01-01T00:00:00.000Z"));
  Db(db_path_).exec("UPDATE runs SET status = 'paused' WHERE id = 'r-a'");
  try {
    (void)store->runs().load_run("r-a");
    ADD_FAILURE() << "expected RunError";
  } catch (const RunError& e) {
    EXPECT_TRUE(Contains(e.what(), "r-a"));
    EXPECT_TRUE(Contains(e.what(), "'paused'"));
  }
}

TEST_F(SqliteStoreTest, AnUnknownStoredScoreKindIsARunErrorNamingTheRunAndTheValue) {
  const StoredRun base = make_run();
  auto store = open_store(db_path_);
  store->runs().save_run(copy_of(base, "r-a", "2026-01-01T00:00:00.000Z"));
  {
    // The first score's status byte of the run's first block, set to 42.
    Db db(db_path_);
    const std::string packed = db.blob("SELECT scores FROM run_scores ORDER BY key LIMIT 1");
    detail::Packer packer;
    std::string raw, repacked;
    packer.unpack(packed, raw, "test");
    raw[0] = 42;
    packer.pack(raw, repacked);
    db.set_blob("UPDATE run_scores SET scores = ? WHERE key = (SELECT MIN(key) FROM run_scores)",
                repacked);
  }
  try {
    (void)store->runs().load_run("r-a");
    ADD_FAILURE() << "expected RunError";
  } catch (const RunError& e) {
    EXPECT_TRUE(Contains(e.what(), "r-a"));
    EXPECT_TRUE(Contains(e.what(), "42"));
  }
}

// Blocks are written as LZ4; stores written before hold zstd frames in the same columns, and are
// read as they are (no migration rewrites them).
TEST_F(SqliteStoreTest, BlocksOfEarlierStoresCompressedWithZstdAreRead) {
  const StoredRun base = make_run();
  auto store = open_store(db_path_);
  store->runs().save_run(copy_of(base, "r-a", "2026-01-01T00:00:00.000Z"));
  const StoredRun before = store->runs().load_run("r-a");
  {
    Db db(db_path_);
    detail::Packer packer;
    const auto as_zstd = [&](const std::string& column, const std::string& table,
                             const std::string& key) {
      const std::string packed =
          db.blob(fmt::format("SELECT {} FROM {} ORDER BY {} LIMIT 1", column, table, key));
      ASSERT_EQ(packed.front(), 'L');  // written as LZ4
      std::string raw;
      packer.unpack(packed, raw, "test");
      std::string zstd(ZSTD_compressBound(raw.size()), '\0');
      zstd.resize(ZSTD_compress(zstd.data(), zstd.size(), raw.data(), raw.size(), -1));
      db.set_blob(fmt::format("UPDATE {} SET {} = ? WHERE {} = (SELECT MIN({}) FROM {})", table,
                              column, key, key, table),
                  zstd);
    };
    as_zstd("lines", "run_blocks", "key");
    as_zstd("ids", "run_blocks", "key");
    as_zstd("answers", "run_answers", "part");
    as_zstd("scores", "run_scores", "key");
  }
  expect_same_run(store->runs().load_run("r-a"), before);
}

// Answers are stored in a compact form (put_answer): every field comes back as it was, and its
// JSON line is the one the responses format writes for it.
TEST(StoredAnswers, EveryFieldRoundTripsInTheCompactForm) {
  Response full;
  full.id = "c-1";
  full.output = std::string("line one\nquote \" backslash \\ tab \t nul ") + '\0' + " é €";
  full.confidence = 0.8125;
  full.edit_details().citations = {"kb-1#2", "", "kb-9"};
  full.label = "";
  full.latency_ms = 812.5;
  full.edit_details().ttft_ms = 1e-300;
  full.edit_details().usage = Usage{512, 9'000'000'000'000};
  full.edit_details().cost_usd = 0.00123;
  full.model = "bot-v2";
  full.error = "HTTP 503: upstream timed out";
  full.edit_details().extra_json = R"({"region":"eu","trace":{"hops":[1,2]}})";
  Response bare;
  bare.id = "c-2";
  Response some;
  some.id = "c-3";
  some.output = "refunded";
  some.label = "billing";
  some.edit_details().cost_usd = 0.0;
  for (const Response& r : {full, bare, some}) {
    SCOPED_TRACE(r.id);
    std::string stored;
    detail::put_answer(stored, r);
    EXPECT_FALSE(detail::is_json_answer(stored));
    expect_same_response(detail::read_answer(stored, "test"), r);
    std::string line;
    append_response_json(line, r);
    EXPECT_EQ(detail::answer_json(stored, "test"), line);
    // The JSON line, as stores written before hold it, reads as the same answer (the texts that
    // JSON can hold: the bare answer's).
    if (r.id == "c-2") expect_same_response(detail::read_answer(line, "test"), r);
  }
  // The compact form is smaller than the JSON line it replaces.
  std::string stored, line;
  detail::put_answer(stored, some);
  append_response_json(line, some);
  EXPECT_LT(stored.size(), line.size());
}

TEST(StoredAnswers, ADamagedAnswerIsARunErrorNamingWhere) {
  Response r;
  r.id = "c-1";
  r.output = "refunded within five days";
  r.latency_ms = 640.5;
  std::string stored;
  detail::put_answer(stored, r);
  const auto error_of = [](const std::string& bytes) -> std::string {
    try {
      (void)detail::read_answer(bytes, "store 's.db': run r-1");
    } catch (const RunError& e) {
      return e.what();
    }
    return "";
  };
  // Cut short, with a byte too many, an unknown first byte, fields of a newer qualbar.
  EXPECT_TRUE(Contains(error_of(stored.substr(0, stored.size() - 3)), "store 's.db': run r-1"));
  EXPECT_TRUE(Contains(error_of(stored.substr(0, stored.size() - 3)), "ends early"));
  EXPECT_TRUE(Contains(error_of(stored + "x"), "bytes after its end"));
  EXPECT_TRUE(Contains(error_of("\x07" + stored.substr(1)), "neither JSON nor this format"));
  // The fields' varint (one byte: latency) as two bytes with bits this qualbar does not know.
  std::string newer = stored;
  newer.replace(1, 1, "\x88\x7F");
  EXPECT_TRUE(Contains(error_of(newer), "written by a newer qualbar"));
  EXPECT_TRUE(Contains(error_of(""), "neither JSON nor this format"));
}

// Stores written before the compact form hold each answer's JSON line: a run whose answers are
// JSON reads as the same run, and its pages show the same answers (a text search of such a run:
// RunPages.AStoreOfSchemaFiveIsMigratedInPlaceAndItsRunsReportAsBefore).
TEST_F(SqliteStoreTest, AnswersStoredAsJsonLinesByEarlierStoresAreRead) {
  const StoredRun base = make_run();
  auto store = open_store(db_path_);
  store->runs().save_run(copy_of(base, "r-a", "2026-01-01T00:00:00.000Z"));
  const StoredRun before = store->runs().load_run("r-a");
  const CasePage page_before = store->runs().cases("r-a", CaseFilter{}, std::nullopt, 10);
  {
    Db db(db_path_);
    detail::Packer packer;
    const std::string packed = db.blob("SELECT answers FROM run_answers ORDER BY part LIMIT 1");
    std::string raw, rewritten, repacked;
    packer.unpack(packed, raw, "test");
    std::size_t compact = 0;
    for (detail::Reader r(raw, "test"); !r.done();) {
      detail::put_varint(rewritten, r.varint());
      const std::string_view answer = r.item();
      compact += detail::is_json_answer(answer) ? 0 : 1;
      detail::put_item(rewritten, detail::answer_json(answer, "test"));
    }
    ASSERT_EQ(compact, 4u);  // c4's too: "no response for case c4"
    packer.pack(rewritten, repacked);
    db.set_blob(
        "UPDATE run_answers SET answers = ? WHERE part = (SELECT MIN(part) FROM run_answers)",
        repacked);
  }
  expect_same_run(store->runs().load_run("r-a"), before);
  const CasePage page = store->runs().cases("r-a", CaseFilter{}, std::nullopt, 10);
  ASSERT_EQ(page.rows.size(), page_before.rows.size());
  for (std::size_t i = 0; i < page.rows.size(); ++i)
    EXPECT_EQ(page.rows[i].response_json, page_before.rows[i].response_json);
  ASSERT_TRUE(page.rows[0].response_json.has_value());
  EXPECT_TRUE(Contains(*page.rows[0].response_json, R"("output":"The duplicate charge)"));
}

// Work across concerns (a run and the answers kept for reuse) in one unit: all of it, or nothing.
TEST_F(SqliteStoreTest, AUnitOfWorkAcrossConcernsKeepsAllOrNothing) {
  const StoredRun base = make_run();
  auto store = open_store(db_path_);
  const Response& answer = base.responses.front();
  const CacheEntry entry{"key-1", &answer};
  try {
    const auto unit = store->begin();
    store->runs().save_run(copy_of(base, "r-lost", "2026-01-01T00:00:00.000Z"));
    store->cache().put(std::span(&entry, 1));
    throw std::runtime_error("stopped before commit");
  } catch (const std::runtime_error&) {
  }
  {
    Db db(db_path_);
    EXPECT_EQ(db.integer("SELECT COUNT(*) FROM runs"), 0);
    EXPECT_EQ(db.integer("SELECT COUNT(*) FROM response_cache"), 0);
  }
  EXPECT_FALSE(store->cache().get("key-1").has_value());
  {
    const auto unit = store->begin();
    store->runs().save_run(copy_of(base, "r-kept", "2026-01-01T00:00:00.000Z"));
    {
      const auto inner = store->begin();  // nested: joins the outer unit
      store->cache().put(std::span(&entry, 1));
      inner->commit();
    }
    {
      // A second connection sees nothing until the outermost unit commits.
      Db db(db_path_);
      EXPECT_EQ(db.integer("SELECT COUNT(*) FROM runs"), 0);
    }
    unit->commit();
  }
  Db db(db_path_);
  EXPECT_EQ(db.column("SELECT id FROM runs"), (std::vector<std::string>{"r-kept"}));
  EXPECT_EQ(db.integer("SELECT COUNT(*) FROM response_cache"), 1);
  ASSERT_TRUE(store->cache().get("key-1").has_value());
}

TEST_F(SqliteStoreTest, ALeaseIsHeldByOneProcessUntilItExpiresOrIsGivenUp) {
  auto one = open_store(db_path_);
  auto two = open_store(db_path_);  // another process's connection
  EXPECT_TRUE(one->monitor().take_lease("monitor", "host:1:a", 60));
  EXPECT_FALSE(two->monitor().take_lease("monitor", "host:2:b", 60));
  EXPECT_TRUE(one->monitor().take_lease("monitor", "host:1:a", 60)) << "renewed by its holder";
  two->monitor().release_lease("monitor", "host:2:b");  // not its lease: nothing happens
  EXPECT_FALSE(two->monitor().take_lease("monitor", "host:2:b", 60));
  one->monitor().release_lease("monitor", "host:1:a");
  EXPECT_TRUE(two->monitor().take_lease("monitor", "host:2:b", 0));
  EXPECT_TRUE(one->monitor().take_lease("monitor", "host:1:a", 60)) << "the other one's expired";
  EXPECT_TRUE(two->monitor().take_lease("other job", "host:2:b", 60)) << "leases are by name";
}

// A store written by the release before pairwise review (schema 14, made by
// tests/store/fixtures/make_schema14.sh from a0ef159): one judged run of 12 cases, 6 answers graded
// by two reviewers from files (disagreements, a correction, an adjudication) and a queue of the
// other 6, one of them handed out and graded through qualbar serve. Migration 15 rebuilds
// review_items, which grades, assignments and queue entries refer to: nothing may cascade away.
TEST(SqliteStoreMigration,
     AStoreOfSchemaFourteenKeepsEveryReviewItemGradeAndQueueThroughThePairwiseMigration) {
  test::TempDir dir("qb-store-schema14");
  const fs::path path = dir.work() / "s.db";
  fs::copy_file(fs::path(QB_SOURCE_DIR) / "tests" / "store" / "fixtures" / "schema14.db", path);
  const std::vector<std::string> tables = {"review_items", "grades", "review_assignments",
                                           "review_queue_entries", "review_claims"};
  const auto counts = [&] {
    Db db(path.string());
    std::vector<long long> n;
    for (const auto& t : tables) n.push_back(db.integer("SELECT COUNT(*) FROM " + t));
    return n;
  };
  const std::vector<long long> before = counts();
  {
    Db db(path.string());
    ASSERT_EQ(db.integer("SELECT MAX(version) FROM schema_migrations"), 14);
  }
  ASSERT_EQ(before, (std::vector<long long>{12, 28, 24, 6, 1}));

  auto store = open_store(path.string(), StoreAccess::existing);
  EXPECT_EQ(store->schema_version(), 16);
  EXPECT_EQ(counts(), before);
  {
    Db db(path.string());
    EXPECT_TRUE(db.column("PRAGMA foreign_key_check").empty());
    EXPECT_EQ(db.text("PRAGMA integrity_check"), "ok");
  }

  const std::vector<Grade> grades = store->review().grades("");
  ASSERT_EQ(grades.size(), 28U);
  std::map<std::string, int> by_grader_item_dimension;
  std::size_t adjudicated = 0, from_queue = 0;
  for (const Grade& g : grades) {
    SCOPED_TRACE(fmt::format("grade {} of {}", g.seq, g.item));
    EXPECT_FALSE(g.run_id.empty());
    EXPECT_FALSE(g.case_id.empty());
    EXPECT_EQ(g.run_b, "");
    EXPECT_EQ(g.shown_first, "");
    ++by_grader_item_dimension[g.grader + " " + g.item + " " + g.dimension];
    adjudicated += g.kind == GradeKind::adjudicated ? 1 : 0;
    from_queue += g.source.starts_with("queue q-") ? 1 : 0;
  }
  EXPECT_EQ(adjudicated, 1U);
  EXPECT_EQ(from_queue, 2U) << "the queue's item, graded on helpfulness and tone";
  EXPECT_EQ(std::ranges::count(by_grader_item_dimension | std::views::values, 2), 1)
      << "reviewer-1's correction: a second grade of one item and dimension";
  EXPECT_TRUE(store->review().pair_grades("").empty());

  const std::vector<ReviewQueue> queues = store->review().queues();
  ASSERT_EQ(queues.size(), 1U);
  const ReviewQueue& q = queues.front();
  EXPECT_FALSE(q.pairwise);
  EXPECT_EQ(q.entries, 6U);
  EXPECT_EQ(q.dimensions, (std::vector<std::string>{"helpfulness", "tone"}));
  for (std::int64_t pos = 0; pos < 6; ++pos) {
    const auto entry = store->review().queue_entry(q.id, pos);
    ASSERT_TRUE(entry.has_value()) << "entry " << pos;
    EXPECT_FALSE(entry->run_id.empty());
    EXPECT_FALSE(entry->case_id.empty());
    EXPECT_EQ(entry->run_b, "");
    EXPECT_EQ(entry->case_index_b, 0U);
  }
  const auto claims = store->review().claims(q.id, 0);
  ASSERT_EQ(claims.size(), 1U);
  EXPECT_EQ(claims[0].state, ClaimState::done);
  EXPECT_EQ(claims[0].shown_first, "");
  EXPECT_EQ(store->review().queue_grades(q.id).size(), 2U);

  // Foreign keys are on again after the migration: deleting the run cascades into its review
  // items and, through them, their grades, assignments and queue entries.
  const std::string run = grades.front().run_id;
  store->runs().delete_run(run);
  EXPECT_TRUE(store->review().grades("").empty());
  Db db(path.string());
  EXPECT_EQ(db.integer("SELECT COUNT(*) FROM runs"), 0);
  for (const char* t : {"review_items", "grades", "review_assignments", "review_queue_entries"})
    EXPECT_EQ(db.integer(std::string("SELECT COUNT(*) FROM ") + t), 0) << t;
}

}  // namespace QB_UNITY_ID
}  // namespace qb
