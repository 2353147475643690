// The review loop as a user runs it: export to two reviewers, import their grades, agreement,
// judge-check and the report, on stores whose judge has known properties.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../review/review_fixture.hpp"
#include "qualbar/review/grades.hpp"
#include "qualbar/stats/random.hpp"
#include "run_qualbar.hpp"

namespace qb::test {
namespace QB_UNITY_ID {

// A case's true grade: whether the answer is good, decided once per case.
bool truly_good(std::size_t i) { return stats::Rng(7, i).uniform() < 0.7; }

class ReviewCli : public ::testing::Test {
 protected:
  std::string db() const { return (dir_.work() / ".qualbar" / "qualbar.db").string(); }

  // A judged run of `n` cases; the judge passes case i when `judge(i)`.
  void save_run(std::size_t n, const std::function<bool(std::size_t)>& judge,
                const std::function<std::string(std::size_t)>& output = {}) {
    auto store = open_store(db());
    JudgedRun spec;
    spec.n = n;
    spec.helpful = [judge](std::size_t i) { return judge(i) ? 1 : 0; };
    if (output) spec.output = output;
    save_judged_run(*store, spec);
  }

  // Each reviewer grades the truth, wrong on `noise` of the items (seeded per reviewer).
  void grade_files(double noise) {
    std::uint64_t stream = 0;
    for (const char* who : {"reviewer-1", "reviewer-2"}) {
      stats::Rng rng(11, ++stream);
      const std::string path = (dir_.work() / "review" / (std::string(who) + ".jsonl")).string();
      std::istringstream in(read_text(fs::path(path)));
      std::string out;
      for (std::string line; std::getline(in, line);) {
        auto j = nlohmann::json::parse(line);
        const std::string id = j["id"];
        const std::size_t i = case_of(id);
        bool good = truly_good(i);
        if (rng.uniform() < noise) good = !good;
        j["grade"] = good ? 1 : 0;
        j["graded_at"] = "2026-11-20T10:00:00Z";
        out += j.dump() + "\n";
      }
      write_text(path, out);
    }
  }

  // The case index behind an item id, found through the run's case ids.
  std::size_t case_of(const std::string& item) {
    if (index_.empty())
      for (std::size_t i = 0; i < 1000; ++i)
        index_[review_item_id("r-20261101-000000-aaaa", case_id(i))] = i;
    return index_.at(item);
  }

  ProcessResult qualbar(const std::string& args) { return run_qualbar(args, dir_); }

  TempDir dir_{"qualbar-review"};
  std::map<std::string, std::size_t> index_;
};

TEST_F(ReviewCli, AJudgeThatAgreesWithPeopleIsUsableAndTheReportShowsTheThreeEstimates) {
  // The judge agrees with the truth on 95% of answers.
  save_run(300, [](std::size_t i) {
    return stats::Rng(3, i).uniform() < 0.05 ? !truly_good(i) : truly_good(i);
  });
  ProcessResult r = qualbar("review export --dir review --dimension helpfulness");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("200 answers to grade"), std::string::npos) << r.out;
  grade_files(0.03);
  r = qualbar("review import review/reviewer-1.jsonl review/reviewer-2.jsonl");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Imported 400 grades on helpfulness"), std::string::npos) << r.out;

  r = qualbar("review agreement");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Cohen's kappa"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("disagreements to settle"), std::string::npos) << r.out;

  r = qualbar("judge-check --format json --out json=check.json");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto j = nlohmann::json::parse(read_text(dir_.work() / "check.json"));
  EXPECT_EQ(j["schema"], "qualbar.judge-check/1");
  ASSERT_FALSE(j["dimensions"].empty());
  EXPECT_NE(j.dump().find("\"usable"), std::string::npos) << j.dump(1).substr(0, 2000);
  r = qualbar("judge-check");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("helpfulness"), std::string::npos) << r.out;

  r = qualbar("report latest");
  EXPECT_NE(r.out.find("prediction-powered"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("people alone"), std::string::npos) << r.out;
  r = qualbar("report latest --format json");
  const auto report = nlohmann::json::parse(r.out);
  bool found = false;
  for (const auto& d : report["dimensions"])
    if (d.contains("human_grades")) found = d["human_grades"]["graded_by_people"].get<int>() > 150;
  EXPECT_TRUE(found) << r.out.substr(0, 1000);
}

TEST_F(ReviewCli, AJudgeThatPassesLongWrongAnswersIsNotUsable) {
  // Wrong answers are long; the judge passes every long answer and is right on the rest.
  const auto long_answer = [](std::size_t i) {
    return !truly_good(i) && stats::Rng(5, i).uniform() < 0.6;
  };
  save_run(
      400, [&](std::size_t i) { return truly_good(i) || long_answer(i); },
      [&](std::size_t i) {
        return long_answer(i) ? std::string(600 + i % 200, 'x') : std::string(40 + i % 60, 'y');
      });
  ASSERT_EQ(qualbar("review export --dir review --sample 0 --dimension helpfulness").exit_code, 0);
  grade_files(0.02);
  ASSERT_EQ(qualbar("review import review/reviewer-1.jsonl review/reviewer-2.jsonl").exit_code, 0);
  const ProcessResult r = qualbar("judge-check");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("not usable"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("long"), std::string::npos) << r.out;
}

TEST_F(ReviewCli, BadGradesExitTwoNamingFileLineAndFieldAndNothingIsStored) {
  save_run(20, truly_good);
  ASSERT_EQ(qualbar("review export --dir review").exit_code, 0);
  const std::string path = (dir_.work() / "review" / "reviewer-1.jsonl").string();
  std::istringstream in(read_text(fs::path(path)));
  std::string out;
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line);
    j["grade"] = ++n == 3 ? (j["dimension"] == "quality" ? 9 : 2) : 1;
    out += j.dump() + "\n";
  }
  write_text(path, out);
  ProcessResult r = qualbar("review import review/reviewer-1.jsonl");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("review/reviewer-1.jsonl:3: field 'grade'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing was imported"), std::string::npos) << r.err;
  r = qualbar("judge-check");
  EXPECT_EQ(r.exit_code, 2) << "no human grades were stored";
  EXPECT_NE(r.err.find("no human grades"), std::string::npos) << r.err;
  r = qualbar("review import review/missing.jsonl");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("review/missing.jsonl"), std::string::npos) << r.err;
}

// 20 answers graded by two reviewers: they agree on 11 (all passes) and differ on 9, which no one
// has adjudicated; reviewer-1 passes everything. The judge passes all 20. judge-check says why
// only 11 count, its prediction-powered rate is not "100.0% [100.0, 100.0]", the reviewers'
// kappa is undefined with the reviewer named, and the report says what it left out.
TEST_F(ReviewCli, OpenDisagreementsAreCountedAndSaidAndNoIntervalIsAPointOrPastItsBounds) {
  save_run(20, [](std::size_t) { return true; });
  std::string grades;
  for (std::size_t i = 0; i < 20; ++i)
    for (const char* who : {"reviewer-1", "reviewer-2"})
      grades += nlohmann::json{{"id", case_id(i)},
                               {"grader", who},
                               {"dimension", "helpfulness"},
                               {"grade", i < 11 || std::string(who) == "reviewer-1" ? 1 : 0},
                               {"graded_at", "2026-11-20T10:00:00Z"}}
                    .dump() +
                "\n";
  write_text((dir_.work() / "grades.jsonl").string(), grades);
  ASSERT_EQ(qualbar("review import grades.jsonl --run latest").exit_code, 0);

  ProcessResult r = qualbar("judge-check --dimension helpfulness --wide");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("Only 11 items have both a human grade and the judge's; at least 40 are "
                       "needed to vouch for the judge: have people grade 29 more. People graded "
                       "9 more, but their reviewers disagree and no one has adjudicated them"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("of 11 items with both grades; left out: 9 open disagreements"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("people on 11 items (9 open disagreements left out)"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("[100.0, 100.0]"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("-0.0"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("?]"), std::string::npos) << r.out;
  r = qualbar("judge-check --dimension helpfulness --format json");
  const auto check = nlohmann::json::parse(r.out);
  EXPECT_EQ(check["dimensions"][0]["open_disagreements"], 9);
  const auto& ppi = check["dimensions"][0]["estimates"]["prediction_powered"];
  EXPECT_EQ(ppi["estimate"], 1.0);
  EXPECT_LT(ppi["interval"][0].get<double>(), 0.75);

  r = qualbar("review agreement");
  EXPECT_NE(r.out.find("Cohen's kappa    undefined  reviewer-1 × reviewer-2 on 20 items: "
                       "reviewer-1 gave every item the same grade, so kappa would be 0 whatever "
                       "reviewer-2 did"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("-0.0"), std::string::npos) << r.out;
  r = qualbar("review agreement --format json");
  const auto agreement = nlohmann::json::parse(r.out);
  const auto& pair = agreement["dimensions"][0]["pairs"][0];
  EXPECT_TRUE(pair["kappa"].is_null());
  EXPECT_NE(pair["kappa_reason"].get<std::string>().find("reviewer-1 gave every item"),
            std::string::npos);

  r = qualbar("report latest --wide");
  EXPECT_NE(r.out.find("9 more answers people graded are counted as not graded: their reviewers "
                       "disagree"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("(100.0%–100.0%)"), std::string::npos) << r.out;
}

}  // namespace QB_UNITY_ID
}  // namespace qb::test
