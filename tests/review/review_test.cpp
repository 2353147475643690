// Human review: blind export, validated append-only import, reviewer agreement and adjudication.
#include "qualbar/review/review.hpp"
#include "qualbar/bind/bind.hpp"

#include <set>

#include <gtest/gtest.h>

#include "../stats/reference.hpp"
#include "qualbar/core/error.hpp"
#include "review/csv.hpp"
#include "review_fixture.hpp"

namespace qb::review {
namespace QB_UNITY_ID {

using test::read_text;
using test::ScratchDir;
using test::write_text;

std::vector<nlohmann::json> jsonl(const std::string& path) {
  std::vector<nlohmann::json> out;
  std::istringstream in(read_text(path));
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  return out;
}

std::string to_jsonl(const std::vector<nlohmann::json>& lines) {
  std::string out;
  for (const auto& j : lines) out += j.dump() + "\n";
  return out;
}

// The message of the InputError `f` throws ("" when it throws none).
template <class F>
std::string input_error(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

class ReviewTest : public ::testing::Test {
 protected:
  ReviewTest() : store_(open_store(dir_.file("qualbar.db"))) {}

  // Exports the run to two reviewers and returns the batch.
  ExportResult export_two(std::size_t sample = 0, const std::string& out = "review") {
    ExportRequest rq;
    rq.runs = {"latest"};
    rq.reviewers = {"alice", "bob"};
    rq.sample = sample;
    rq.out_dir = dir_.file(out);
    return export_for_review(*store_, rq);
  }

  // Fills every grade of a reviewer's JSONL file with `grade(line)` and writes it back.
  std::string fill(const std::string& reviewer,
                   const std::function<nlohmann::json(const nlohmann::json&)>& grade,
                   const std::string& out = "review") {
    auto lines = jsonl(dir_.file(out + "/" + reviewer + ".jsonl"));
    for (auto& l : lines) l["grade"] = grade(l);
    const std::string path = dir_.file(out + "/" + reviewer + "-done.jsonl");
    write_text(path, to_jsonl(lines));
    return path;
  }

  std::size_t stored_grades() { return store_->review().grades("").size(); }

  ScratchDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(ReviewTest, ExportWritesOneBlindShuffledFilePerReviewerInJsonlAndCsv) {
  test::JudgedRun spec;
  spec.n = 30;
  spec.failed = [](std::size_t i) { return i == 7; };
  test::save_judged_run(*store_, spec);
  const ExportResult r = export_two();
  EXPECT_EQ(r.items, 29U);
  EXPECT_EQ(r.skipped_errors, 1U);
  ASSERT_EQ(r.files.size(), 4U);

  const auto alice = jsonl(dir_.file("review/alice.jsonl"));
  const auto bob = jsonl(dir_.file("review/bob.jsonl"));
  ASSERT_EQ(alice.size(), 29U * 2);  // both judged dimensions
  ASSERT_EQ(bob.size(), alice.size());
  std::vector<std::string> order_a, order_b;
  for (std::size_t i = 0; i < alice.size(); ++i) {
    order_a.push_back(alice[i]["id"].get<std::string>() + alice[i]["dimension"].get<std::string>());
    order_b.push_back(bob[i]["id"].get<std::string>() + bob[i]["dimension"].get<std::string>());
    EXPECT_TRUE(alice[i]["grade"].is_null());
    EXPECT_EQ(alice[i]["grader"], "alice");
    EXPECT_EQ(alice[i]["kind"], "human");
    EXPECT_TRUE(alice[i]["id"].get<std::string>().starts_with("i-"));
  }
  EXPECT_NE(order_a, order_b) << "each reviewer gets an order of their own";
  std::sort(order_a.begin(), order_a.end());
  std::sort(order_b.begin(), order_b.end());
  EXPECT_EQ(order_a, order_b) << "with two reviewers per item, both grade every item";

  // Blind: nothing names the model, the run, the judge or the case.
  for (const auto& f : r.files) {
    const std::string text = read_text(f);
    EXPECT_EQ(text.find("support-bot-v2"), std::string::npos) << f;
    EXPECT_EQ(text.find(spec.id), std::string::npos) << f;
    EXPECT_EQ(text.find("gpt-4o-mini"), std::string::npos) << f;
    EXPECT_EQ(text.find("q-00"), std::string::npos) << f;
    EXPECT_EQ(text.find("Answer number 7."), std::string::npos) << "failed case exported: " << f;
  }
  const auto rows = read_csv(read_text(dir_.file("review/bob.csv")), "bob.csv");
  ASSERT_EQ(rows.size(), alice.size() + 1);
  EXPECT_EQ(rows[0].fields[0], "id");
  EXPECT_EQ(rows[0].fields[11], "grade");
}

TEST_F(ReviewTest, ExportNeverOverwritesAndSamplesReproducibly) {
  test::JudgedRun spec;
  spec.n = 50;
  test::save_judged_run(*store_, spec);
  const ExportResult first = export_two(10, "one");
  EXPECT_EQ(first.items, 10U);
  const std::string again = input_error([&] { export_two(10, "one"); });
  EXPECT_NE(again.find("already exists"), std::string::npos) << again;
  const ExportResult second = export_two(10, "two");
  std::set<std::string> a, b;
  for (const auto& l : jsonl(dir_.file("one/alice.jsonl"))) a.insert(l["id"]);
  for (const auto& l : jsonl(dir_.file("two/alice.jsonl"))) b.insert(l["id"]);
  EXPECT_EQ(a, b) << "the same seed draws the same cases";
  EXPECT_EQ(second.items, 10U);
}

TEST_F(ReviewTest, WeeksAreAMonitorsAndNamingThemOnARunIsAnError) {
  test::save_judged_run(*store_, test::JudgedRun{});
  ExportRequest rq;
  rq.runs = {"latest"};
  rq.reviewers = {"alice", "bob"};
  rq.out_dir = dir_.file("review");
  rq.weeks = {"2026-W07"};
  EXPECT_NE(input_error([&] { (void)export_for_review(*store_, rq); })
                .find("--week and --weeks choose weeks of a monitor's sample; run "),
            std::string::npos);
  rq.weeks.clear();
  rq.last_weeks = 2;
  EXPECT_NE(input_error([&] { (void)export_for_review(*store_, rq); }).find("is not a monitor"),
            std::string::npos);
}

TEST_F(ReviewTest, ExportOfAComparisonHandsBothAnswersToTheSameCaseBlind) {
  test::JudgedRun a;
  a.n = 20;
  test::save_judged_run(*store_, a);
  test::JudgedRun b = a;
  b.id = "r-20261102-000000-bbbb";
  b.started_at = "2026-11-02T00:00:00Z";
  b.model = "support-bot-v3";
  test::save_judged_run(*store_, b);
  ExportRequest rq;
  rq.runs = {a.id, b.id};
  rq.reviewers = {"alice", "bob", "carol"};
  rq.per_item = 2;
  rq.sample = 5;
  rq.dimensions = {"helpfulness"};
  rq.out_dir = dir_.file("cmp");
  const ExportResult r = export_for_review(*store_, rq);
  EXPECT_EQ(r.items, 10U);  // 5 cases × 2 runs
  std::size_t total = 0;
  for (const char* who : {"alice", "bob", "carol"}) {
    const auto lines = jsonl(dir_.file(std::string("cmp/") + who + ".jsonl"));
    total += lines.size();
    EXPECT_EQ(read_text(dir_.file(std::string("cmp/") + who + ".jsonl")).find("support-bot"),
              std::string::npos);
  }
  EXPECT_EQ(total, 10U * 2) << "every answer goes to two of the three reviewers";
  EXPECT_NE(review_item_id(a.id, "q-001"), review_item_id(b.id, "q-001"));
}

TEST_F(ReviewTest, ImportStoresFilledInFilesAppendOnlyWithCorrectionsKept) {
  test::JudgedRun spec;
  spec.n = 12;
  test::save_judged_run(*store_, spec);
  export_two();
  // Alice grades half her lines for now.
  auto lines = jsonl(dir_.file("review/alice.jsonl"));
  for (std::size_t i = 0; i < lines.size(); i += 2)
    lines[i]["grade"] = lines[i]["dimension"] == "quality" ? 4 : 1;
  const std::string partial = dir_.file("review/alice-partial.jsonl");
  write_text(partial, to_jsonl(lines));
  ImportSummary s = import_grades(*store_, {partial}, {});
  EXPECT_EQ(s.imported, lines.size() / 2);
  EXPECT_EQ(s.pending, lines.size() / 2);

  // The same file again stores nothing new.
  s = import_grades(*store_, {partial}, {});
  EXPECT_EQ(s.imported, 0U);
  EXPECT_EQ(s.unchanged, lines.size() / 2);

  // A changed grade is a correction: a new record, the old one kept.
  lines[0]["grade"] = lines[0]["dimension"] == "quality" ? 2 : 0;
  lines[0]["note"] = "misread the policy";
  write_text(partial, to_jsonl(lines));
  s = import_grades(*store_, {partial}, {});
  EXPECT_EQ(s.imported, 1U);
  EXPECT_EQ(s.corrections, 1U);
  const auto all = store_->review().grades("");
  EXPECT_EQ(all.size(), lines.size() / 2 + 1);
  std::size_t history = 0;
  for (const auto& g : all) {
    EXPECT_EQ(g.run_id, spec.id);
    EXPECT_EQ(g.grader, "alice");
    EXPECT_FALSE(g.graded_at.empty());
    EXPECT_TRUE(g.source.find("alice-partial.jsonl:") != std::string::npos);
    history += g.item == lines[0]["id"] && g.dimension == lines[0]["dimension"];
  }
  EXPECT_EQ(history, 2U);
  const GradeBook book = fold_grades(all);
  const auto& ig =
      book.at({lines[0]["id"].get<std::string>(), lines[0]["dimension"].get<std::string>()});
  EXPECT_EQ(ig.human.at("alice"), lines[0]["grade"].get<double>()) << "the latest grade counts";
}

TEST_F(ReviewTest, BadGradeFilesNameFileLineAndFieldAndImportNothing) {
  test::JudgedRun spec;
  spec.n = 6;
  test::save_judged_run(*store_, spec);
  export_two();
  const std::string id = jsonl(dir_.file("review/alice.jsonl"))[0]["id"];
  const auto line = [&](const std::string& dim, const std::string& grade,
                        const std::string& extra = "") {
    return fmt::format(R"({{"id":"{}","grader":"alice","dimension":"{}","grade":{}{}}})", id, dim,
                       grade, extra) +
           "\n";
  };
  struct Bad {
    std::string text, where, field;
  };
  const std::vector<Bad> cases = {
      {line("helpfulness", "1") +
           R"({"id":"i-nope","grader":"alice","dimension":"helpfulness","grade":1})"
           "\n",
       ":2: field 'id'", "not an item"},
      {line("quality", "7"), ":1: field 'grade'",
       "outside the scale of 'quality': a whole number from 1 to 5"},
      {line("helpfulness", "0.5"), ":1: field 'grade'", "pass (1) or fail (0)"},
      {line("helpfulness", "1") + "\n" + line("helpfulness", "0"), ":3: field 'grader'",
       "second grade by 'alice'"},
      {line("tone", "1"), ":1: field 'dimension'", "'tone' is not a dimension"},
      {line("helpfulness", "1", R"(,"kind":"robot")"), ":1: field 'kind'",
       "human, judge, adjudicated"},
      {line("helpfulness", "1", R"(,"graded_at":"yesterday")"), ":1: field 'graded_at'",
       "RFC 3339"},
      {line("helpfulness", "\"yes\""), ":1: field 'grade'", "number"},
      {R"({"id":")" + id +
           R"(","grader":"alice","dimension":"helpfulness"})"
           "\n",
       ":1: field 'grade'", "missing"},
      {"{not json\n", ":1", "JSON"},
  };
  for (const auto& c : cases) {
    const std::string path = dir_.file("bad.jsonl");
    write_text(path, c.text);
    const std::string msg = input_error([&] { import_grades(*store_, {path}, {}); });
    EXPECT_NE(msg.find("bad.jsonl" + c.where), std::string::npos) << msg;
    EXPECT_NE(msg.find(c.field), std::string::npos) << msg;
    EXPECT_EQ(stored_grades(), 0U) << "nothing half-imported after: " << msg;
  }
  // CSV: the line of the bad record, and the header's missing column.
  const std::string csv = dir_.file("bad.csv");
  write_text(csv, "id,dimension,grader,grade\n" + id + ",helpfulness,alice,1\n" + id +
                      ",quality,alice,\"multi\nline\"\n");
  std::string msg = input_error([&] { import_grades(*store_, {csv}, {}); });
  EXPECT_NE(msg.find("bad.csv:3: field 'grade'"), std::string::npos) << msg;
  write_text(csv, "id,dimension,grade\n" + id + ",helpfulness,1\n");
  msg = input_error([&] { import_grades(*store_, {csv}, {}); });
  EXPECT_NE(msg.find("bad.csv:1: the header has no 'grader' column"), std::string::npos) << msg;
  EXPECT_EQ(stored_grades(), 0U);
}

TEST_F(ReviewTest, CsvFilledInASpreadsheetImportsLikeJsonl) {
  test::JudgedRun spec;
  spec.n = 5;
  spec.output = [](std::size_t i) {
    return i == 0 ? std::string("=HYPERLINK(\"http://evil\"), \"quoted\"\nsecond line") : "fine";
  };
  test::save_judged_run(*store_, spec);
  export_two();
  const std::string text = read_text(dir_.file("review/alice.csv"));
  EXPECT_TRUE(text.starts_with("\xEF\xBB\xBF")) << "a byte-order mark for spreadsheets";
  EXPECT_NE(text.find("\"'=HYPERLINK"), std::string::npos) << "a formula is defused";
  auto rows = read_csv(text, "alice.csv");
  const std::string pass = "1", top = "5";
  for (std::size_t r = 1; r < rows.size(); ++r)
    rows[r].fields[11].assign(rows[r].fields[1] == "quality" ? top : pass);
  write_text(dir_.file("review/alice-done.csv"), write_csv([&] {
               std::vector<std::vector<std::string>> out;
               for (const auto& r : rows) out.push_back(r.fields);
               return out;
             }()));
  const ImportSummary s = import_grades(*store_, {dir_.file("review/alice-done.csv")}, {});
  EXPECT_EQ(s.imported, 10U);
  EXPECT_EQ(s.pending, 0U);
}

TEST_F(ReviewTest, EveryCellASpreadsheetWouldRunIsDefusedTheReferenceAndTheAdjudicationFileToo) {
  const std::vector<std::string> formulas = {"=HYPERLINK(\"http://evil\",\"x\")",
                                             "=cmd|' /C calc'!A0",
                                             "+1 555 0100",
                                             "@SUM(A1)",
                                             "-2+3",
                                             "\tleading tab",
                                             "\rcarriage"};
  test::JudgedRun spec;
  spec.n = formulas.size();
  spec.reference = [&](std::size_t i) { return formulas[i]; };
  spec.output = [&](std::size_t i) { return formulas[(i + 1) % formulas.size()]; };
  test::save_judged_run(*store_, spec);
  export_two();
  const auto check = [&](const std::string& file) {
    const auto rows = read_csv(read_text(file), file);
    std::size_t cells = 0;
    for (std::size_t r = 1; r < rows.size(); ++r) {
      for (const auto& field : rows[r].fields) {
        EXPECT_TRUE(field.empty() ||
                    std::string_view("=+-@\t\r").find(field[0]) == std::string::npos)
            << file << ": a cell a spreadsheet would run: " << field;
        cells +=
            field.starts_with("'=") || field.starts_with("'+") || field.starts_with("'@") ? 1 : 0;
      }
    }
    EXPECT_GT(cells, 0U) << file;
  };
  check(dir_.file("review/alice.csv"));
  // Reviewers grade in the CSV and write a note and a reference that start like formulas: what
  // they wrote is what is stored.
  auto rows = read_csv(read_text(dir_.file("review/alice.csv")), "alice.csv");
  for (std::size_t r = 1; r < rows.size(); ++r) {
    rows[r].fields[11] = rows[r].fields[1] == "quality" ? "5" : "1";
    rows[r].fields[12] = "'=looks fine";  // as the spreadsheet saves a defused cell
  }
  rows[1].fields[7] = "'+44 20 7946 0000";  // a reference the reviewer wrote
  write_text(dir_.file("review/alice-done.csv"), write_csv([&] {
               std::vector<std::vector<std::string>> out;
               for (const auto& r : rows) out.push_back(r.fields);
               return out;
             }()));
  import_grades(*store_, {dir_.file("review/alice-done.csv")}, {});
  const auto grades = store_->review().grades("");
  ASSERT_FALSE(grades.empty());
  for (const auto& g : grades) EXPECT_EQ(g.note, "=looks fine");
  // The case's own reference, shown defused, reads back as the case's own: no grader wrote it.
  std::size_t written = 0;
  for (const auto& g : grades) {
    if (g.reference.empty()) continue;
    ++written;
    EXPECT_EQ(g.reference, "+44 20 7946 0000");
  }
  EXPECT_EQ(written, 1U);
  // The reviewers disagree on an item: the adjudication file is defused the same way.
  std::string text;
  for (const char* who : {"alice", "bob"}) {
    text += nlohmann::json({{"id", test::case_id(0)},
                            {"grader", who},
                            {"dimension", "helpfulness"},
                            {"grade", who[0] == 'a' ? 1 : 0},
                            {"note", "=IMPORTXML(\"x\")"}})
                .dump() +
            "\n";
  }
  write_text(dir_.file("disagree.jsonl"), text);
  import_grades(*store_, {dir_.file("disagree.jsonl")}, {spec.id});
  ExportRequest adj;
  adj.runs = {spec.id};
  adj.out_dir = dir_.file("adj");
  adj.adjudicate = true;
  adj.adjudicator = "carol";
  export_for_review(*store_, adj);
  check(dir_.file("adj/adjudication.csv"));
}

// Two reviewers' grades taken from the statistics fixture: the agreement the review command
// reports is statsmodels' kappa and interval.
TEST_F(ReviewTest, AgreementEqualsTheStatisticsReferenceValues) {
  const auto& ref = stats::test::reference("agreement.json");
  test::JudgedRun spec;
  spec.n = 400;
  test::save_judged_run(*store_, spec);
  const auto& scale5 = ref["raters"]["scale5_400"];
  const auto& binary = ref["raters"]["binary_300"];
  std::string text;
  for (std::size_t i = 0; i < 400; ++i) {
    for (const char* who : {"a", "b"}) {
      text += nlohmann::json({{"id", test::case_id(i)},
                              {"grader", who},
                              {"kind", "human"},
                              {"dimension", "quality"},
                              {"grade", scale5[who][i].get<int>() + 1}})
                  .dump() +
              "\n";
      if (i < 300)
        text += nlohmann::json({{"id", test::case_id(i)},
                                {"grader", who},
                                {"dimension", "helpfulness"},
                                {"grade", binary[who][i].get<int>()}})
                    .dump() +
                "\n";
    }
  }
  write_text(dir_.file("grades.jsonl"), text);
  EXPECT_EQ(import_grades(*store_, {dir_.file("grades.jsonl")}, {spec.id}).imported, 1400U);

  const auto agreement = reviewer_agreement(*store_, {}, 0.95);
  ASSERT_EQ(agreement.size(), 2U);
  const auto want = [&](const std::string& data, const std::string& weights) {
    for (const auto& c : ref["cohen_kappa"])
      if (c["data"] == data && c["weights"] == weights && c["confidence"] == 0.95) return c;
    throw std::runtime_error("no reference for " + data);
  };
  for (const auto& a : agreement) {
    ASSERT_EQ(a.pairs.size(), 1U);
    const auto& p = a.pairs[0];
    const auto w =
        a.dimension == "quality" ? want("scale5_400", "quadratic") : want("binary_300", "none");
    EXPECT_EQ(p.n, a.dimension == "quality" ? 400U : 300U);
    EXPECT_NEAR(p.kappa.kappa, w["kappa"].get<double>(), 1e-12) << a.dimension;
    EXPECT_NEAR(p.kappa.interval.lo, w["lo"].get<double>(), 1e-12) << a.dimension;
    EXPECT_NEAR(p.kappa.interval.hi, w["hi"].get<double>(), 1e-12) << a.dimension;
    EXPECT_EQ(a.items_multiple, p.n);
    EXPECT_EQ(a.open.size() + static_cast<std::size_t>(std::lround(a.agreement * p.n)), p.n)
        << "every disagreement is listed for adjudication";
  }
  const std::string json = agreement_json(agreement);
  EXPECT_NE(json.find("\"krippendorff_alpha\""), std::string::npos);
  const std::string terminal = agreement_terminal(agreement, false);
  EXPECT_NE(terminal.find("Cohen's kappa"), std::string::npos) << terminal;
  EXPECT_NE(terminal.find("to settle"), std::string::npos) << terminal;
}

TEST_F(ReviewTest, AdjudicationSettlesDisagreementsAndIsRecordedAsSuch) {
  test::JudgedRun spec;
  spec.n = 10;
  test::save_judged_run(*store_, spec);
  ExportRequest rq;
  rq.runs = {"latest"};
  rq.reviewers = {"alice", "bob"};
  rq.dimensions = {"helpfulness"};
  rq.out_dir = dir_.file("review");
  export_for_review(*store_, rq);
  // Bob fails the items whose id sorts in the first half; alice passes everything.
  import_grades(*store_, {fill("alice", [](const nlohmann::json&) { return 1; })}, {});
  import_grades(
      *store_,
      {fill("bob",
            [](const nlohmann::json& l) { return l["id"].get<std::string>() < "i-8" ? 0 : 1; })},
      {});
  auto agreement = reviewer_agreement(*store_, {}, 0.95);
  ASSERT_EQ(agreement.size(), 1U);
  const std::size_t open = agreement[0].open.size();
  ASSERT_GT(open, 0U);

  rq.adjudicate = true;
  rq.out_dir = dir_.file("adj");
  const ExportResult adj = export_for_review(*store_, rq);
  EXPECT_EQ(adj.items, open);
  auto lines = jsonl(dir_.file("adj/adjudication.jsonl"));
  ASSERT_EQ(lines.size(), open);
  EXPECT_EQ(lines[0]["kind"], "adjudicated");
  EXPECT_EQ(lines[0]["reviewer_grades"]["alice"], 1);
  EXPECT_EQ(lines[0]["reviewer_grades"]["bob"], 0);
  for (auto& l : lines) l["grade"] = 0;
  write_text(dir_.file("adj/done.jsonl"), to_jsonl(lines));
  import_grades(*store_, {dir_.file("adj/done.jsonl")}, {});

  agreement = reviewer_agreement(*store_, {}, 0.95);
  EXPECT_TRUE(agreement[0].open.empty());
  EXPECT_EQ(agreement[0].adjudicated, open);
  const GradeBook book = fold_grades(store_->review().grades(""));
  for (const auto& l : lines)
    EXPECT_EQ(book.at({l["id"].get<std::string>(), "helpfulness"}).consensus(), 0.0);
}

TEST(ReviewCsv, QuotesRoundTripAndMalformedFilesNameTheLine) {
  const std::vector<std::vector<std::string>> rows = {
      {"id", "note"}, {"a,b", "say \"hi\"\nthen go"}, {"-1", "@x"}};
  const std::string text = write_csv(rows);
  const auto back = read_csv(text, "x.csv");
  ASSERT_EQ(back.size(), 3U);
  EXPECT_EQ(back[1].fields, (std::vector<std::string>{"a,b", "say \"hi\"\nthen go"}));
  EXPECT_EQ(back[2].fields, (std::vector<std::string>{"'-1", "'@x"})) << "every column is defused";
  EXPECT_EQ(undefuse(back[2].fields[1]), "@x");
  EXPECT_EQ(undefuse("'plain"), "'plain") << "an apostrophe before plain text is the reviewer's";
  EXPECT_EQ(back[2].line, 4) << "the record after a two-line field starts on line 4";
  try {
    (void)read_csv("id,note\n\"open,1\nx\"y,2\n", "bad.csv");
    FAIL() << "malformed CSV accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.csv:"), std::string::npos) << e.what();
  }
}

}  // namespace QB_UNITY_ID
}  // namespace qb::review

namespace qb::review {
namespace QB_UNITY_ID {

TEST(ReviewSuite, JudgeCheckThresholdsAreReadAndBadOnesNamedAtTheirLine) {
  const std::string base = std::string(test::kJudgedSuite);
  Suite s = read_suite(base, "suite.yaml", ".");
  EXPECT_EQ(s.judge_check.min_items, 40U);
  EXPECT_DOUBLE_EQ(s.judge_check.min_kappa, 0.6);
  s = read_suite(base + "confidence: 0.9\n", "suite.yaml", ".");
  EXPECT_DOUBLE_EQ(s.judge_check.confidence, 0.9);
  const auto error_of = [&](const std::string& text) {
    try {
      (void)read_suite(text, "suite.yaml", ".");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  std::string text = base;
  text.replace(text.find("judge_check: {min_items: 40}"), 28, "judge_check: {min_kappa: 2}");
  std::string msg = error_of(text);
  EXPECT_NE(msg.find("suite.yaml:14:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("judge_check.min_kappa"), std::string::npos) << msg;
  text = base;
  text.replace(text.find("judge_check: {min_items: 40}"), 28, "judge_check: {min_kapa: 0.5}");
  msg = error_of(text);
  EXPECT_NE(msg.find("min_kappa"), std::string::npos) << msg;
}

TEST(ReviewGrades, TimesAreStoredInUtcAndKindsParsed) {
  test::ScratchDir dir;
  auto store = open_store(dir.file("qualbar.db"));
  test::JudgedRun spec;
  spec.n = 3;
  test::save_judged_run(*store, spec);
  test::write_text(
      dir.file("g.jsonl"),
      R"({"id":"q-001","grader":"ann","dimension":"helpfulness","grade":1,"graded_at":"2026-11-20T11:30:00+01:00"})"
      "\n"
      R"({"id":"q-002","grader":"gpt-judge","kind":"judge","dimension":"helpfulness","grade":0,"graded_at":"2026-11-19T23:00:00-02:00"})"
      "\n");
  ASSERT_EQ(import_grades(*store, {dir.file("g.jsonl")}, {spec.id}).imported, 2U);
  const auto g = store->review().grades(spec.id);
  ASSERT_EQ(g.size(), 2U);
  EXPECT_EQ(g[0].graded_at, "2026-11-20T10:30:00Z");
  EXPECT_EQ(g[0].kind, GradeKind::human);
  EXPECT_EQ(g[1].graded_at, "2026-11-20T01:00:00Z");
  EXPECT_EQ(g[1].kind, GradeKind::judge);
  EXPECT_EQ(g[1].item, review_item_id(spec.id, "q-002"));
}

}  // namespace QB_UNITY_ID
}  // namespace qb::review
