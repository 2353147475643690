#include "qualbar/metrics/score_table.hpp"

#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
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

// Two threads fill one table at once, each its own cases with its own writer number: every cell
// keeps its own evidence, and a writer the table was not made for is refused.
TEST(ScoreTable, WritersFillTheirOwnCasesAtOnce) {
  constexpr std::size_t kCases = 20000;
  ScoreTable t(kCases, 2, 2, ScoreTable::every_cell_set);
  const auto fill = [&](std::size_t writer) {
    for (std::size_t c = writer * kCases / 2; c < (writer + 1) * kCases / 2; ++c) {
      t.set(c, 0, Score::fail("case " + std::to_string(c)), writer);
      t.set(c, 1, c % 3 == 0 ? Score::failed_call("call " + std::to_string(c)) : Score::pass(),
            writer);
    }
  };
  std::thread second(fill, 1);
  fill(0);
  second.join();
  for (std::size_t c = 0; c < kCases; ++c) {
    ASSERT_EQ(t.at(c, 0).evidence, "case " + std::to_string(c));
    ASSERT_EQ(t.at(c, 1).evidence, c % 3 == 0 ? "call " + std::to_string(c) : "");
    ASSERT_EQ(t.at(c, 1).status, c % 3 == 0 ? ScoreStatus::error : ScoreStatus::scored);
  }
  EXPECT_THROW(t.set(0, 0, Score::pass(), 2), std::logic_error);
  ScoreTable one(1, 1);
  EXPECT_THROW(one.set(0, 0, Score::pass(), 1), std::logic_error);
}

// A table made without every_cell_set starts with every cell a score of 0, scored, no evidence.
TEST(ScoreTable, ACellNotSetIsAZeroScoreWithoutEvidence) {
  ScoreTable t(3, 2, 2);
  t.set(1, 1, Score::fail("only this one"), 1);
  for (std::size_t c = 0; c < 3; ++c) {
    for (std::size_t d = 0; d < 2; ++d) {
      if (c == 1 && d == 1) continue;
      EXPECT_EQ(t.at(c, d).value, 0.0);
      EXPECT_EQ(t.at(c, d).status, ScoreStatus::scored);
      EXPECT_EQ(t.at(c, d).evidence, "");
    }
  }
  EXPECT_EQ(t.at(1, 1).evidence, "only this one");
}

// Evidence is kept in blocks of a few MB per writer: many pieces span many blocks, none is split
// between two, and a copy of the table reads the same and owns its own text.
TEST(ScoreTable, EvidenceOverManyBlocksReadsBackAndCopiesOwnTheirs) {
  const std::size_t n = 40000;  // 40,000 × up to 399 bytes: about 8 MB, several blocks each
  const auto evidence_of = [](std::size_t c, std::size_t d) {
    return fmt::format("case {} dimension {}: ", c, d) + std::string(c * 7 % 370, 'a' + d);
  };
  ScoreTable t(n, 2, 2);
  for (std::size_t c = 0; c < n; ++c) {
    for (std::size_t d = 0; d < 2; ++d) t.set(c, d, Score::fail(evidence_of(c, d)), c % 2);
  }
  ScoreTable copy = t;
  t.set(7, 1, Score::fail("changed after the copy"), 1);
  for (std::size_t c = 0; c < n; ++c) {
    for (std::size_t d = 0; d < 2; ++d) {
      ASSERT_EQ(copy.at(c, d).evidence, evidence_of(c, d)) << c << ", " << d;
      if (c != 7 || d != 1) {
        ASSERT_EQ(t.at(c, d).evidence, evidence_of(c, d)) << c << ", " << d;
      }
    }
  }
  EXPECT_EQ(t.at(7, 1).evidence, "changed after the copy");
}

// The same evidence said again by one writer is kept once: the two cells read the same bytes.
TEST(ScoreTable, EvidenceSaidAgainIsKeptOnce) {
  ScoreTable t(4, 1, 2);
  t.set(0, 0, Score::fail("differs from the reference"), 0);
  t.set(1, 0, Score::fail("differs from the reference after normalising"), 0);
  t.set(2, 0, Score::fail("differs from the reference"), 0);
  t.set(3, 0, Score::fail("differs from the reference"), 1);  // another writer keeps its own
  EXPECT_EQ(t.at(2, 0).evidence, "differs from the reference");
  EXPECT_EQ(t.at(2, 0).evidence.data(), t.at(0, 0).evidence.data());
  EXPECT_EQ(t.at(1, 0).evidence, "differs from the reference after normalising");
  EXPECT_EQ(t.at(3, 0).evidence, "differs from the reference");
  EXPECT_NE(t.at(3, 0).evidence.data(), t.at(0, 0).evidence.data());
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
