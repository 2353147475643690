#include "qualbar/metrics/score_table.hpp"

#include <gtest/gtest.h>

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
