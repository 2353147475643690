#include "qualbar/metrics/score_table.hpp"

#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "qualbar/bind/bind.hpp"
#include "qualbar/metrics/scoring.hpp"
#include "qualbar/suite/suite.hpp"

#include "qualbar/util/text.hpp"

namespace qb {
namespace QB_UNITY_ID {

TEST(ScoreTable, KeepsValueStatusAndEvidencePerCell) {
  ScoreTable t(2, 2);
  t.set(0, 0, Score::pass());
  t.set(0, 1, Score::fail("missing: \"30 days\""));
  t.set(1, 0, Score::not_applicable("no reference"));
  t.set(1, 1, Score::failed_call("timeout"));
  EXPECT_EQ(t.at(0, 0).value, 1.0);
  EXPECT_EQ(t.at(0, 0).evidence, "");
  EXPECT_EQ(t.at(0, 1).value, 0.0);
  EXPECT_EQ(t.at(0, 1).evidence, "missing: \"30 days\"");
  EXPECT_EQ(t.at(1, 0).status, ScoreStatus::not_applicable);
  EXPECT_EQ(t.at(1, 1).status, ScoreStatus::error);
  EXPECT_EQ(t.at(1, 1).evidence, "timeout");
}

TEST(ScoreTable, LongEvidenceIsCutOnACharacterBoundary) {
  ScoreTable t(1, 1);
  std::string long_text;
  while (long_text.size() < 2 * ScoreTable::kMaxEvidenceBytes) long_text += "é";  // 2 bytes each
  t.set(0, 0, Score::fail(long_text + "x"));
  const auto ev = t.at(0, 0).evidence;
  EXPECT_LE(ev.size(), ScoreTable::kMaxEvidenceBytes);
  EXPECT_FALSE(find_invalid_utf8(ev).has_value());
}

TEST(ScoreTable, InvalidUtf8InEvidenceIsReplaced) {
  // A JSON parser's message can quote half of a multi-byte character.
  ScoreTable t(1, 1);
  t.set(0, 0, Score::fail("not JSON: unexpected '\xE6\x97' at 1"));
  EXPECT_EQ(t.at(0, 0).evidence, "not JSON: unexpected '\xEF\xBF\xBD\xEF\xBF\xBD' at 1");
}

}  // namespace QB_UNITY_ID
}  // namespace qb

namespace qb {
namespace QB_UNITY_ID {

TEST(ScoreTable, AppendKeepsEachCellsEvidence) {
  ScoreTable a(1, 2), b(2, 2);
  a.set(0, 0, Score::fail("first"));
  a.set(0, 1, Score::pass());
  b.set(0, 0, Score::fail("second"));
  b.set(1, 1, Score::failed_call("third"));
  a.append(b);
  ASSERT_EQ(a.n_cases(), 3U);
  EXPECT_EQ(a.at(0, 0).evidence, "first");
  EXPECT_EQ(a.at(1, 0).evidence, "second");
  EXPECT_EQ(a.at(2, 1).evidence, "third");
  EXPECT_EQ(a.at(2, 1).status, ScoreStatus::error);
  ScoreTable other(1, 3);
  EXPECT_THROW(a.append(other), std::logic_error);
}

// A run big enough to be scored on two threads gets the scores of scoring each case alone.
TEST(ScoreCases, ABigRunScoredOnTwoThreadsMatchesEachCaseScoredAlone) {
  const Suite suite = read_suite(R"(schema_version: 1
name: parallel
datasets: [cases.jsonl]
dimensions:
  exact: exact-match
  f1: {scorer: token-f1, threshold: 0.5}
  days: {scorer: regex, args: {pattern: "(?i)days"}}
  latency: latency
system: {provider: replay, responses: responses.jsonl}
)",
                                 "suite.yaml", ".");
  std::vector<Case> cases(9001);
  std::vector<Response> responses(cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    cases[i].id = "c" + std::to_string(i);
    cases[i].input = "how long, case " + std::to_string(i);
    cases[i].reference = "refunds take " + std::to_string(i % 13) + " days";
    responses[i].id = cases[i].id;
    responses[i].output = i % 3 == 0 ? *cases[i].reference : "it takes a while";
    responses[i].latency_ms = static_cast<double>(i % 997);
    if (i % 101 == 0) responses[i].error = "HTTP 503 at case " + std::to_string(i);
  }
  const auto scorers = build_scorers(suite);
  const ScoreTable whole = score_cases(scorers, cases, responses, nullptr);
  ASSERT_EQ(whole.n_cases(), cases.size());
  for (const std::size_t c : {std::size_t{0}, std::size_t{1}, std::size_t{4499}, std::size_t{4500},
                              std::size_t{4501}, std::size_t{8999}, std::size_t{9000}}) {
    // The same case scored alone (a run of one case takes one thread).
    const ScoreTable alone = score_cases(scorers, std::span(cases).subspan(c, 1),
                                         std::span(responses).subspan(c, 1), nullptr);
    for (std::size_t d = 0; d < scorers.size(); ++d) {
      SCOPED_TRACE(cases[c].id + " dimension " + std::to_string(d));
      EXPECT_EQ(whole.at(c, d).value, alone.at(0, d).value);
      EXPECT_EQ(whole.at(c, d).status, alone.at(0, d).status);
      EXPECT_EQ(whole.at(c, d).evidence, alone.at(0, d).evidence);
    }
  }
  std::size_t errors = 0;
  for (std::size_t c = 0; c < cases.size(); ++c)
    errors += whole.at(c, 0).status == ScoreStatus::error ? 1 : 0;
  EXPECT_EQ(errors, 90U);  // every 101st case, in both halves
  EXPECT_EQ(whole.at(4545, 0).evidence, "HTTP 503 at case 4545");
}

}  // namespace QB_UNITY_ID
}  // namespace qb
