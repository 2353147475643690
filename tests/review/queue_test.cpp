// Review queues through the store: who gets which item, locks and their timeout, late and
// corrected grades, skips, adjudication and the live figures.
#include <gtest/gtest.h>

#include "qualbar/core/error.hpp"
#include "qualbar/review/judge_check.hpp"
#include "qualbar/review/queue.hpp"
#include "review_fixture.hpp"

namespace qb::review {
namespace {

using test::JudgedRun;
using test::ScratchDir;

constexpr std::int64_t kT0 = 1'800'000'000;  // a Unix time; locks are 900 s unless said

class QueueTest : public ::testing::Test {
 protected:
  QueueTest() : store_(open_store(dir_.file("qualbar.db"))) {
    JudgedRun run;
    run.n = 30;
    test::save_judged_run(*store_, run);
  }

  ReviewQueue make(std::size_t items, std::size_t per_item, std::int64_t lock_seconds = 900,
                   std::vector<std::string> dims = {"helpfulness"}) {
    QueueRequest rq;
    rq.pick.runs = {"latest"};
    rq.pick.dimensions = std::move(dims);
    rq.pick.sample = items;
    rq.pick.per_item = per_item;
    rq.lock_seconds = lock_seconds;
    rq.created_by = "ada";
    return create_queue(*store_, rq).queue;
  }
  // The queue as stored now (its counts move as reviewers finish items).
  ReviewQueue now(const ReviewQueue& q) { return find_queue(*store_, q.id); }

  std::int64_t next(const ReviewQueue& q, const std::string& who, std::int64_t t = kT0) {
    const auto v = next_item(*store_, now(q), who, t);
    return v ? v->pos : -1;
  }
  SubmitOutcome grade(const ReviewQueue& q, const std::string& who, std::int64_t pos, double g,
                      std::int64_t t = kT0 + 10, const std::string& note = "") {
    Submission s;
    s.pos = pos;
    s.grades["helpfulness"] = g;
    s.note = note;
    return submit(*store_, now(q), who, s, t);
  }
  std::size_t grades_by(const ReviewQueue& q, const std::string& who) {
    std::size_t n = 0;
    for (const auto& g : store_->review().queue_grades(q.id)) n += g.grader == who;
    return n;
  }

  ScratchDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(QueueTest, EachItemGoesToPerItemReviewersAndNeverTwiceToOne) {
  const ReviewQueue q = make(10, 2);
  EXPECT_EQ(q.entries, 10U);
  EXPECT_EQ(q.id.size(), 12U);
  EXPECT_EQ(next(q, "ann"), 0);
  EXPECT_EQ(next(q, "ann"), 0) << "asking again gives the item already held";
  EXPECT_EQ(next(q, "bob"), 0) << "a second reviewer of the same item";
  EXPECT_EQ(next(q, "cy"), 1) << "item 0 is held by as many reviewers as it needs";
  EXPECT_EQ(grade(q, "ann", 0, 1), SubmitOutcome::stored);
  EXPECT_EQ(next(q, "ann"), 1) << "item 1 needs a second reviewer";
  EXPECT_EQ(grade(q, "ann", 1, 1), SubmitOutcome::stored);
  EXPECT_EQ(grade(q, "bob", 0, 1), SubmitOutcome::stored);
  EXPECT_EQ(now(q).finished, 1U);
  // Every item to exactly two reviewers, none twice to one, whoever asks in whatever order.
  std::map<std::int64_t, std::set<std::string>> graders;
  const std::vector<std::string> people = {"ann", "bob", "cy"};
  for (int round = 0; round < 40; ++round) {
    const std::string& who = people[static_cast<std::size_t>(round * 7 % 3)];
    const std::int64_t pos = next(q, who);
    if (pos < 0) continue;
    EXPECT_FALSE(graders[pos].contains(who)) << who << " got item " << pos << " twice";
    graders[pos].insert(who);
    grade(q, who, pos, 1);
  }
  for (const auto& p : people) EXPECT_EQ(next(q, p), -1) << p << " still got an item";
  EXPECT_EQ(now(q).finished, 10U);
  for (std::int64_t pos = 0; pos < 10; ++pos) {
    std::size_t done = 0;
    for (const auto& c : store_->review().claims(q.id, pos)) done += c.state == ClaimState::done;
    EXPECT_EQ(done, 2U) << "item " << pos;
  }
}

TEST_F(QueueTest, AnAbandonedItemReturnsToTheQueueWhenItsLockRunsOut) {
  const ReviewQueue q = make(3, 1, 600);
  EXPECT_EQ(next(q, "ann", kT0), 0);
  EXPECT_EQ(next(q, "bob", kT0 + 599), 1) << "item 0 is ann's for 600 s";
  EXPECT_EQ(grade(q, "bob", 1, 0, kT0 + 600), SubmitOutcome::stored);
  EXPECT_EQ(next(q, "bob", kT0 + 601), 0) << "ann's lock ran out: item 0 is back";
  EXPECT_EQ(next(q, "ann", kT0 + 601), 2) << "ann is not handed item 0 again (she had it), nor item 1 (graded)";
}

TEST_F(QueueTest, ALateGradeIsTakenWhileTheItemNeedsGradesElseRefusedAndNothingStored) {
  const ReviewQueue two = make(2, 2, 600);
  ASSERT_EQ(next(two, "ann", kT0), 0);
  ASSERT_EQ(next(two, "bob", kT0 + 700), 0);
  EXPECT_EQ(grade(two, "ann", 0, 1, kT0 + 800), SubmitOutcome::stored)
      << "ann's lock ran out, but the item still needs a grade and lacks hers";
  EXPECT_EQ(grade(two, "bob", 0, 1, kT0 + 801), SubmitOutcome::stored);

  const ReviewQueue one = make(2, 1, 600);
  ASSERT_EQ(next(one, "ann", kT0), 0);
  ASSERT_EQ(next(one, "bob", kT0 + 700), 0);
  ASSERT_EQ(grade(one, "bob", 0, 0, kT0 + 710), SubmitOutcome::stored);
  try {
    grade(one, "ann", 0, 1, kT0 + 720);
    FAIL() << "a late grade of an item graded enough was taken";
  } catch (const QueueConflict& e) {
    EXPECT_NE(std::string(e.what()).find("not stored"), std::string::npos) << e.what();
  }
  EXPECT_EQ(grades_by(one, "ann"), 0U);
  try {
    grade(one, "cy", 1, 1);
    FAIL() << "a grade of an item never handed out was taken";
  } catch (const QueueConflict& e) {
    EXPECT_NE(std::string(e.what()).find("not handed to you"), std::string::npos) << e.what();
  }
  EXPECT_EQ(grades_by(one, "cy"), 0U);
}

TEST_F(QueueTest, TwoReviewersSubmittingOneItemAtOnceBothCountAndAResubmissionIsACorrection) {
  const ReviewQueue q = make(2, 2);
  ASSERT_EQ(next(q, "ann"), 0);
  ASSERT_EQ(next(q, "bob"), 0);
  EXPECT_EQ(grade(q, "ann", 0, 1, kT0 + 5), SubmitOutcome::stored);
  EXPECT_EQ(grade(q, "bob", 0, 0, kT0 + 5), SubmitOutcome::stored);
  EXPECT_EQ(grade(q, "ann", 0, 0, kT0 + 9, "changed my mind"), SubmitOutcome::corrected);
  EXPECT_EQ(grades_by(q, "ann"), 2U) << "the earlier grade stays in the history";
  const auto v = graded_item(*store_, now(q), "ann", 0);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->correction);
  ASSERT_TRUE(v->dimensions[0].mine);
  EXPECT_EQ(*v->dimensions[0].mine, 0) << "the latest grade is hers";
  EXPECT_EQ(v->note, "changed my mind");
  EXPECT_EQ(now(q).finished, 1U) << "a correction does not count the item again";
  EXPECT_EQ(last_graded(*store_, now(q), "ann"), 0);
}

TEST_F(QueueTest, ACaseSomeoneCannotJudgeIsSkippedWithAReasonAndGoesToOthers) {
  const ReviewQueue q = make(2, 1);
  ASSERT_EQ(next(q, "ann"), 0);
  Submission s;
  s.pos = 0;
  s.skip_reason = "not my language";
  EXPECT_EQ(submit(*store_, now(q), "ann", s, kT0 + 1), SubmitOutcome::skipped);
  EXPECT_EQ(next(q, "ann"), 1) << "a skipped item is not handed back to who skipped it";
  EXPECT_EQ(next(q, "bob"), 0) << "it goes to someone else";
  const auto p = queue_progress(*store_, now(q), "ann");
  EXPECT_EQ(p.mine, 0U);
  EXPECT_EQ(p.skipped, 1U);
  s.skip_reason = "";
  EXPECT_THROW(submit(*store_, now(q), "bob", s, kT0 + 2), InputError) << "a reason is needed";
}

TEST_F(QueueTest, BadGradesNameTheFieldAndStoreNothing) {
  const ReviewQueue q = make(2, 1, 900, {"helpfulness", "quality"});
  ASSERT_EQ(next(q, "ann"), 0);
  Submission s;
  s.pos = 0;
  s.grades = {{"helpfulness", 1}, {"quality", 6}};
  try {
    submit(*store_, now(q), "ann", s, kT0);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("field 'grades.quality': 6 is off the scale"),
              std::string::npos)
        << e.what();
  }
  s.grades = {{"helpfulness", 1}};
  try {
    submit(*store_, now(q), "ann", s, kT0);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("field 'grades.quality': missing"), std::string::npos)
        << e.what();
  }
  s.grades = {{"helpfulness", 1}, {"quality", 4}, {"tone", 1}};
  EXPECT_THROW(submit(*store_, now(q), "ann", s, kT0), InputError);
  EXPECT_EQ(grades_by(q, "ann"), 0U);
  s.grades = {{"helpfulness", 1}, {"quality", 4}};
  EXPECT_EQ(submit(*store_, now(q), "ann", s, kT0), SubmitOutcome::stored);
  EXPECT_EQ(grades_by(q, "ann"), 2U);
}

TEST_F(QueueTest, TheItemShownHasTheCaseAndAnswerButNothingThatNamesTheRunOrModel) {
  const ReviewQueue q = make(5, 2);
  const auto v = next_item(*store_, q, "ann", kT0);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->item.rfind("i-", 0), 0U);
  EXPECT_EQ(v->item.find("r-2026"), std::string::npos);
  EXPECT_NE(v->c.input.find("from a customer"), std::string::npos);
  EXPECT_EQ(v->output.rfind("Answer number ", 0), 0U);
  ASSERT_EQ(v->dimensions.size(), 1U);
  EXPECT_EQ(v->dimensions[0].rubric, "The answer resolves the customer's question.");
  EXPECT_FALSE(v->dimensions[0].scale.ordinal);
  EXPECT_EQ(v->locked_until, kT0 + 900);
  EXPECT_FALSE(v->correction);
  // The reviewer's own grade only: bob's grade of the same item is not in ann's view.
  ASSERT_EQ(next(q, "bob"), v->pos);
  grade(q, "bob", v->pos, 0);
  const auto again = next_item(*store_, q, "ann", kT0 + 1);
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->dimensions[0].mine);
  EXPECT_EQ(again->note, "");
}

TEST_F(QueueTest, DisagreementsAreSettledByAnAdjudicatorAndTheFiguresFollow) {
  const ReviewQueue q = make(6, 2);
  for (std::int64_t pos = 0; pos < 6; ++pos) {
    ASSERT_EQ(next(q, "ann"), pos);
    ASSERT_EQ(next(q, "bob"), pos);
    // They disagree on items 0 and 1, and both fail item 4.
    grade(q, "ann", pos, pos == 4 ? 0 : 1, kT0 + 10, "ann's reason");
    grade(q, "bob", pos, pos < 2 || pos == 4 ? 0 : 1, kT0 + 40);
  }
  auto open = queue_disagreements(*store_, now(q));
  ASSERT_EQ(open.size(), 2U);
  EXPECT_EQ(open[0].pos, 0);
  EXPECT_EQ(open[0].dimension, "helpfulness");
  EXPECT_EQ(open[0].grades.size(), 2U);
  ASSERT_EQ(open[0].notes.size(), 1U);
  EXPECT_EQ(open[0].notes[0].first, "ann");
  EXPECT_EQ(open[0].notes[0].second, "ann's reason");

  QueueOverview o = queue_overview(*store_, now(q), 0.95);
  ASSERT_EQ(o.agreement.size(), 1U);
  EXPECT_EQ(o.agreement[0].items_multiple, 6U);
  EXPECT_DOUBLE_EQ(o.agreement[0].agreement, 4.0 / 6.0);
  EXPECT_EQ(o.open_disagreements, 2U);
  // The live figures are the statistics `review agreement` gives for the same grades.
  const auto whole = reviewer_agreement(*store_, {}, 0.95);
  ASSERT_EQ(whole.size(), 1U);
  ASSERT_EQ(whole[0].pairs.size(), 1U);
  ASSERT_EQ(o.agreement[0].pairs.size(), 1U);
  EXPECT_DOUBLE_EQ(o.agreement[0].pairs[0].kappa.kappa, whole[0].pairs[0].kappa.kappa);

  adjudicate(*store_, now(q), "ada", 0, "helpfulness", 1, "ann is right");
  EXPECT_THROW(adjudicate(*store_, now(q), "ada", 0, "helpfulness", 1, ""), QueueConflict)
      << "settled already";
  EXPECT_THROW(adjudicate(*store_, now(q), "ada", 3, "helpfulness", 1, ""), QueueConflict)
      << "they agree on item 3";
  EXPECT_THROW(adjudicate(*store_, now(q), "ada", 1, "helpfulness", 4, ""), InputError);
  EXPECT_EQ(queue_disagreements(*store_, now(q)).size(), 1U);

  o = queue_overview(*store_, now(q), 0.95);
  EXPECT_EQ(o.open_disagreements, 1U);
  ASSERT_EQ(o.reviewers.size(), 2U);
  for (const auto& r : o.reviewers) {
    EXPECT_EQ(r.done, 6U);
    EXPECT_EQ(r.compared, 6U);
    EXPECT_DOUBLE_EQ(r.agrees_with_others, 4.0 / 6.0);
    EXPECT_EQ(r.adjudicated, 1U);
    EXPECT_DOUBLE_EQ(r.agrees_with_adjudication, r.reviewer == "ann" ? 1.0 : 0.0) << r.reviewer;
    EXPECT_NEAR(r.median_seconds, r.reviewer == "ann" ? 10 : 40, 1e-6) << r.reviewer;
  }
}

TEST_F(QueueTest, AClosedQueueHandsOutNothingAndBadRequestsAreRefused) {
  const ReviewQueue q = make(3, 1);
  ASSERT_EQ(next(q, "ann"), 0);
  store_->review().close_queue(q.id, "2026-12-07T00:00:00Z");
  EXPECT_EQ(next(q, "bob"), -1);
  EXPECT_THROW(grade(q, "ann", 0, 1), QueueConflict);
  QueueRequest rq;
  rq.pick.runs = {"latest"};
  rq.lock_seconds = 10;
  EXPECT_THROW(create_queue(*store_, rq), InputError);
  rq.lock_seconds = 900;
  rq.name = "two\nlines";
  EXPECT_THROW(create_queue(*store_, rq), InputError);
  EXPECT_THROW(find_queue(*store_, "q-0000000000"), InputError);
}

// A pairwise queue: run A ("Answer number i.") against run B ("Second model's answer i.").
class PairQueueTest : public QueueTest {
 protected:
  PairQueueTest() {
    JudgedRun b;
    b.id = "r-20261102-000000-bbbb";
    b.started_at = "2026-11-02T00:00:00Z";
    b.n = 30;
    b.model = "support-bot-v3";
    b.output = [](std::size_t i) { return fmt::format("Second model's answer {}.", i); };
    b.failed = [](std::size_t i) { return i == 2; };  // no pair for case 2
    test::save_judged_run(*store_, b);
  }
  ReviewQueue make_pairs(std::size_t items, std::size_t per_item) {
    QueueRequest rq;
    rq.pick.runs = {"r-20261101-000000-aaaa", "r-20261102-000000-bbbb"};
    rq.pick.dimensions = {"helpfulness"};
    rq.pick.sample = items;
    rq.pick.per_item = per_item;
    rq.created_by = "ada";
    return create_queue(*store_, rq).queue;
  }
  SubmitOutcome pick(const ReviewQueue& q, const std::string& who, std::int64_t pos, Pick p,
                     std::int64_t t = kT0 + 10) {
    Submission s;
    s.pos = pos;
    s.picks["helpfulness"] = p;
    return submit(*store_, now(q), who, s, t);
  }
};

TEST_F(PairQueueTest, TwoRunsMakeAPairwiseQueueShownInBothOrdersAndStoredAsAOrB) {
  const ReviewQueue q = make_pairs(0, 2);
  EXPECT_TRUE(q.pairwise);
  EXPECT_EQ(q.entries, 29U) << "case 2 has no answer of run B";
  EXPECT_EQ(q.runs.size(), 2U);
  std::size_t a_first = 0;
  for (std::int64_t pos = 0; pos < 29; ++pos) {
    const auto ann = next_item(*store_, now(q), "ann", kT0);
    const auto bob = next_item(*store_, now(q), "bob", kT0);
    ASSERT_TRUE(ann && bob);
    ASSERT_EQ(ann->pos, pos);
    ASSERT_EQ(bob->pos, pos);
    EXPECT_TRUE(ann->pairwise);
    EXPECT_EQ(ann->item, bob->item);
    EXPECT_NE(ann->item, review_item_id(q.runs[0], ann->c.id)) << "a pair is an item of its own";
    EXPECT_NE(ann->shown_first, bob->shown_first) << "the two reviewers see the two orders";
    const std::string& a_text = ann->shown_first == "A" ? ann->output : ann->output_second;
    const std::string& b_text = ann->shown_first == "A" ? ann->output_second : ann->output;
    EXPECT_EQ(a_text.rfind("Answer number ", 0), 0U);
    EXPECT_EQ(b_text.rfind("Second model's answer ", 0), 0U);
    a_first += ann->shown_first == "A";
    // Both prefer run B's answer: ann by the place she saw it in, bob too.
    EXPECT_EQ(pick(q, "ann", pos, ann->shown_first == "B" ? Pick::first : Pick::second),
              SubmitOutcome::stored);
    EXPECT_EQ(pick(q, "bob", pos, pos == 0 ? Pick::tie
                                  : bob->shown_first == "B" ? Pick::first : Pick::second),
              SubmitOutcome::stored);
  }
  // The order is drawn per item: neither always first.
  EXPECT_GT(a_first, 5U);
  EXPECT_LT(a_first, 24U);
  const auto grades = store_->review().pair_grades("");
  ASSERT_EQ(grades.size(), 58U);
  for (const Grade& g : grades) {
    EXPECT_EQ(g.run_b, q.runs[1]);
    EXPECT_TRUE(g.shown_first == "A" || g.shown_first == "B") << g.shown_first;
    EXPECT_EQ(g.grade, g.grader == "bob" && g.case_id == grades[1].case_id ? kPairTie : kPairB);
  }
  EXPECT_TRUE(store_->review().grades("").empty()) << "pair grades are not single answers' grades";
  EXPECT_EQ(store_->review().pair_grades(q.runs[1]).size(), 58U);

  // The reviewer's own pick comes back in the order they saw.
  const auto mine = graded_item(*store_, now(q), "ann", 3);
  ASSERT_TRUE(mine);
  ASSERT_TRUE(mine->dimensions[0].picked);
  EXPECT_EQ(*mine->dimensions[0].picked, mine->shown_first == "B" ? Pick::first : Pick::second);
  EXPECT_TRUE(mine->dimensions[0].scale.pairwise);

  // Agreement on the three-way scale; the one tie is the disagreement to settle.
  const QueueOverview o = queue_overview(*store_, now(q), 0.95);
  ASSERT_EQ(o.agreement.size(), 1U);
  EXPECT_EQ(o.agreement[0].items_multiple, 29U);
  EXPECT_DOUBLE_EQ(o.agreement[0].agreement, 28.0 / 29.0);
  auto open = queue_disagreements(*store_, now(q));
  ASSERT_EQ(open.size(), 1U);
  EXPECT_EQ(open[0].pos, 0);
  EXPECT_TRUE(open[0].scale.pairwise);
  EXPECT_THROW(adjudicate(*store_, now(q), "ada", 0, "helpfulness", 3, ""), InputError);
  adjudicate(*store_, now(q), "ada", 0, "helpfulness", kPairA, "A cites the policy");
  EXPECT_TRUE(queue_disagreements(*store_, now(q)).empty());
  const auto adjudicator = entry_item(*store_, now(q), 0);
  ASSERT_TRUE(adjudicator);
  EXPECT_EQ(adjudicator->shown_first, "A") << "an adjudicator sees A, then B";
}

TEST_F(PairQueueTest, APairIsGradedByPicksOnlyAndAOneAnswerQueueByNumbersOnly) {
  const ReviewQueue q = make_pairs(3, 1);
  ASSERT_TRUE(next_item(*store_, now(q), "ann", kT0));
  Submission s;
  s.pos = 0;
  s.grades["helpfulness"] = 1;
  try {
    submit(*store_, now(q), "ann", s, kT0);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("first, second or tie"), std::string::npos) << e.what();
  }
  s.grades.clear();
  EXPECT_THROW(submit(*store_, now(q), "ann", s, kT0), InputError) << "no pick at all";
  const ReviewQueue single = make(2, 1);
  ASSERT_EQ(next(single, "ann"), 0);
  s.picks["helpfulness"] = Pick::first;
  EXPECT_THROW(submit(*store_, now(single), "ann", s, kT0), InputError);
  EXPECT_TRUE(store_->review().pair_grades("").empty());
  EXPECT_EQ(grades_by(single, "ann"), 0U);
}

TEST_F(PairQueueTest, DeletingARunDeletesTheQueuesOfItsAnswersAloneOrPaired) {
  const ReviewQueue pairs = make_pairs(3, 1);
  QueueRequest rq;
  rq.pick.runs = {"r-20261102-000000-bbbb"};
  rq.pick.dimensions = {"helpfulness"};
  rq.pick.sample = 3;
  const ReviewQueue of_b = create_queue(*store_, rq).queue;
  rq.pick.runs = {"r-20261101-000000-aaaa"};
  const ReviewQueue of_a = create_queue(*store_, rq).queue;
  ASSERT_TRUE(next_item(*store_, now(pairs), "ann", kT0));
  ASSERT_EQ(pick(pairs, "ann", 0, Pick::tie), SubmitOutcome::stored);
  ASSERT_EQ(next(of_b, "ann"), 0);
  store_->runs().delete_run("r-20261102-000000-bbbb");
  std::set<std::string> left;
  for (const auto& q : store_->review().queues()) left.insert(q.id);
  EXPECT_EQ(left, std::set<std::string>{of_a.id}) << "run A's own queue stays";
  EXPECT_TRUE(store_->review().claims(pairs.id, 0).empty());
  EXPECT_TRUE(store_->review().pair_grades("").empty());
  EXPECT_EQ(next(of_a, "ann"), 0) << "the queue left hands out as before";
}

TEST_F(PairQueueTest, PeoplesPicksInTheOrderTheySawThemGiveJudgeCheckItsPositionBaseline) {
  const ReviewQueue q = make_pairs(12, 2);
  // ann always picks the answer shown first; bob always run B's. Where ann saw A first, the two
  // orders of the pair went to different answers, each time the first shown: a flip.
  std::size_t ann_saw_a_first = 0;
  for (std::int64_t pos = 0; pos < 12; ++pos) {
    const auto ann = next_item(*store_, now(q), "ann", kT0);
    const auto bob = next_item(*store_, now(q), "bob", kT0);
    ASSERT_TRUE(ann && bob);
    ann_saw_a_first += ann->shown_first == "A";
    pick(q, "ann", pos, Pick::first);
    pick(q, "bob", pos, bob->shown_first == "B" ? Pick::first : Pick::second);
  }
  ASSERT_GT(ann_saw_a_first, 0U);
  // A correction replaces a reviewer's earlier pick: bob's tie on item 0 takes it out.
  pick(q, "bob", 0, Pick::tie, kT0 + 20);
  const bool flip_0 = graded_item(*store_, now(q), "ann", 0)->shown_first == "A";

  test::write_text(dir_.file("pairs.jsonl"),
                   "{\"id\":\"p1\",\"dimension\":\"helpfulness\",\"shown_first\":\"A\",\"grade\":1}\n"
                   "{\"id\":\"p1\",\"dimension\":\"helpfulness\",\"shown_first\":\"B\",\"grade\":0}\n");
  JudgeCheckRequest rq;
  rq.runs = {q.runs[0]};
  rq.dimensions = {"helpfulness"};
  rq.pairwise_file = dir_.file("pairs.jsonl");
  const JudgeCheckInputs in = gather_judge_check(*store_, rq);
  ASSERT_EQ(in.dimensions.size(), 1U);
  EXPECT_EQ(in.dimensions[0].people_pairs.size(), 23U) << "24 picks, one corrected to a tie";
  const DimensionCheck d = check_judge(in.dimensions[0], in.settings);
  ASSERT_TRUE(d.position);
  EXPECT_EQ(d.position->pairs, 1U);
  EXPECT_EQ(d.position->consistent, 1U) << "the judge's own verdicts";
  ASSERT_TRUE(d.people_position);
  EXPECT_EQ(d.people_position->pairs, 11U);
  EXPECT_EQ(d.people_position->first_both, ann_saw_a_first - (flip_0 ? 1 : 0));
  EXPECT_EQ(d.people_position->second_both, 0U);
  EXPECT_EQ(d.people_position->consistent, 11U - d.people_position->first_both);
}

}  // namespace
}  // namespace qb::review
