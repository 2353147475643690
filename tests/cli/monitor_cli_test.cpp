// The monitor as an operator runs it: production records in, the sample to two reviewers, their
// grades back, the status with its alerts; quarantine, resumed files, deterministic sampling,
// the webhook and test cases exported from production.
#include <httplib.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <nlohmann/json.hpp>

#include "qualbar/run/run_lock.hpp"
#include "qualbar/stats/random.hpp"
#include "qualbar/store/store.hpp"
#include "run_qualbar.hpp"

namespace qb::test {
namespace QB_UNITY_ID {

const char* const kSuite = R"(schema_version: 1
name: moderation
datasets: [cases.jsonl]
judge: {model: gpt-4o-mini, base_url: "http://127.0.0.1:9/v1"}
dimensions:
  correct:
    scorer: judge
    args: {rubric: "The moderation decision is right."}
  no_pii:
    scorer: pii
  refused:
    scorer: refused
slices: [category]
monitor:
  sample_rate: 0.025
  min_per_window: 20
  stratify_by: [category]
)";

struct Stream {
  std::size_t weeks = 26;
  std::size_t per_week = 8000;
  double start = 0.94, end = 0.94;  // the true share of correct decisions, first and last week
  std::uint64_t seed = 1;
  std::size_t bad_line_at = 0;  // a malformed line after this many records (0: none)
};

// Records of 26 weeks from Monday 2026-01-05; whether a decision is correct is written into the
// input as [ok] or [bad], for the simulated reviewers to read.
std::string records(const Stream& s) {
  stats::Rng rng(s.seed);
  std::string out;
  std::size_t n = 0;
  for (std::size_t w = 0; w < s.weeks; ++w) {
    const double p =
        s.start + (s.end - s.start) * static_cast<double>(w) / static_cast<double>(s.weeks - 1);
    for (std::size_t i = 0; i < s.per_week; ++i) {
      const double c = rng.uniform();
      const char* category = c < 0.6 ? "billing" : c < 0.9 ? "shipping" : "refund-dispute";
      const bool ok = rng.uniform() < p;
      const std::size_t day = 4 + w * 7 + i % 7;  // 2026-01-05 is day 5 of January
      const std::time_t t =
          1767225600 + static_cast<std::time_t>(day) * 86400 + static_cast<std::time_t>(i % 80000);
      std::tm tm{};
      gmtime_r(&t, &tm);
      char ts[32];
      std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
      const char* output = rng.uniform() < 0.02   ? "I'm sorry, I can't help with that."
                           : rng.uniform() < 0.01 ? "Write to jane.doe@example.com for a refund."
                                                  : "The post was kept: it breaks no rule.";
      out += nlohmann::json{{"id", fmt::format("p-{:06}", n++)},
                            {"ts", ts},
                            {"category", category},
                            {"language", "en"},
                            {"input", fmt::format("Review post {} [{}]", n, ok ? "ok" : "bad")},
                            {"output", output},
                            {"latency_ms", 200 + static_cast<int>(rng.uniform() * 800)},
                            {"cost_usd", 0.0004},
                            {"error", nullptr}}
                 .dump() +
             "\n";
      if (s.bad_line_at > 0 && n == s.bad_line_at) out += "{\"id\": \"p-broken\", \"ts\": \n";
    }
  }
  return out;
}

class MonitorCli : public ::testing::Test {
 protected:
  MonitorCli() {
    write("suite.yaml", kSuite);
    write("cases.jsonl", "{\"id\":\"c1\",\"input\":\"hello\"}\n");
  }

  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_.work() / name, std::ios::binary) << text;
  }
  std::string read(const std::string& name) { return read_text(dir_.work() / name); }

  ProcessResult qualbar(const std::string& args) { return run_qualbar(args, dir_); }

  // Writes the stream's records to records.jsonl and ingests them with suite.yaml.
  ProcessResult ingest(const Stream& s) {
    write("records.jsonl", records(s));
    return qualbar("monitor ingest records.jsonl --suite suite.yaml");
  }

  // Two reviewers grade every exported item from the marker in its input, each wrong on 3%.
  void review_everything() {
    // The default on a monitor: every closed week's sample, in full.
    ProcessResult r = qualbar("review export --run m-moderation --dimension correct --dir review");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::uint64_t stream = 0;
    for (const char* who : {"reviewer-1", "reviewer-2"}) {
      stats::Rng rng(99, ++stream);
      std::istringstream in(read(std::string("review/") + who + ".jsonl"));
      std::string out;
      for (std::string line; std::getline(in, line);) {
        auto j = nlohmann::json::parse(line);
        bool ok = j["input"].get<std::string>().find("[ok]") != std::string::npos;
        if (rng.uniform() < 0.03) ok = !ok;
        j["grade"] = ok ? 1 : 0;
        out += j.dump() + "\n";
      }
      write(std::string("review/") + who + ".jsonl", out);
    }
    r = qualbar("review import review/reviewer-1.jsonl review/reviewer-2.jsonl");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // The records counted by `monitor status` (every week's traffic); -1 before there are any.
  long long status_volume() {
    const ProcessResult r = qualbar("monitor status --suite suite.yaml --format json");
    const auto status = nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
    if (!status.is_object() || !status.contains("traffic")) return -1;
    long long volume = 0;
    for (const auto& t : status["traffic"]) volume += t["volume"].get<long long>();
    return volume;
  }

  // The alerts of the status document on the people-graded `correct`, overall.
  std::vector<nlohmann::json> correct_alerts(const nlohmann::json& status) {
    std::vector<nlohmann::json> out;
    for (const auto& a : status["alerts"])
      if (a["dimension"] == "correct" && a["slice"] == "") out.push_back(a);
    return out;
  }

  TempDir dir_{"qualbar-monitor"};
};

// The whole weekly loop, for a few seeds: ingest → export → two simulated reviewers (3% noise)
// → import → status, on the drift and on its flat twin.
class MonitorLoop : public MonitorCli, public ::testing::WithParamInterface<std::uint64_t> {};

INSTANTIATE_TEST_SUITE_P(Seeds, MonitorLoop, ::testing::Values(1, 2, 3));

// PRODUCT.md's third failure: 94% → 87% over six months, 200 graded a week.
TEST_P(MonitorLoop, ASlowDriftGradedByTwoReviewersRaisesAnIncidentThatNamesTheWeek) {
  Stream s;
  s.end = 0.87;
  s.seed = GetParam();
  ProcessResult r = ingest(s);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Ingested 208000 records"), std::string::npos) << r.out;
  review_everything();
  r = qualbar("monitor status --suite suite.yaml --out json=status.json --out html=status.html");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  const auto status = nlohmann::json::parse(read("status.json"));
  const auto alerts = correct_alerts(status);
  ASSERT_FALSE(alerts.empty()) << r.out.substr(0, 3000);
  std::string first = "9999";
  for (const auto& a : alerts) {
    first = std::min(first, a["window"].get<std::string>());
    EXPECT_NE(a["message"].get<std::string>().find(a["window"].get<std::string>()),
              std::string::npos)
        << a.dump();
  }
  EXPECT_GE(first, "2026-W08") << "no alert while the drop is still within noise";
  EXPECT_LE(first, "2026-W24") << "the drop is caught within weeks, not at the end";
  // One quality incident on `correct`, open, starting with the first alert.
  std::vector<nlohmann::json> quality;
  for (const auto& i : status["incidents"])
    if (i["kind"] == "quality") quality.push_back(i);
  ASSERT_EQ(quality.size(), 1U) << status["incidents"].dump(1);
  EXPECT_EQ(quality[0]["signal"], "correct");
  EXPECT_TRUE(quality[0]["open"].get<bool>());
  EXPECT_EQ(quality[0]["started"], first);
  EXPECT_NE(r.out.find("correct"), std::string::npos);
  const std::string html = read("status.html");
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);

  // Incidents are stored: the same ones are not new the second time.
  r = qualbar("monitor status --suite suite.yaml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out.find("New since the last status"), std::string::npos)
      << r.out.substr(r.out.size() > 400 ? r.out.size() - 400 : 0);
}

TEST_P(MonitorLoop, AFlatStreamRaisesNoQualityIncident) {
  Stream s;
  s.seed = GetParam();
  ASSERT_EQ(ingest(s).exit_code, 0);
  review_everything();
  const ProcessResult r = qualbar("monitor status --suite suite.yaml --format json");
  const auto status = nlohmann::json::parse(r.out);
  EXPECT_TRUE(correct_alerts(status).empty()) << r.out.substr(0, 2000);
  for (const auto& i : status["incidents"]) EXPECT_NE(i["kind"], "quality") << i.dump();
  EXPECT_TRUE(status["grading_gaps"].empty()) << status["grading_gaps"];
  EXPECT_EQ(r.exit_code, status["open_incidents"].get<int>() > 0 ? 1 : 0);
}

// Before anyone grades, the weeks are not tested, and the status says so first, exits 1 and gives
// the command that hands them out; once graded, nothing is left to say.
TEST_F(MonitorCli, WeeksNobodyGradedAreNotTestedAndTheStatusFails) {
  Stream s;
  s.weeks = 5;
  s.per_week = 2000;
  ASSERT_EQ(ingest(s).exit_code, 0);
  ProcessResult r = qualbar("monitor status --suite suite.yaml --wide");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("NOT TESTED: 3 closed weeks could not be tested"), std::string::npos)
      << r.out;  // W05 is the open week, W04 still in its grace week
  EXPECT_LT(r.out.find("NOT TESTED"), r.out.find("No open incidents on the weeks that could be tested"));
  const std::string command = "review export --run m-moderation --dimension correct --week "
                              "2026-W02 --week 2026-W03 --week 2026-W04 --dir review/";
  EXPECT_NE(r.out.find("Hand them to reviewers: qualbar " + command), std::string::npos) << r.out;
  r = qualbar(command);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("per week: 2026-W02 "), std::string::npos) << r.out;
}

TEST_F(MonitorCli, AMalformedLineInAStreamIsQuarantinedAndTheStreamGoesOn) {
  Stream s;
  s.weeks = 2;
  s.per_week = 500;
  s.bad_line_at = 300;
  write("records.jsonl", records(s));
  const ProcessResult r = start_qualbar({"monitor", "ingest", "-", "--suite", "suite.yaml"}, dir_,
                                        {}, (dir_.work() / "records.jsonl").string())
                              ->wait();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Ingested 1000 records"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 bad line quarantined"), std::string::npos) << r.out;
  const auto q = nlohmann::json::parse(read(".qualbar/quarantine.jsonl"));
  EXPECT_EQ(q["line"], 301);
  EXPECT_EQ(q["source"], "stdin");
  EXPECT_NE(q["text"].get<std::string>().find("p-broken"), std::string::npos);
}

TEST_F(MonitorCli, AFileIngestedAgainContinuesWhereItStopped) {
  Stream s;
  s.weeks = 2;
  s.per_week = 300;
  const std::string all = records(s);
  const std::size_t half = all.find('\n', all.size() / 2) + 1;
  write("records.jsonl", all.substr(0, half));
  ASSERT_EQ(qualbar("monitor ingest records.jsonl --suite suite.yaml").exit_code, 0);
  ProcessResult r = qualbar("monitor ingest records.jsonl --suite suite.yaml");
  EXPECT_NE(r.out.find("Ingested 0 records"), std::string::npos) << r.out;
  write("records.jsonl", all);  // the log grew
  r = qualbar("monitor ingest records.jsonl --suite suite.yaml");
  const std::size_t first_half = static_cast<std::size_t>(
      std::count(all.begin(), all.begin() + static_cast<long>(half), '\n'));
  EXPECT_NE(r.out.find(fmt::format("Ingested {} records", 600 - first_half)), std::string::npos)
      << r.out;
  r = qualbar("monitor status --suite suite.yaml --format json");
  std::uint64_t volume = 0;
  const auto status = nlohmann::json::parse(r.out);
  for (const auto& t : status["traffic"]) volume += t["volume"].get<std::uint64_t>();
  EXPECT_EQ(volume, 600U) << "nothing counted twice";

  // A log shorter than its identity's 4 KiB head grows: still the same file.
  Stream tiny;
  tiny.weeks = 1;
  tiny.per_week = 10;
  tiny.seed = 7;
  const std::string few = records(tiny);
  const std::size_t five = [&] {
    std::size_t at = 0;
    for (int i = 0; i < 5; ++i) at = few.find('\n', at) + 1;
    return at;
  }();
  write("small.jsonl", few.substr(0, five));
  r = qualbar("monitor ingest small.jsonl --suite suite.yaml --store small.db");
  EXPECT_NE(r.out.find("Ingested 5 records"), std::string::npos) << r.out;
  write("small.jsonl", few);
  r = qualbar("monitor ingest small.jsonl --suite suite.yaml --store small.db");
  EXPECT_NE(r.out.find("Ingested 5 records"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("5 lines already ingested"), std::string::npos) << r.out;
}

// `tail -F app.log | qualbar monitor ingest -`: while the writer keeps the stream open and quiet,
// what was read is stored on the flush timer and `monitor status` sees it.
TEST_F(MonitorCli, AStreamStillOpenHasItsRecordsStoredOnTheFlushTimer) {
  Stream s;
  s.weeks = 1;
  s.per_week = 300;
  const std::string fifo = (dir_.work() / "live.pipe").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto ingest = start_qualbar(
      {"monitor", "ingest", "-", "--suite", "suite.yaml", "--flush-seconds", "0.05"}, dir_, {},
      fifo);
  const int writer = ::open(fifo.c_str(), O_WRONLY);  // returns once the ingest has opened it
  ASSERT_GE(writer, 0);
  const std::string text = records(s);
  ASSERT_EQ(::write(writer, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  // The writer stays open: the ingest has no end of file to flush at.
  long long seen = -1;
  for (int i = 0; i < 600 && seen != 300; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    seen = status_volume();
  }
  EXPECT_EQ(seen, 300) << "the records of an open stream were not stored";
  ::close(writer);
  const ProcessResult r = ingest->wait();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Ingested 300 records"), std::string::npos) << r.out;
  EXPECT_EQ(status_volume(), 300) << "nothing counted twice";
}

// A dimension that needs what production records lack (token F1 needs a reference) is not a
// series: not one of "0%" made of failed calls alone. A failed call still fails what applies.
TEST_F(MonitorCli, DimensionsThatCannotApplyToProductionAreNoSeries) {
  write("prod.yaml", R"(schema_version: 1
name: prod
datasets: [cases.jsonl]
dimensions:
  answer_correct: {scorer: token-f1, threshold: 0.5}
  no_pii: {scorer: pii}
)");
  std::string lines;
  for (int i = 0; i < 40; ++i) {
    const bool failed = i % 4 == 0;
    lines += nlohmann::json{{"id", fmt::format("r-{}", i)},
                            {"ts", fmt::format("2026-03-{:02}T10:00:00Z", 2 + i % 5)},
                            {"input", "Where is my order?"},
                            {"output", failed ? "" : "It ships tomorrow."},
                            {"error", failed ? nlohmann::json("timeout") : nlohmann::json()}}
                 .dump() +
             "\n";
  }
  write("prod.jsonl", lines);
  const ProcessResult ingest = qualbar("monitor ingest prod.jsonl --suite prod.yaml");
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  EXPECT_NE(ingest.out.find("  Scored on every record: no_pii\n  Applied to no record (they need "
                            "what production records lack: a reference, an expected_label or "
                            "should_refuse): answer_correct\n"),
            std::string::npos)
      << ingest.out;
  const ProcessResult r = qualbar("monitor status --suite prod.yaml --format json");
  const auto status = nlohmann::json::parse(r.out);
  std::set<std::string> dims;
  for (const auto& q : status["quality"]) dims.insert(q["dimension"].get<std::string>());
  EXPECT_EQ(dims, std::set<std::string>{"no_pii"}) << r.out;
  const auto& pii = status["quality"][0]["weeks"][0];
  EXPECT_EQ(pii["items"], 40) << pii;  // every record, the 10 failed calls among them
  EXPECT_NEAR(pii["estimate"].get<double>(), 30.0 / 40.0, 1e-12) << pii;
}

// A suite for production alone: no dataset, a dimension only people grade (no dummy judge). It
// validates, refuses `qualbar run` with the reason, and runs the whole weekly loop.
TEST_F(MonitorCli, AMonitorOnlySuiteWithAPeopleGradedDimensionRunsTheLoop) {
  write("prod.yaml", R"(schema_version: 1
name: prod
dimensions:
  correct:
    scorer: people
    args: {rubric: "The moderation decision is right."}
  no_pii: {scorer: pii}
slices: [category]
monitor: {sample_rate: 0.025, min_per_window: 20, stratify_by: [category]}
)");
  ProcessResult r = qualbar("validate prod.yaml");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("cases       none: a monitor-only suite"), std::string::npos) << r.out;
  r = qualbar("run prod.yaml --no-store");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("prod.yaml:1:1: field 'datasets': the suite has no datasets: it is a "
                       "monitor-only suite"),
            std::string::npos)
      << r.err;

  Stream s;
  s.weeks = 4;
  s.per_week = 2000;
  write("records.jsonl", records(s));
  r = qualbar("monitor ingest records.jsonl --suite prod.yaml");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Scored on every record: no_pii\n"), std::string::npos) << r.out;
  r = qualbar("monitor status --suite prod.yaml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("  ✗ correct: 2026-W02 (0 graded), 2026-W03 (0 graded)\n"),
            std::string::npos)
      << r.out;
  r = qualbar("review export --run m-prod --dimension correct --dir review");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> done;
  for (const char* who : {"reviewer-1", "reviewer-2"}) {
    std::istringstream in(read(std::string("review/") + who + ".jsonl"));
    std::string out;
    for (std::string line; std::getline(in, line);) {
      auto j = nlohmann::json::parse(line);
      EXPECT_EQ(j["rubric"], "The moderation decision is right.");
      j["grade"] = j["input"].get<std::string>().find("[ok]") != std::string::npos ? 1 : 0;
      out += j.dump() + "\n";
    }
    write(std::string("review/") + who + "-done.jsonl", out);
    done.push_back(std::string("review/") + who + "-done.jsonl");
  }
  r = qualbar("review import " + done[0] + " " + done[1]);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = qualbar("monitor status --suite prod.yaml --format json");
  const auto status = nlohmann::json::parse(r.out);
  EXPECT_TRUE(status["grading_gaps"].empty()) << status["grading_gaps"];
  bool people_series = false;
  for (const auto& q : status["quality"])
    people_series = people_series || (q["dimension"] == "correct" && q["source"] == "people" &&
                                      q["slice"] == "" && q["baseline"]["rate"].is_number());
  EXPECT_TRUE(people_series) << r.out.substr(0, 3000);
}

// Each row of `sql` on the store file `db`, given to `row`.
void each_row(const fs::path& db, const char* sql,
              const std::function<void(sqlite3_stmt*)>& row) {
  sqlite3* h = nullptr;
  sqlite3_open(db.c_str(), &h);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(h, sql, -1, &st, nullptr);
  while (sqlite3_step(st) == SQLITE_ROW) row(st);
  sqlite3_finalize(st);
  sqlite3_close(h);
}

std::string text_at(sqlite3_stmt* st, int column) {
  return reinterpret_cast<const char*>(sqlite3_column_text(st, column));
}

// The number of sampled records of the monitor's closed weeks (all but the newest), per week.
std::map<std::string, int> closed_week_samples(const fs::path& db) {
  std::map<std::string, int> out;
  each_row(db,
           "SELECT week, COUNT(*) FROM monitor_samples WHERE week < (SELECT MAX(week) FROM "
           "monitor_strata) GROUP BY week",
           [&](sqlite3_stmt* st) { out[text_at(st, 0)] = sqlite3_column_int(st, 1); });
  return out;
}

// `review export` on a monitor hands out every closed week's sample in full by default (never 200
// items thinly spread over six months); --week, --weeks and --sample (per week) narrow it.
TEST_F(MonitorCli, ReviewExportHandsOutEveryClosedWeekInFull) {
  Stream s;
  s.weeks = 4;
  s.per_week = 800;
  ASSERT_EQ(ingest(s).exit_code, 0);
  const auto weeks = closed_week_samples(dir_.work() / ".qualbar" / "qualbar.db");
  ASSERT_EQ(weeks.size(), 3U) << "four weeks of records, the last still open";
  int total = 0;
  std::string per_week;
  for (const auto& [week, n] : weeks) {
    total += n;
    per_week += fmt::format("{}{} {}", per_week.empty() ? "" : ", ", week, n);
  }
  ProcessResult r = qualbar("review export --run m-moderation --dimension correct --dir all");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(fmt::format("{} answers to grade", total)), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("per week: " + per_week + "\n"), std::string::npos) << r.out;

  const std::string last = weeks.rbegin()->first;
  r = qualbar("review export --run m-moderation --dimension correct --weeks 1 --dir last");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(fmt::format("per week: {} {}\n", last, weeks.rbegin()->second)),
            std::string::npos)
      << r.out;

  const std::string first = weeks.begin()->first;
  r = qualbar("review export --run m-moderation --dimension correct --week " + first +
              " --sample 5 --dir five");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(fmt::format("5 answers to grade")), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(fmt::format("per week: {} 5\n", first)), std::string::npos) << r.out;

  r = qualbar("review export --run m-moderation --dimension correct --week 2099-W01 --dir none");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--week 2099-W01: not a closed week of monitor m-moderation; its closed "
                       "weeks are " + weeks.begin()->first),
            std::string::npos)
      << r.err;
}

// Without a written min_per_window, the floors are sized for the tests: the critical category
// gets twice min_graded every week after the expected losses (71), the others enough to be
// tested over four weeks pooled (9), and the ingest says so.
TEST_F(MonitorCli, ACriticalCategoryIsOversampledToBeTestedEveryWeek) {
  std::string suite = kSuite;
  suite.replace(suite.find("  sample_rate: 0.025\n  min_per_window: 20\n"),
                std::string("  sample_rate: 0.025\n  min_per_window: 20\n").size(),
                "  sample_rate: 0.001\n");
  suite.replace(suite.find("slices: [category]"), std::string("slices: [category]").size(),
                "slices: [category]\ncritical_slices: [category=refund-dispute]");
  write("suite.yaml", suite);
  Stream s;
  s.weeks = 3;
  s.per_week = 4000;
  const ProcessResult r = ingest(s);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("every category topped up to 9 a week (a critical slice's to 71)"),
            std::string::npos)
      << r.out;
  std::map<std::string, int> per_stratum;  // the first week's sample, by category
  each_row(dir_.work() / ".qualbar" / "qualbar.db",
           "SELECT stratum, COUNT(*) FROM monitor_samples WHERE week = (SELECT MIN(week) FROM "
           "monitor_samples) GROUP BY stratum",
           [&](sqlite3_stmt* st) { per_stratum[text_at(st, 0)] = sqlite3_column_int(st, 1); });
  // 10% of 4,000 records are refund disputes; 0.1% of the others are kept by the rate alone.
  EXPECT_EQ(per_stratum["refund-dispute"], 71);
  EXPECT_GE(per_stratum["billing"], 9);
  EXPECT_LE(per_stratum["billing"], 12);
  EXPECT_GE(per_stratum["shipping"], 9);
  EXPECT_LE(per_stratum["shipping"], 12);
}

// A closed week's sample, once handed to reviewers, is what they grade: late records of that week
// add no top-up and push none out (records the rate keeps still enter). A week not handed out
// keeps taking smaller hashes.
TEST_F(MonitorCli, AWeekHandedToReviewersKeepsItsSampleWhenLateRecordsArrive) {
  Stream s;
  s.weeks = 3;
  s.per_week = 800;
  ASSERT_EQ(ingest(s).exit_code, 0);
  const fs::path db = dir_.work() / ".qualbar" / "qualbar.db";
  // (week, id) → topup, of every kept record.
  const auto kept = [&] {
    std::map<std::pair<std::string, std::string>, int> out;
    each_row(db, "SELECT week, id, topup FROM monitor_samples", [&](sqlite3_stmt* st) {
      out[{text_at(st, 0), text_at(st, 1)}] = sqlite3_column_int(st, 2);
    });
    return out;
  };
  ProcessResult r = qualbar("review export --run m-moderation --dimension correct --dir review");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_NE(r.out.find("per week: 2026-W02"), std::string::npos) << r.out;
  const auto before = kept();
  // 3,000 late billing records in the handed-out week 2026-W02 and in the open week 2026-W04.
  std::string late;
  for (int i = 0; i < 3000; ++i)
    for (const char* ts : {"2026-01-06T10:00:00Z", "2026-01-20T10:00:00Z"})
      late += nlohmann::json{{"id", fmt::format("late-{}-{}", ts[9], i)}, {"ts", ts},
                             {"category", "billing"}, {"input", "Review post [ok]"},
                             {"output", "The post was kept."}}
                  .dump() +
              "\n";
  write("late.jsonl", late);
  r = qualbar("monitor ingest late.jsonl --suite suite.yaml");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto after = kept();
  std::size_t frozen_added = 0, open_removed = 0;
  for (const auto& [key, topup] : before) {
    if (key.first == "2026-W02") {
      EXPECT_TRUE(after.contains(key)) << key.second << " left W02";
    }
    if (key.first == "2026-W04" && !after.contains(key)) ++open_removed;
  }
  for (const auto& [key, topup] : after) {
    if (key.first != "2026-W02" || before.contains(key)) continue;
    ++frozen_added;
    EXPECT_EQ(topup, 0) << key.second << ": a top-up entered a frozen week";
  }
  EXPECT_GT(frozen_added, 0U) << "the rate still keeps late records of a frozen week";
  EXPECT_GT(open_removed, 0U) << "an open week's top-ups give way to smaller hashes";
}

// monitor.detect_language: a record without `language` gets the one CLD2 is sure of, for the
// language slice; one that says its language keeps it; text too short to tell has none.
TEST_F(MonitorCli, RecordsWithoutALanguageGetTheOneDetectedInTheirInput) {
  write("suite.yaml", R"(schema_version: 1
name: langs
dimensions:
  no_pii: {scorer: pii}
slices: [language]
monitor: {detect_language: true}
)");
  const char* const texts[][2] = {
      {"", "How do I change the delivery address of an order I placed yesterday evening?"},
      {"", "Wie kann ich die Lieferadresse einer Bestellung ändern, die ich gestern aufgegeben habe?"},
      {"", "¿Cómo puedo cambiar la dirección de entrega de un pedido que hice ayer por la tarde?"},
      {"fr", "How do I change the delivery address of an order I placed yesterday evening?"},
      {"", "ok"}};
  std::string lines;
  for (int i = 0; i < 50; ++i) {
    const auto& t = texts[i % 5];
    nlohmann::json j{{"id", fmt::format("r-{}", i)},
                     {"ts", "2026-03-03T10:00:00Z"},
                     {"input", t[1]},
                     {"output", "Done."}};
    if (*t[0] != 0) j["language"] = t[0];
    lines += j.dump() + "\n";
  }
  write("records.jsonl", lines);
  ASSERT_EQ(qualbar("monitor ingest records.jsonl --suite suite.yaml").exit_code, 0);
  const ProcessResult r = qualbar("monitor status --suite suite.yaml --format json");
  const auto status = nlohmann::json::parse(r.out);
  std::map<std::string, int> per_language;
  for (const auto& q : status["quality"])
    if (q["slice"] == "language") per_language[q["value"]] = q["weeks"][0]["items"].get<int>();
  EXPECT_EQ(per_language, (std::map<std::string, int>{
                              {"(none)", 10}, {"de", 10}, {"en", 10}, {"es", 10}, {"fr", 10}}))
      << r.out.substr(0, 1500);
}

// A dimension taken out of the suite mid-stream is no longer a series (its weeks stay stored); a
// `refused` dimension is the refusal rate, an operational signal, never a quality series.
TEST_F(MonitorCli, ARemovedDimensionIsNoSeriesAndRefusalsAreAnOperationalSignal) {
  Stream s;
  s.weeks = 3;
  s.per_week = 500;
  ASSERT_EQ(ingest(s).exit_code, 0);
  const auto series_of = [&](const nlohmann::json& status) {
    std::set<std::string> out;
    for (const auto& q : status["quality"]) out.insert(q["dimension"].get<std::string>());
    return out;
  };
  const auto signals_of = [&](const nlohmann::json& status) {
    std::set<std::string> out;
    for (const auto& o : status["operations"]) out.insert(o["signal"].get<std::string>());
    return out;
  };
  auto status = nlohmann::json::parse(qualbar("monitor status --suite suite.yaml --format json").out);
  EXPECT_TRUE(series_of(status).contains("no_pii"));
  EXPECT_FALSE(series_of(status).contains("refused"));
  EXPECT_TRUE(signals_of(status).contains("refusal rate"));
  for (const auto& o : status["operations"])
    if (o["signal"] == "refusal rate") {  // 2% of the outputs are a refusal
      EXPECT_NEAR(o["baseline"].get<double>(), 0.02, 0.01);
    }
  std::string suite = kSuite;
  suite.replace(suite.find("  no_pii:\n    scorer: pii\n"),
                std::string("  no_pii:\n    scorer: pii\n").size(), "");
  write("suite.yaml", suite);
  status = nlohmann::json::parse(qualbar("monitor status --suite suite.yaml --format json").out);
  EXPECT_FALSE(series_of(status).contains("no_pii")) << status["quality"].dump().substr(0, 500);
}

// The set of records kept at the sample rate, as a sorted list of ids.
std::set<std::string> kept_by_rate(const fs::path& db) {
  std::set<std::string> out;
  each_row(db, "SELECT id FROM monitor_samples WHERE topup = 0",
           [&](sqlite3_stmt* st) { out.insert(text_at(st, 0)); });
  return out;
}

// An ingest of a file another live process is reading waits for it to end, storing nothing
// meanwhile, then goes on from its checkpoint. (This test holds the file's lock itself.)
TEST_F(MonitorCli, AnIngestWaitsWhileAnotherProcessReadsTheSameFile) {
  Stream s;
  s.weeks = 1;
  s.per_week = 500;
  write("records.jsonl", records(s));
  auto store = open_store((dir_.work() / "held.db").string());
  const RunHolder me = RunLock::self();
  const std::string name = "m-moderation ingest records.jsonl";
  ASSERT_TRUE(store->runs().lock_run(name, me, &RunLock::is_stale).taken);
  auto ingest = start_qualbar(
      {"monitor", "ingest", "records.jsonl", "--suite", "suite.yaml", "--store", "held.db"}, dir_);
  std::string err;
  for (int i = 0; i < 300 && err.find("is being ingested by process") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    err = ingest->err_so_far();
  }
  EXPECT_NE(err.find(fmt::format("records.jsonl is being ingested by process {}", me.pid)),
            std::string::npos)
      << err;
  EXPECT_TRUE(store->monitor().cells("m-moderation").empty()) << "nothing stored while waiting";
  store->runs().unlock_run(name, me);
  const ProcessResult r = ingest->wait();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Ingested 500 records"), std::string::npos) << r.out;
}

// Four ingests of one file at once count each record once: one reads it, the others wait for it
// and then go on from its checkpoint (the end).
TEST_F(MonitorCli, ConcurrentIngestsOfOneFileCountEachRecordOnce) {
  Stream s;
  s.weeks = 2;
  s.per_week = 20000;
  write("records.jsonl", records(s));
  std::vector<std::unique_ptr<RunningQualbar>> ingests;
  for (int i = 0; i < 4; ++i)
    ingests.push_back(start_qualbar({"monitor", "ingest", "records.jsonl", "--suite", "suite.yaml"},
                                    dir_));
  std::uint64_t ingested = 0;
  for (auto& p : ingests) {
    const ProcessResult r = p->wait();
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto at = r.out.find("Ingested ");
    ASSERT_NE(at, std::string::npos) << r.out;
    ingested += std::stoull(r.out.substr(at + 9));
  }
  EXPECT_EQ(ingested, 40000U) << "the four processes together ingested each record once";
  EXPECT_EQ(status_volume(), 40000);
  ASSERT_EQ(qualbar("monitor ingest records.jsonl --suite suite.yaml --store one.db").exit_code, 0);
  EXPECT_EQ(kept_by_rate(dir_.work() / ".qualbar" / "qualbar.db"),
            kept_by_rate(dir_.work() / "one.db"));
}

TEST_F(MonitorCli, TheSameRecordIdsMakeTheSameSamplingDecisionInEveryProcess) {
  Stream s;
  s.weeks = 3;
  s.per_week = 2000;
  const std::string all = records(s);
  const std::size_t half = all.find('\n', all.size() / 2) + 1;
  write("all.jsonl", all);
  write("a.jsonl", all.substr(0, half));
  write("b.jsonl", all.substr(half));
  ASSERT_EQ(qualbar("monitor ingest all.jsonl --suite suite.yaml --store one.db").exit_code, 0);
  // Two processes at once, each with half of the stream, into one store.
  auto pa = start_qualbar(
      {"monitor", "ingest", "a.jsonl", "--suite", "suite.yaml", "--store", "two.db"}, dir_);
  TempDir other{"qualbar-monitor-b"};
  fs::copy(dir_.work() / "suite.yaml", other.work() / "suite.yaml");
  fs::copy(dir_.work() / "cases.jsonl", other.work() / "cases.jsonl");
  fs::copy(dir_.work() / "b.jsonl", other.work() / "b.jsonl");
  auto pb = start_qualbar({"monitor", "ingest", "b.jsonl", "--suite", "suite.yaml", "--store",
                           (dir_.work() / "two.db").string()},
                          other);
  EXPECT_EQ(pa->wait().exit_code, 0);
  EXPECT_EQ(pb->wait().exit_code, 0);
  const auto one = kept_by_rate(dir_.work() / "one.db");
  EXPECT_EQ(one, kept_by_rate(dir_.work() / "two.db"));
  EXPECT_NEAR(static_cast<double>(one.size()) / 6000.0, 0.025, 0.008);
}

TEST_F(MonitorCli, IncidentsArePostedToTheWebhookOnceAndCanBeAcknowledged) {
  Stream s;
  s.end = 0.87;
  s.per_week = 4000;
  ASSERT_EQ(ingest(s).exit_code, 0);
  review_everything();
  httplib::Server server;
  std::mutex mu;
  std::vector<nlohmann::json> posted;
  server.Post("/hook/secret-token", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu);
    posted.push_back(nlohmann::json::parse(req.body));
    res.status = 200;
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread t([&] { server.listen_after_bind(); });
  const std::string url = fmt::format("http://127.0.0.1:{}/hook/secret-token", port);
  ProcessResult r = qualbar("monitor status --suite suite.yaml --format json --webhook " + url);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  const auto status = nlohmann::json::parse(r.out);
  const std::size_t first = posted.size();
  r = qualbar("monitor status --suite suite.yaml --webhook " + url);
  server.stop();
  t.join();
  ASSERT_GT(first, 0U) << r.out.substr(0, 1000) << r.err;
  EXPECT_EQ(first, status["open_incidents"]) << "one event per open incident, not per alert "
                                                "(one resolved before the webhook heard of it)";
  EXPECT_LT(first, status["alerts"].size());
  EXPECT_EQ(posted.size(), first) << "an incident is posted once";
  EXPECT_EQ(posted[0]["monitor"], "m-moderation");
  EXPECT_EQ(posted[0]["event"], "incident.opened");
  EXPECT_TRUE(posted[0]["incident"].contains("summary"));
  EXPECT_EQ(r.out.find("New since the last status"), std::string::npos) << "seen before";
  // Acknowledged: still open (exit 1), shown with who and the note.
  const std::string id = status["incidents"][0]["id"];
  r = qualbar("monitor ack " + id + " --suite suite.yaml --note \"rolling back the prompt\"");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = qualbar("monitor status --suite suite.yaml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("Acknowledged by"), std::string::npos) << r.out.substr(0, 2000);
  EXPECT_NE(r.out.find("rolling back the prompt"), std::string::npos);
  // An id the monitor does not have: the open ones are named.
  r = qualbar("monitor ack nothing@2026-W01 --suite suite.yaml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(id), std::string::npos) << r.err;
  r = qualbar("monitor ack " + id + " --suite suite.yaml --until 31-12-2026");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--until '31-12-2026'"), std::string::npos) << r.err;
  // A webhook that is down is a warning that names the host, not the token.
  r = qualbar("monitor status --suite suite.yaml --webhook http://127.0.0.1:9/hook/secret-token");
  EXPECT_EQ(r.err.find("secret-token"), std::string::npos) << r.err;
  // Resolved by hand: closed at the next status, which no longer fails on it.
  for (const auto& i : status["incidents"]) {
    if (!i["open"].get<bool>()) continue;
    r = qualbar("monitor resolve " + i["id"].get<std::string>() +
                " --suite suite.yaml --note \"rolled back\"");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  r = qualbar("monitor status --suite suite.yaml --format json");
  EXPECT_EQ(r.exit_code, 0) << r.out.substr(0, 2000);
  const auto after = nlohmann::json::parse(r.out);
  EXPECT_EQ(after["open_incidents"], 0);
  const auto resolved = std::find_if(after["incidents"].begin(), after["incidents"].end(),
                                     [&](const auto& i) { return i["id"] == id; });
  ASSERT_NE(resolved, after["incidents"].end());
  EXPECT_TRUE((*resolved)["resolved_by_hand"].get<bool>());
  EXPECT_NE((*resolved)["acknowledged"].get<std::string>().find("Resolved by hand by"),
            std::string::npos);
  EXPECT_NE((*resolved)["acknowledged"].get<std::string>().find("rolled back"), std::string::npos);
  r = qualbar("monitor resolve " + id + " --suite suite.yaml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("already resolved"), std::string::npos) << r.err;
}

TEST_F(MonitorCli, GradedProductionRecordsBecomeTestCases) {
  Stream s;
  s.weeks = 3;
  s.per_week = 1000;
  ASSERT_EQ(ingest(s).exit_code, 0);
  review_everything();
  ProcessResult r =
      qualbar("monitor export-cases --suite suite.yaml --out jsonl=prod.jsonl --only-failing");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in(read("prod.jsonl"));
  std::size_t n = 0;
  for (std::string line; std::getline(in, line); ++n) {
    const auto j = nlohmann::json::parse(line);
    EXPECT_TRUE(j.contains("category"));
    EXPECT_EQ(j["metadata"]["production_grades"]["correct"], 0) << line;
    EXPECT_EQ(j["tags"].back(), "production");
    EXPECT_FALSE(j.contains("output")) << "a case, not a response";
  }
  EXPECT_GT(n, 0U);
  // The cases are a valid dataset: a suite can use them.
  write("suite2.yaml",
        std::string(kSuite).replace(std::string(kSuite).find("cases.jsonl"), 11, "prod.jsonl"));
  r = qualbar("validate suite2.yaml");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  r = qualbar("monitor export-cases --suite suite.yaml --out jsonl=prod.jsonl");
  EXPECT_EQ(r.exit_code, 2) << "never overwritten";
}

}  // namespace QB_UNITY_ID
}  // namespace qb::test

namespace qb::test {
namespace QB_UNITY_ID {

TEST_F(MonitorCli, EveryKindOfBadRecordIsQuarantinedWithTheFieldNamed) {
  write(
      "records.jsonl",
      R"({"id":"p-1","ts":"2026-03-02T10:00:00Z","category":"billing","input":"hi","output":"ok"})"
      "\n"
      R"({"ts":"2026-03-02T10:00:00Z","output":"no id"})"
      "\n"
      R"({"id":"p-2","output":"no time"})"
      "\n"
      R"({"id":"p-3","ts":"last tuesday","output":"x"})"
      "\n"
      R"({"id":"p-4","ts":"2026-02-31T10:00:00Z","output":"x"})"
      "\n"
      R"({"id":"p-5","ts":"2026-03-02T10:00:00Z","output":42})"
      "\n"
      R"({"id":"p-6","ts":"2026-03-02T10:00:00Z","output":"x","latency_ms":"fast"})"
      "\n"
      R"({"id":"p-7","ts":"2026-03-02T10:00:00Z"})"
      "\n"
      R"({"id":"p-8","ts":"2026-03-02T11:00:00+01:00","error":"HTTP 500"})"
      "\n"
      "[1, 2]\n");
  const ProcessResult r =
      qualbar("monitor ingest records.jsonl --suite suite.yaml --quarantine bad.jsonl");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Ingested 2 records"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("8 bad lines quarantined"), std::string::npos) << r.out;
  std::istringstream in(read("bad.jsonl"));
  std::vector<std::pair<int, std::string>> got;
  for (std::string line; std::getline(in, line);) {
    const auto j = nlohmann::json::parse(line);
    got.emplace_back(j["line"].get<int>(), j["error"].get<std::string>());
  }
  const std::vector<std::pair<int, std::string>> want = {
      {2, "field 'id'"},     {3, "field 'ts'"},        {4, "field 'ts'"},
      {5, "field 'ts'"},     {6, "field 'output'"},    {7, "field 'latency_ms'"},
      {8, "field 'output'"}, {10, "not a JSON object"}};
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].first, want[i].first);
    EXPECT_NE(got[i].second.find(want[i].second), std::string::npos) << got[i].second;
  }
}

TEST_F(MonitorCli, ABadMonitorMapIsAnErrorAtItsLine) {
  write("suite.yaml", std::string(kSuite) + "");
  std::string text = kSuite;
  text.replace(text.find("sample_rate: 0.025"), 18, "sample_rate: 5");
  write("bad.yaml", text);
  ProcessResult r = qualbar("monitor ingest records.jsonl --suite bad.yaml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.yaml:15:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("monitor.sample_rate"), std::string::npos) << r.err;
  text = kSuite;
  text.replace(text.find("min_per_window"), 14, "min_per_windw");
  write("bad.yaml", text);
  r = qualbar("monitor status --suite bad.yaml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("min_per_window"), std::string::npos) << r.err;
  r = qualbar("monitor status --suite suite.yaml");
  EXPECT_EQ(r.exit_code, 2) << "no store yet";
}

}  // namespace QB_UNITY_ID
}  // namespace qb::test

#include "../support/fake_openai.hpp"

namespace qb::test {
namespace QB_UNITY_ID {

// The suite's judge grades the production sample; judge-check measures it against the reviewers
// on that traffic, and the status shows its series next to people's.
TEST_F(MonitorCli, TheJudgeGradesTheSampleAndIsCheckedAgainstPeopleOnProduction) {
  FakeOpenAI server([](const FakeRequest& req, int) {
    const bool ok = req.last_user_message.find("[ok]") != std::string::npos;
    return FakeAction::answer(ok ? R"({"verdict":"pass","reason":"right call"})"
                                 : R"({"verdict":"fail","reason":"wrong call"})");
  });
  std::string suite = kSuite;
  suite.replace(suite.find("http://127.0.0.1:9/v1"), 21, server.base_url());
  write("suite.yaml", suite);
  Stream s;
  s.weeks = 4;
  s.per_week = 4000;
  ASSERT_EQ(ingest(s).exit_code, 0);
  ProcessResult r = qualbar("monitor judge --suite suite.yaml");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("The judge graded"), std::string::npos) << r.out;
  const std::size_t calls = server.request_count();
  EXPECT_GT(calls, 200U);
  r = qualbar("monitor judge --suite suite.yaml");
  EXPECT_NE(r.out.find("graded 0 sampled records"), std::string::npos) << r.out;
  EXPECT_EQ(server.request_count(), calls) << "a record is judged once";

  review_everything();
  r = qualbar("judge-check --run m-moderation");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("correct (judge: gpt-4o-mini)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("judge usable"), std::string::npos) << r.out;
  r = qualbar("monitor status --suite suite.yaml --format json");
  bool judge_series = false;
  const auto status = nlohmann::json::parse(r.out);
  for (const auto& q : status["quality"])
    judge_series = judge_series || (q["dimension"] == "correct (judge)" && q["source"] == "judge");
  EXPECT_TRUE(judge_series) << r.out.substr(0, 1500);
}

// A judge that answers out of format grades nothing: those records are asked again once it is
// fixed, not answered from a cache of its non-answers.
TEST_F(MonitorCli, RecordsTheJudgeDidNotGradeAreAskedAgainOnceItIsFixed) {
  std::atomic<bool> fixed{false};
  FakeOpenAI server([&](const FakeRequest&, int) {
    return FakeAction::answer(fixed ? R"({"verdict":"pass","reason":"right call"})"
                                    : "As an AI, I cannot judge moderation decisions.");
  });
  std::string suite = kSuite;
  suite.replace(suite.find("http://127.0.0.1:9/v1"), 21, server.base_url());
  write("suite.yaml", suite);
  Stream s;
  s.weeks = 3;
  s.per_week = 1000;
  ASSERT_EQ(ingest(s).exit_code, 0);
  ProcessResult r = qualbar("monitor judge --suite suite.yaml");
  const std::size_t broken = server.request_count();
  ASSERT_GT(broken, 0U) << r.out << r.err;
  EXPECT_NE(r.out.find("graded 0 sampled records"), std::string::npos) << r.out;
  fixed = true;
  r = qualbar("monitor judge --suite suite.yaml");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(server.request_count(), 2 * broken) << "every record is asked again, none from a cache";
  EXPECT_NE(r.out.find(fmt::format("graded {} sampled records", broken)), std::string::npos)
      << r.out;
}

}  // namespace QB_UNITY_ID
}  // namespace qb::test
