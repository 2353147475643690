// The run format read back by pages (docs/store.md, "Reading a run by pages"): every page and
// filter checked against the whole run loaded and filtered by hand; comparisons' changed cases;
// stores of schema 5 migrated in place (a store file made by the release before the run format).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "../cli/run_qualbar.hpp"
#include "qualbar/core/error.hpp"
#include "qualbar/io/dataset.hpp"
#include "qualbar/metrics/report_codec.hpp"
#include "qualbar/stats/intervals.hpp"
#include "qualbar/store/store.hpp"

namespace qb {
namespace QB_UNITY_ID {

using test::run_args;
using test::TempDir;
namespace fs = std::filesystem;

constexpr const char* kPagesSuite = R"(schema_version: 1
name: pages
datasets: [cases.jsonl]
dimensions:
  exact: exact-match
  f1: {scorer: token-f1, threshold: 0.5}
  latency: latency
slices: [category, [category, language]]
system: {provider: replay, responses: responses.jsonl}
)";

// 300 cases (5 blocks of 64, the last short) in three categories and two languages; every fifth
// input asks about a refund, every seventh output mentions a warranty; `variant` changes which
// answers are right, so two runs differ case by case.
void write_run_files(const TempDir& dir, int variant, bool reversed = false) {
  std::vector<std::string> cases, responses;
  const char* categories[] = {"billing", "refunds", "access"};
  for (int i = 0; i < 300; ++i) {
    const std::string id = fmt::format("q-{:03}", i);
    const std::string input = i % 5 == 0 ? fmt::format("Where is my refund for order {}?", i)
                                         : fmt::format("How do I reset password {}?", i);
    const std::string reference = fmt::format("answer number {}", i);
    cases.push_back(nlohmann::json{{"id", id},
                                   {"category", categories[i % 3]},
                                   {"language", i % 4 == 0 ? "de" : "en"},
                                   {"input", input},
                                   {"reference", reference}}
                        .dump());
    std::string output = (i + variant) % 3 == 0 ? reference : "something else entirely";
    if (i % 7 == 0) output += " — the warranty covers it";
    responses.push_back(nlohmann::json{{"id", id}, {"output", output}, {"latency_ms", 100 + i}}
                            .dump());
  }
  if (reversed) std::reverse(cases.begin(), cases.end());
  std::string c, r;
  for (const auto& line : cases) c += line + "\n";
  for (const auto& line : responses) r += line + "\n";
  std::ofstream(dir.work() / "suite.yaml") << kPagesSuite;
  std::ofstream(dir.work() / "cases.jsonl") << c;
  std::ofstream(dir.work() / "responses.jsonl") << r;
}

std::string run_stored(const TempDir& dir) {
  const auto r = run_args({"run", "suite.yaml", "--store", "s.db", "-q"}, dir);
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
  auto store = open_store((dir.work() / "s.db").string(), StoreAccess::existing);
  return store->runs().resolve_run_id("latest");
}

// The whole run, loaded, and what each filter should select, worked out from it directly.
struct Expected {
  StoredRun run;
  Report report;
  std::vector<nlohmann::json> cases;

  [[nodiscard]] bool fails(std::size_t i, std::size_t d) const {
    return case_failed(report.dimensions[d], run.scores.at(i, d));
  }
  [[nodiscard]] bool has_word(std::size_t i, const std::string& word) const {
    const auto output = nlohmann::json::parse(response_to_json(run.responses[i]))["output"];
    std::string text = cases[i]["input"].get<std::string>() + " " + output.get<std::string>();
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char ch) { return std::isalnum(ch) ? std::tolower(ch) : ' '; });
    return (" " + text + " ").find(" " + word + " ") != std::string::npos;
  }
};

Expected expected_of(Store& store, const std::string& id) {
  Expected e;
  e.run = store.runs().load_run(id);
  e.report = decode_report(e.run.report, "test");
  for (const auto& line : e.run.case_lines) e.cases.push_back(nlohmann::json::parse(line));
  return e;
}

// Every page of a filter, `limit` at a time: the indexes, in order.
std::vector<std::size_t> all_pages(RunStore& runs, const std::string& id, const CaseFilter& f,
                                   std::size_t limit) {
  std::vector<std::size_t> out;
  std::optional<std::size_t> after;
  for (int guard = 0; guard < 1000; ++guard) {
    const CasePage page = runs.cases(id, f, after, limit);
    EXPECT_LE(page.rows.size(), limit);
    for (const auto& row : page.rows) out.push_back(row.index);
    if (!page.next) break;
    EXPECT_EQ(*page.next, page.rows.back().index) << "the next page starts after this one";
    after = page.next;
  }
  return out;
}

TEST(RunPages, EveryPageOfARunHoldsItsCasesInOrderWithTheirAnswersAndScores) {
  TempDir dir("qb-pages");
  write_run_files(dir, 0);
  const std::string id = run_stored(dir);
  auto store = open_store((dir.work() / "s.db").string(), StoreAccess::existing);
  const Expected e = expected_of(*store, id);
  std::vector<std::size_t> seen;
  std::optional<std::size_t> after;
  while (true) {
    const CasePage page = store->runs().cases(id, {}, after, 50);
    for (const CaseRow& row : page.rows) {
      seen.push_back(row.index);
      EXPECT_EQ(row.id, fmt::format("q-{:03}", row.index));
      EXPECT_EQ(row.case_json, e.run.case_lines[row.index]);
      ASSERT_TRUE(row.response_json.has_value());
      EXPECT_EQ(*row.response_json, response_to_json(e.run.responses[row.index]));
      ASSERT_EQ(row.scores.size(), e.run.dimensions.size());
      for (std::size_t d = 0; d < row.scores.size(); ++d) {
        EXPECT_EQ(row.scores[d].value, e.run.scores.at(row.index, d).value);
        EXPECT_EQ(row.scores[d].status, e.run.scores.at(row.index, d).status);
        EXPECT_EQ(row.scores[d].evidence, e.run.scores.at(row.index, d).evidence);
      }
    }
    if (!page.next) break;
    after = page.next;
  }
  std::vector<std::size_t> all(300);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  EXPECT_EQ(seen, all);
  EXPECT_TRUE(store->runs().cases(id, {}, 299, 50).rows.empty());
}

TEST(RunPages, FiltersSelectExactlyTheFailingCasesTheCellsAndTheWords) {
  TempDir dir("qb-pages-filter");
  write_run_files(dir, 0);
  const std::string id = run_stored(dir);
  auto store = open_store((dir.work() / "s.db").string(), StoreAccess::existing);
  const Expected e = expected_of(*store, id);
  const std::size_t n = e.run.case_lines.size();
  for (std::size_t d = 0; d < e.run.dimensions.size(); ++d) {
    std::vector<std::size_t> want;
    for (std::size_t i = 0; i < n; ++i)
      if (e.fails(i, d)) want.push_back(i);
    CaseFilter f;
    f.failing = e.run.dimensions[d];
    EXPECT_EQ(all_pages(store->runs(), id, f, 7), want) << f.failing;
    if (f.failing == "exact") {
      EXPECT_GT(want.size(), 100U) << "the run has failures to page";
    }
  }
  {
    CaseFilter f;
    f.slice = "category";
    f.slice_value = "refunds";
    f.failing = "exact";
    std::vector<std::size_t> want;
    for (std::size_t i = 0; i < n; ++i)
      if (e.cases[i]["category"] == "refunds" && e.fails(i, 0)) want.push_back(i);
    EXPECT_EQ(all_pages(store->runs(), id, f, 9), want);
    EXPECT_FALSE(want.empty());
  }
  {
    CaseFilter f;  // a crossed slice, as the report names it
    f.slice = "category × language";
    f.slice_value = "billing × de";
    std::vector<std::size_t> want;
    for (std::size_t i = 0; i < n; ++i)
      if (e.cases[i]["category"] == "billing" && e.cases[i]["language"] == "de") want.push_back(i);
    EXPECT_EQ(all_pages(store->runs(), id, f, 50), want);
    EXPECT_FALSE(want.empty());
  }
  for (const std::string words : {"refund", "warranty", "REFUND order", "nothinglikethis"}) {
    CaseFilter f;
    f.text = words;
    std::vector<std::size_t> want;
    for (std::size_t i = 0; i < n; ++i) {
      bool all = true;
      std::string lower = words;
      std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
      std::istringstream in(lower);
      for (std::string w; in >> w;) all = all && e.has_word(i, w);
      if (all) want.push_back(i);
    }
    EXPECT_EQ(all_pages(store->runs(), id, f, 11), want) << words;
    f.failing = "f1";
    std::vector<std::size_t> failing;
    for (const std::size_t i : want)
      if (e.fails(i, 1)) failing.push_back(i);
    EXPECT_EQ(all_pages(store->runs(), id, f, 11), failing) << words << " among f1 failures";
  }
}

TEST(RunPages, AFilterNamingWhatTheRunLacksIsAnInputErrorListingWhatItHas) {
  TempDir dir("qb-pages-errors");
  write_run_files(dir, 0);
  const std::string id = run_stored(dir);
  auto store = open_store((dir.work() / "s.db").string(), StoreAccess::existing);
  CaseFilter f;
  f.failing = "exactt";
  try {
    (void)store->runs().cases(id, f, std::nullopt, 10);
    ADD_FAILURE() << "expected InputError";
  } catch (const InputError& err) {
    EXPECT_NE(std::string(err.what()).find("no dimension 'exactt'. It has: exact, f1, latency"),
              std::string::npos)
        << err.what();
  }
  f = {};
  f.slice = "category";
  f.slice_value = "bling";
  try {
    (void)store->runs().cases(id, f, std::nullopt, 10);
    ADD_FAILURE() << "expected InputError";
  } catch (const InputError& err) {
    EXPECT_NE(std::string(err.what()).find("no cell 'bling' in slice 'category'. It has: billing"),
              std::string::npos)
        << err.what();
  }
  f.slice = "language";
  EXPECT_THROW((void)store->runs().cases(id, f, std::nullopt, 10), InputError);
}

// The cases whose verdict changed, against every case of both runs compared by hand; paired by
// id when the second run has its cases in another order.
TEST(RunPages, ChangedCasesAreTheCasesWhoseVerdictDifferedPairedById) {
  for (const bool reversed : {false, true}) {
    TempDir dir("qb-pages-changed");
    write_run_files(dir, 0);
    const std::string a = run_stored(dir);
    write_run_files(dir, 1, reversed);
    const std::string b = run_stored(dir);
    auto store = open_store((dir.work() / "s.db").string(), StoreAccess::existing);
    const Expected ea = expected_of(*store, a), eb = expected_of(*store, b);
    std::vector<std::string> want;
    for (std::size_t ib = 0; ib < eb.cases.size(); ++ib) {
      std::size_t ia = 0;
      while (ea.cases[ia]["id"] != eb.cases[ib]["id"]) ++ia;
      for (std::size_t d = 0; d < eb.run.dimensions.size(); ++d) {
        if (ea.fails(ia, d) != eb.fails(ib, d))
          want.push_back(fmt::format("{} {} {}", eb.cases[ib]["id"].get<std::string>(),
                                     eb.run.dimensions[d], eb.fails(ib, d) ? "now fails" : "now passes"));
      }
    }
    std::vector<std::string> got;
    std::optional<std::size_t> after;
    while (true) {
      const ChangedPage page = store->runs().changed_cases(a, b, "", after, 13);
      for (const auto& c : page.rows) {
        got.push_back(fmt::format("{} {} {}", c.id, c.dimension, c.now_failing ? "now fails" : "now passes"));
        EXPECT_EQ(ea.cases[c.index_a]["id"], c.id);
        EXPECT_EQ(eb.cases[c.index_b]["id"], c.id);
      }
      if (!page.next) break;
      after = page.next;
    }
    EXPECT_EQ(got, want) << (reversed ? "reversed" : "same order");
    EXPECT_GT(want.size(), 50U);
    std::vector<std::string> exact_only;
    for (const auto& w : want)
      if (w.find(" exact ") != std::string::npos) exact_only.push_back(w);
    const ChangedPage page = store->runs().changed_cases(a, b, "exact", std::nullopt, 1000);
    EXPECT_EQ(page.rows.size(), exact_only.size());
    EXPECT_THROW((void)store->runs().changed_cases(a, b, "nope", std::nullopt, 10), InputError);
  }
}

// A store file written by the release before the run format (schema 5: two complete demo runs
// and a run killed after 5 of its 12 answers), with the JSON reports that release printed.
fs::path fixture(const std::string& name) {
  return fs::path(QB_SOURCE_DIR) / "tests" / "store" / "fixtures" / name;
}

// What that release printed, with the changes made on purpose since: a mean of [0, 1] scores has
// the Wilson interval at its effective sample size (it had the t interval, which can pass 1), and
// the calibration analysis says how many cases it left out and why (their sum is the cases that
// are not in its n).
nlohmann::json as_reported_now(nlohmann::json want, const nlohmann::json& got) {
  const double confidence = want["suite"]["confidence"].get<double>();
  for (std::size_t d = 0; d < want["dimensions"].size(); ++d) {
    auto& dim = want["dimensions"][d];
    if (dim["aggregation"] == "mean") {
      auto bounded = [&](nlohmann::json& cell) {
        const stats::Interval i = stats::unit_mean_interval(
            cell["estimate"].get<double>(), cell["stats"]["sd"].get<double>(),
            cell["n"].get<std::size_t>(), confidence);
        cell["interval"] = {i.lo, i.hi};
      };
      bounded(dim["overall"]);
      for (auto& cell : dim["slices"]) bounded(cell);
    }
    if (dim["analysis"].is_object() && dim["analysis"]["kind"] == "calibration") {
      const auto& left_out = got["dimensions"][d]["analysis"]["data"]["left_out"];
      std::size_t sum = 0;
      for (const auto& [why, n] : left_out.items()) sum += n.get<std::size_t>();
      EXPECT_EQ(sum, want["summary"]["n_cases"].get<std::size_t>() -
                         dim["analysis"]["data"]["n"].get<std::size_t>());
      dim["analysis"]["data"]["left_out"] = left_out;
    }
  }
  return want;
}

TEST(RunPages, AStoreOfSchemaFiveIsMigratedInPlaceAndItsRunsReportAsBefore) {
  TempDir dir("qb-pages-migrate");
  fs::copy_file(fixture("schema5.db"), dir.work() / "s.db");
  {
    auto store = open_store((dir.work() / "s.db").string(), StoreAccess::existing);
    EXPECT_EQ(store->schema_version(), 16);
    // Not indexed until its first report: filtering says what to do.
    CaseFilter f;
    f.failing = "grounded";
    try {
      (void)store->runs().cases("r-20261206-074300-25ad", f, std::nullopt, 5);
      ADD_FAILURE() << "expected InputError";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("qualbar report r-20261206-074300-25ad"),
                std::string::npos)
          << e.what();
    }
  }
  for (const std::string run : {"r-20261206-074300-86b0", "r-20261206-074300-25ad"}) {
    const auto want = nlohmann::json::parse(test::read_text(fixture("schema5-" + run + ".json")));
    for (int time = 0; time < 2; ++time) {  // built and stored, then read as stored
      const auto r = run_args({"report", run, "--store", "s.db", "--format", "json"}, dir);
      EXPECT_EQ(r.exit_code, 1) << r.err;  // both demo runs miss bars
      const auto got = nlohmann::json::parse(r.out);
      EXPECT_EQ(got, as_reported_now(want, got)) << run << ", report " << time + 1;
    }
  }
  {
    auto store = open_store((dir.work() / "s.db").string(), StoreAccess::existing);
    CaseFilter f;
    f.failing = "grounded";
    const CasePage page = store->runs().cases("r-20261206-074300-25ad", f, std::nullopt, 500);
    const auto want = nlohmann::json::parse(
        test::read_text(fixture("schema5-r-20261206-074300-25ad.json")));
    // Failing: the cases not counted as passes in the report's pass rate (failed calls count).
    double failing = -1;
    for (const auto& d : want["dimensions"]) {
      if (d["name"] != "grounded") continue;
      const double n = d["overall"]["n"].get<double>();
      failing = n - std::round(n * d["overall"]["estimate"].get<double>());
    }
    EXPECT_EQ(static_cast<double>(page.rows.size()), failing);
    // A text search reads its answers, stored as JSON lines before the compact form.
    const Expected e = expected_of(*store, "r-20261206-074300-25ad");
    for (const std::string word : {"refund", "days"}) {
      CaseFilter words;
      words.text = word;
      std::vector<std::size_t> want;
      for (std::size_t i = 0; i < e.cases.size(); ++i)
        if (e.has_word(i, word)) want.push_back(i);
      EXPECT_FALSE(want.empty()) << word;
      EXPECT_EQ(all_pages(store->runs(), "r-20261206-074300-25ad", words, 3), want) << word;
    }
  }
  // The killed run resumes: its 5 answers are kept, the other 7 asked.
  std::ofstream(dir.work() / "slow.py")
      << "import json, sys\nfor line in sys.stdin:\n    c = json.loads(line)\n"
         "    print(json.dumps({'id': c['id'], 'output': 'Refunds take 5 business days.'}), "
         "flush=True)\n";
  const auto resumed = run_args({"run", "--resume", "r-20261206-074319-3331", "--store", "s.db"},
                                dir);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.out.find("7 case(s) called now, 5 answered before this run was resumed"),
            std::string::npos)
      << resumed.out;
  const auto report = run_args(
      {"report", "r-20261206-074319-3331", "--store", "s.db", "--format", "json"}, dir);
  EXPECT_EQ(nlohmann::json::parse(report.out)["summary"]["n_cases"], 12);
}

// `qualbar report` shows the stored report without reading a case; only formats that list
// cases read them. A damaged case block shows which.
TEST(RunPages, TheStoredReportIsShownWithoutReadingTheCases) {
  TempDir dir("qb-pages-report");
  write_run_files(dir, 0);
  (void)run_stored(dir);
  const auto before = run_args({"report", "--store", "s.db", "--format", "json"}, dir);
  ASSERT_EQ(before.exit_code, 0) << before.err;  // the suite sets no bar
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir.work() / "s.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "UPDATE run_blocks SET lines = x'00112233'", nullptr, nullptr,
                           nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  const auto json = run_args({"report", "--store", "s.db", "--format", "json"}, dir);
  EXPECT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(json.out, before.out);
  const auto scores = run_args({"report", "--store", "s.db", "--format", "scores"}, dir);
  EXPECT_EQ(scores.exit_code, 3);
  EXPECT_NE(scores.err.find("a stored block is damaged"), std::string::npos) << scores.err;
}

// A store file missing a block of case lines (damaged or edited): a page that needs it says which
// cases are missing, never shows another block's lines in their place; pages before it read as
// before, and loading the whole run is refused with the counts, not read short.
TEST(RunPages, AMissingBlockOfLinesIsNamedNotFilledFromAnother) {
  TempDir dir("qb-pages-missing");
  write_run_files(dir, 0);
  const std::string id = run_stored(dir);
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir.work() / "s.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "DELETE FROM run_blocks WHERE key % 4294967296 = 2", nullptr,
                           nullptr, nullptr),
              SQLITE_OK);
    EXPECT_EQ(sqlite3_changes(db), 1);
    sqlite3_close(db);
  }
  auto store = open_store((dir.work() / "s.db").string(), StoreAccess::existing);
  const CasePage first = store->runs().cases(id, {}, std::nullopt, 100);
  ASSERT_EQ(first.rows.size(), 100U);
  EXPECT_EQ(first.rows[99].id, "q-099");
  try {
    (void)store->runs().cases(id, {}, 120, 50);  // cases 122-171: blocks 1 and 2
    ADD_FAILURE() << "a page across the missing block was read";
  } catch (const RunError& e) {
    EXPECT_NE(std::string(e.what()).find("the lines of cases 129 to 192 of 300 are missing"),
              std::string::npos)
        << e.what();
  }
  const CasePage after = store->runs().cases(id, {}, 191, 20);  // block 3 onward
  ASSERT_FALSE(after.rows.empty());
  EXPECT_EQ(after.rows.front().id, "q-192");
  try {
    (void)store->runs().load_run(id);
    ADD_FAILURE() << "a run missing a block was loaded";
  } catch (const RunError& e) {
    EXPECT_NE(std::string(e.what()).find("236 case lines are stored for its 300 cases"),
              std::string::npos)
        << e.what();
  }
}

// One integer from the store file, read with sqlite3 directly (what is in the file, not what the
// store says); `sql` may run statements before its last, which answers.
long long sql_integer(const TempDir& dir, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open((dir.work() / "s.db").c_str(), &db), SQLITE_OK);
  long long out = -1;
  const auto row = [](void* to, int, char** values, char**) {
    *static_cast<long long*>(to) = values[0] ? std::stoll(values[0]) : -2;
    return 0;
  };
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), row, &out, &err), SQLITE_OK) << sql << ": "
                                                                      << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
  return out;
}

// Runs of one dataset share its case blocks: the second run of the same cases writes none, reads
// back every case, searches and compares as its own; a dataset with one line changed gets
// blocks of its own; the blocks stay while any run uses them and go with the last.
TEST(RunPages, RunsOfOneDatasetShareItsBlocksUntilTheLastOfThemIsDeleted) {
  TempDir dir("qb-pages-shared");
  write_run_files(dir, 0);
  const std::string a = run_stored(dir);
  write_run_files(dir, 1);  // other answers, the same cases
  const std::string b = run_stored(dir);
  EXPECT_EQ(sql_integer(dir, "SELECT count(*) FROM run_blocks"), 5);
  EXPECT_EQ(sql_integer(dir, "SELECT lines_key FROM runs WHERE id = '" + b + "'"),
            sql_integer(dir, "SELECT key FROM runs WHERE id = '" + a + "'"));
  {
    auto store = open_store((dir.work() / "s.db").string(), StoreAccess::existing);
    const Expected ea = expected_of(*store, a), eb = expected_of(*store, b);
    EXPECT_EQ(eb.run.case_lines, ea.run.case_lines);
    EXPECT_EQ(all_pages(store->runs(), b, {}, 64).size(), 300U);
    CaseFilter words;
    words.text = "warranty";
    EXPECT_EQ(all_pages(store->runs(), b, words, 50).size(), 43U);  // i % 7 == 0 of 300
    EXPECT_FALSE(store->runs().changed_cases(a, b, "", std::nullopt, 10).rows.empty());
  }
  // One line differs: the dataset is another, with blocks of its own.
  std::string cases = test::read_text(dir.work() / "cases.jsonl");
  cases.replace(cases.rfind("answer number 299"), 17, "answer number two");
  std::ofstream(dir.work() / "cases.jsonl") << cases;
  const std::string c = run_stored(dir);
  EXPECT_EQ(sql_integer(dir, "SELECT count(*) FROM run_blocks"), 10);
  EXPECT_EQ(sql_integer(dir, "SELECT lines_key IS NULL FROM runs WHERE id = '" + c + "'"), 1);
  {
    auto store = open_store((dir.work() / "s.db").string(), StoreAccess::existing);
    EXPECT_NE(store->runs().load_run(c).case_lines.back().find("answer number two"),
              std::string::npos);
  }
  // The run that wrote the blocks goes; the run sharing them still reads every case.
  EXPECT_EQ(sql_integer(dir, "DELETE FROM runs WHERE id = '" + a +
                                 "'; SELECT count(*) FROM run_blocks"),
            10);
  {
    auto store = open_store((dir.work() / "s.db").string(), StoreAccess::existing);
    EXPECT_EQ(store->runs().load_run(b).case_lines.size(), 300U);
  }
  EXPECT_EQ(sql_integer(dir, "DELETE FROM runs WHERE id = '" + b +
                                 "'; SELECT count(*) FROM run_blocks"),
            5);
}

// A store file written by the release before shared blocks (schema 8: one complete run of
// write_run_files(dir, 0)), with the JSON report that release printed: migrated in place, its run
// reports as before, and a new run of the same dataset shares the old run's blocks.
TEST(RunPages, AStoreOfSchemaEightIsMigratedAndANewRunOfItsDatasetSharesItsBlocks) {
  const std::string old_run = "r-20261206-193052-f844";
  TempDir dir("qb-pages-schema8");
  fs::copy_file(fixture("schema8.db"), dir.work() / "s.db");
  write_run_files(dir, 0);
  const auto report = run_args({"report", old_run, "--store", "s.db", "--format", "json"}, dir);
  EXPECT_EQ(report.exit_code, 0) << report.err;
  EXPECT_EQ(nlohmann::json::parse(report.out),
            nlohmann::json::parse(test::read_text(fixture("schema8-" + old_run + ".json"))));
  const std::string b = run_stored(dir);
  EXPECT_EQ(sql_integer(dir, "SELECT lines_key FROM runs WHERE id = '" + b + "'"),
            sql_integer(dir, "SELECT key FROM runs WHERE id = '" + old_run + "'"));
  EXPECT_EQ(sql_integer(dir, "SELECT count(*) FROM run_blocks"), 5);
  auto store = open_store((dir.work() / "s.db").string(), StoreAccess::existing);
  EXPECT_EQ(store->schema_version(), 16);
  EXPECT_EQ(store->runs().load_run(b).case_lines, store->runs().load_run(old_run).case_lines);
  EXPECT_TRUE(store->runs().changed_cases(old_run, b, "", std::nullopt, 10).rows.empty());
}

}  // namespace QB_UNITY_ID
}  // namespace qb
