// Hostile and broken input, as an attacker or a broken exporter would write it: deep nesting,
// lines longer than any buffer, numbers no double holds. Every one is a clear error at its file,
// line and column (exit 2), or, in a production stream, a quarantined line at its real line
// number — never a crash, and never a good record lost.
#include <sqlite3.h>

#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_qualbar.hpp"

namespace qb::test {
namespace QB_UNITY_ID {

const char* const kMonitorSuite = R"(schema_version: 1
name: hostile
datasets: cases.jsonl
dimensions:
  no_pii: {scorer: pii}
slices: [category]
monitor: {sample_rate: 0.5, min_per_window: 5}
)";

std::string record(int i, const std::string& extra = "") {
  return fmt::format(
      R"({{"id":"r-{:04}","ts":"2026-11-{:02}T10:00:00Z","category":"{}","input":"q",)"
      R"("output":"an answer","latency_ms":100{}}})",
      i, 2 + i % 20, i % 2 ? "billing" : "shipping", extra);
}

// Records the store counts for the monitor (the volumes of its strata), read as another process
// would.
long long stored_records(const fs::path& db) {
  sqlite3* h = nullptr;
  long long n = -1;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(h, "SELECT COALESCE(SUM(volume), 0) FROM monitor_strata", -1, &s,
                           nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
      n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
  }
  sqlite3_close(h);
  return n;
}

std::vector<nlohmann::json> quarantined(const TempDir& dir) {
  std::ifstream in(dir.work() / ".qualbar" / "quarantine.jsonl");
  std::vector<nlohmann::json> out;
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

class HostileIngest : public ::testing::TestWithParam<bool> {
 protected:
  HostileIngest() {
    std::ofstream(dir_.work() / "suite.yaml") << kMonitorSuite;
    std::ofstream(dir_.work() / "cases.jsonl") << "{\"id\":\"c1\",\"input\":\"hello\"}\n";
  }

  // Ingests `text` from a file, or (GetParam()) piped on standard input.
  ProcessResult ingest(const std::string& text) {
    std::ofstream(dir_.work() / "records.jsonl", std::ios::binary) << text;
    if (GetParam()) {
      return start_qualbar({"monitor", "ingest", "-", "--suite", "suite.yaml"}, dir_, {},
                           (dir_.work() / "records.jsonl").string())
          ->wait();
    }
    return run_qualbar({"monitor", "ingest", "records.jsonl", "--suite", "suite.yaml"}, dir_);
  }
  fs::path db() const { return dir_.work() / ".qualbar" / "qualbar.db"; }

  TempDir dir_{"qb-hostile"};
};

TEST_P(HostileIngest, DeepNestingIsQuarantinedAtItsLineAndTheRecordsAroundItAreKept) {
  std::string text;
  for (int i = 0; i < 300; ++i) text += record(i) + "\n";
  // Deeper than any recursive reader survives: the crash this test was written for.
  const std::string deep =
      record(300, R"(,"trace":)" + std::string(100'000, '[') + std::string(100'000, ']'));
  text += deep + "\n";
  for (int i = 301; i < 600; ++i) text += record(i) + "\n";
  const ProcessResult r = ingest(text);
  ASSERT_EQ(r.exit_code, 0) << r.how_it_ended() << r.err;
  EXPECT_EQ(stored_records(db()), 599) << "every good record is stored";
  const auto bad = quarantined(dir_);
  ASSERT_EQ(bad.size(), 1U);
  EXPECT_EQ(bad[0]["line"], 301);
  // The root object is level 1: the 256th '[' opens level 257.
  const std::size_t column = deep.find('[') + 255 + 1;
  EXPECT_EQ(bad[0]["error"],
            fmt::format("objects and lists nest deeper than 256 levels at column {} (the limit is "
                        "limits.max_json_depth in the suite)",
                        column));
}

TEST_P(HostileIngest, ALineLongerThanTheLimitIsQuarantinedAtItsRealLineAndReadingGoesOn) {
  // A 9 MiB record (within the default 64 MiB) is a record like any other; a 70 MiB one is not.
  std::string text;
  for (int i = 0; i < 100; ++i) text += record(i) + "\n";
  text += record(100, R"(,"blob":")" + std::string(9u << 20, 'x') + "\"") + "\n";
  for (int i = 101; i < 200; ++i) text += record(i) + "\n";
  text += record(200, R"(,"blob":")" + std::string(70u << 20, 'y') + "\"") + "\n";
  for (int i = 201; i < 1000; ++i) text += record(i) + "\n";
  const ProcessResult r = ingest(text);
  ASSERT_EQ(r.exit_code, 0) << r.how_it_ended() << r.err;
  EXPECT_EQ(stored_records(db()), 999) << "the records after the long lines are all stored";
  const auto bad = quarantined(dir_);
  ASSERT_EQ(bad.size(), 1U) << "one quarantined line, not fragments of it";
  EXPECT_EQ(bad[0]["line"], 201);
  EXPECT_EQ(
      bad[0]["error"].get<std::string>().rfind(
          fmt::format("the line is {} bytes long, over the limit of 67108864 bytes "
                      "(limits.max_line_bytes in the suite)",
                      record(200, R"(,"blob":")" + std::string(70u << 20, 'y') + "\"").size()),
          0),
      0U)
      << bad[0]["error"];
  EXPECT_LE(bad[0]["text"].get<std::string>().size(), 10'000U);
  if (!GetParam()) {
    // The file was read to its end: a second ingest finds nothing new.
    const ProcessResult again =
        run_qualbar({"monitor", "ingest", "records.jsonl", "--suite", "suite.yaml"}, dir_);
    EXPECT_NE(again.out.find("1000 lines already ingested"), std::string::npos) << again.out;
    EXPECT_EQ(stored_records(db()), 999);
  }
}

TEST_P(HostileIngest, ASampledRecordWithANumberNoDoubleHoldsIsQuarantinedNotStored) {
  // Half the records are sampled (sample_rate 0.5): each is read whole, and 1e400 cannot be.
  std::string text;
  for (int i = 0; i < 200; ++i) text += record(i, R"(,"metadata":{"score":1e400})") + "\n";
  const ProcessResult r = ingest(text);
  ASSERT_EQ(r.exit_code, 0) << r.how_it_ended() << r.err;
  const auto bad = quarantined(dir_);
  EXPECT_GT(bad.size(), 50U);
  for (const auto& q : bad) {
    EXPECT_EQ(q["error"].get<std::string>().rfind("the number 1e400 at column ", 0), 0U) << q;
  }
  EXPECT_EQ(stored_records(db()) + static_cast<long long>(bad.size()), 200);
  // What was stored can be read back whole: the sample goes to reviewers.
  const ProcessResult review = run_qualbar(
      {"review", "export", "--run", "m-hostile", "--dimension", "no_pii", "--dir", "review"}, dir_);
  EXPECT_NE(review.exit_code, 3) << review.err;
  EXPECT_EQ(review.err.find("out of range"), std::string::npos) << review.err;
}

TEST(HostileSlices, ThousandsOfCategoriesAreFoldedIntoOtherSoCellsAndSamplesStayBounded) {
  TempDir dir("qb-hostile-slices");
  std::ofstream(dir.work() / "suite.yaml")
      << std::string(kMonitorSuite) +
             "critical_slices: [category=cat-4999]\nlimits: {max_slice_values: 100}\n";
  std::ofstream(dir.work() / "cases.jsonl") << "{\"id\":\"c1\",\"input\":\"hello\"}\n";
  std::string text;
  for (int i = 0; i < 5000; ++i) {
    text += fmt::format(R"({{"id":"r-{:05}","ts":"2026-11-03T10:00:00Z","category":"cat-{:04}",)"
                        R"("output":"fine"}})"
                        "\n",
                        i, i);
  }
  std::ofstream(dir.work() / "records.jsonl") << text;
  const ProcessResult r =
      run_qualbar({"monitor", "ingest", "records.jsonl", "--suite", "suite.yaml"}, dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("qualbar: warning: slice key 'category' has more than 100 distinct values: "
                       "4899 records with a later new value are counted together as '(other)'"),
            std::string::npos)
      << r.err;
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open_v2((dir.work() / ".qualbar" / "qualbar.db").c_str(), &h,
                            SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  const auto count = [&](const char* sql) {
    sqlite3_stmt* s = nullptr;
    long long n = -1;
    if (sqlite3_prepare_v2(h, sql, -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
      n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
  };
  // 100 values of their own, the critical one, and (other).
  EXPECT_EQ(count("SELECT COUNT(DISTINCT value) FROM monitor_cells WHERE slice = 'category'"), 102);
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM monitor_cells WHERE slice = 'category' AND value = 'cat-4999'"),
      2)
      << "a value a critical slice names keeps its cells (its day and its week)";
  EXPECT_EQ(count("SELECT COUNT(DISTINCT stratum) FROM monitor_strata"), 102);
  EXPECT_EQ(count("SELECT SUM(volume) FROM monitor_strata"), 5000) << "every record is counted";
  sqlite3_close(h);
}

INSTANTIATE_TEST_SUITE_P(FileAndStdin, HostileIngest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "stdin" : "file"; });

// ---- files a run reads -------------------------------------------------------------------------

class HostileFiles : public ::testing::Test {
 protected:
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_.work() / name, std::ios::binary) << text;
  }
  ProcessResult validate() {
    write("suite.yaml",
          "schema_version: 1\nname: t\ndatasets: cases.jsonl\n"
          "system: {provider: replay, responses: responses.jsonl}\n"
          "dimensions:\n  says: {scorer: contains, args: {value: x}}\n");
    return run_qualbar(std::vector<std::string>{"validate", "suite.yaml"}, dir_);
  }
  TempDir dir_{"qb-hostile-files"};
};

TEST_F(HostileFiles, ANumberOutOfRangeIsAnErrorAtItsColumnNotAnInternalError) {
  write("cases.jsonl",
        "{\"id\":\"a\",\"input\":\"x\"}\n{\"id\":\"b\",\"input\":\"x\",\"metadata\":{\"n\":1e400}}"
        "\n");
  write("responses.jsonl", "{\"id\":\"a\",\"output\":\"x\"}\n{\"id\":\"b\",\"output\":\"x\"}\n");
  ProcessResult r = validate();
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.err,
            "qualbar: error: cases.jsonl:2:39: the number 1e400 is out of range: a JSON number "
            "must fit a double (at most about 1.8e308), and a whole number 64 bits; write it as a "
            "string to keep it\n");
  write("cases.jsonl", "{\"id\":\"a\",\"input\":\"x\"}\n{\"id\":\"b\",\"input\":\"x\"}\n");
  write("responses.jsonl",
        "{\"id\":\"a\",\"output\":\"x\"}\n{\"id\":\"b\",\"output\":\"x\",\"latency_ms\":-2e999}\n");
  r = validate();
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(
      r.err.rfind("qualbar: error: responses.jsonl:2:37: the number -2e999 is out of range", 0), 0U)
      << r.err;
}

TEST_F(HostileFiles, DeepNestingIsAnErrorAtItsColumnWithTheLimitNamed) {
  write("cases.jsonl", "{\"id\":\"a\",\"input\":\"x\",\"trace\":" + std::string(100'000, '[') +
                           std::string(100'000, ']') + "}\n");
  write("responses.jsonl", "{\"id\":\"a\",\"output\":\"x\"}\n");
  const ProcessResult r = validate();
  EXPECT_EQ(r.exit_code, 2) << r.how_it_ended() << r.err;
  EXPECT_EQ(r.err,
            "qualbar: error: cases.jsonl:1:286: objects and lists nest deeper than 256 levels "
            "here (the limit is limits.max_json_depth in the suite)\n");
}

TEST_F(HostileFiles, AJsonArrayFileIsToldThatJsonlIsOneObjectALine) {
  write("cases.jsonl", "[\n  {\n    \"id\": \"a\",\n    \"input\": \"x\"\n  }\n]\n");
  write("responses.jsonl", "{\"id\":\"a\",\"output\":\"x\"}\n");
  const ProcessResult r = validate();
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "qualbar: error: cases.jsonl:1:1: malformed JSON: qualbar reads JSONL, one JSON "
            "object per line (not a JSON array, nor an object spread over several lines); "
            "convert it with: jq -c '.[]' FILE > FILE.jsonl\n");
}

// ---- what reaches a terminal or a page -------------------------------------------------------

bool has_raw_control(const std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) return true;
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) <= 0x9F &&
        static_cast<unsigned char>(text[i + 1]) >= 0x80)
      return true;  // a C1 control such as CSI
  }
  return false;
}

TEST_F(HostileFiles, EscapeSequencesAndBidiOverridesFromDataNeverReachTheTerminalOrThePage) {
  // An OSC 8 hyperlink and a screen clear in the suite's name, the model, a category and an id;
  // a right-to-left override in a category.
  const std::string esc =
      "\x1b]8;;http://evil.example\x07click\x1b]8;;\x07\x1b[2J\xc2\x9b"
      "31m";
  const std::string rlo = "\xe2\x80\xae";
  write("suite.yaml",
        "schema_version: 1\nname: \"bot\\e]0;pwned\\a\"\ndatasets: cases.jsonl\n"
        "system: {provider: replay, responses: responses.jsonl}\n"
        "dimensions:\n  says: {scorer: contains, args: {value: x}}\nslices: [category]\n");
  std::string cases, responses;
  for (int i = 0; i < 6; ++i) {
    const std::string category = i % 2 ? "exe." + rlo + "txt" : "billing" + esc;
    cases += nlohmann::json({{"id", fmt::format("c{}", i)}, {"input", "q"}, {"category", category}})
                 .dump() +
             "\n";
    responses += nlohmann::json({{"id", fmt::format("c{}", i)},
                                 {"output", i < 3 ? "x" : "no"},
                                 {"model", "model" + esc}})
                     .dump() +
                 "\n";
  }
  write("cases.jsonl", cases);
  write("responses.jsonl", responses);
  std::vector<std::pair<std::string, ProcessResult>> outputs;
  outputs.emplace_back("validate",
                       run_qualbar(std::vector<std::string>{"validate", "suite.yaml"}, dir_));
  outputs.emplace_back(
      "run", run_qualbar(std::vector<std::string>{"run", "suite.yaml", "--wide", "--out",
                                                  "html=report.html"},
                         dir_));
  outputs.emplace_back("runs", run_qualbar(std::vector<std::string>{"runs"}, dir_));
  // An error message that quotes an id.
  write("cases.jsonl", cases + nlohmann::json({{"id", "c0"}, {"input", "q"}}).dump() + "\n");
  outputs.emplace_back("error",
                       run_qualbar(std::vector<std::string>{"validate", "suite.yaml"}, dir_));
  // The cases that changed between two answer sets, the sequences in the outputs too: compare
  // names those cases, with both outputs, in every format.
  write("cases.jsonl", cases);
  std::string flipped;
  for (int i = 0; i < 6; ++i) {
    flipped += nlohmann::json({{"id", fmt::format("c{}", i)},
                               {"output", (i < 3 ? "no " : "x ") + esc + rlo},
                               {"model", "model" + esc}})
                   .dump() +
               "\n";
  }
  write("flipped.jsonl", flipped);
  for (const char* format : {"terminal", "markdown"}) {
    outputs.emplace_back(
        std::string("compare --format ") + format,
        run_qualbar(std::vector<std::string>{"compare", "responses.jsonl", "flipped.jsonl",
                                             "--suite", "suite.yaml", "--wide", "--format", format,
                                             "--out", "html=compare.html"},
                    dir_));
  }
  for (const auto& [what, r] : outputs) {
    EXPECT_FALSE(has_raw_control(r.out)) << what << " stdout: " << r.out;
    EXPECT_FALSE(has_raw_control(r.err)) << what << " stderr: " << r.err;
    EXPECT_EQ(r.out.find(rlo), std::string::npos) << what;
  }
  EXPECT_EQ(outputs[1].second.exit_code, 0) << outputs[1].second.err;
  EXPECT_NE(outputs[1].second.out.find("billing\xEF\xBF\xBD]8;;http://evil.example"),
            std::string::npos)
      << "the sequence is shown as text, its control characters replaced";
  EXPECT_EQ(outputs[3].second.exit_code, 2);
  for (std::size_t i = 4; i < outputs.size(); ++i) {
    EXPECT_EQ(outputs[i].second.exit_code, 0) << outputs[i].second.err;
    EXPECT_NE(outputs[i].second.out.find("c5"), std::string::npos) << "a changed case is named";
  }
  EXPECT_NE(outputs[4].second.out.find("B output    x \xEF\xBF\xBD]8;;http://evil.example"),
            std::string::npos)
      << outputs[4].second.out;
  const std::string compared = read_text(dir_.work() / "compare.html");
  EXPECT_NE(compared.find("c5"), std::string::npos);
  EXPECT_EQ(compared.find(rlo), std::string::npos);
  EXPECT_EQ(compared.find('\x1b'), std::string::npos);
  const std::string html = read_text(dir_.work() / "report.html");
  EXPECT_EQ(html.find(rlo), std::string::npos) << "a bidi override would reorder the page's text";
  EXPECT_EQ(html.find('\x1b'), std::string::npos);
  EXPECT_NE(html.find("exe.\xEF\xBF\xBDtxt"), std::string::npos);
}

}  // namespace QB_UNITY_ID
}  // namespace qb::test
