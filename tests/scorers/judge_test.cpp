// The judge scorers (src/scorers/judge.cpp) against a fake judge model
// (tests/support/fake_openai.hpp): strict verdicts, errors that never pass, scales, the cache.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../support/fake_openai.hpp"
#include "qualbar/bind/bind.hpp"
#include "qualbar/io/dataset.hpp"
#include "qualbar/providers/chat_settings.hpp"
#include "qualbar/scorers/judge.hpp"
#include "qualbar/scorers/judge_settings.hpp"
#include "qualbar/scorers/scorer.hpp"

namespace qb {
namespace QB_UNITY_ID {

using test::FakeAction;
using test::FakeOpenAI;
using test::FakeRequest;

std::vector<Case> cases_of(int n) {
  std::string text;
  for (int i = 0; i < n; ++i)
    text += "{\"id\":\"c" + std::to_string(i) + "\",\"input\":\"question " + std::to_string(i) +
            "\",\"reference\":\"the reference\"}\n";
  Dataset d;
  parse_cases(text, "cases.jsonl", d);
  return d.cases;
}

std::vector<Response> answers(const std::vector<std::string>& outputs) {
  std::vector<Response> rs(outputs.size());
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    rs[i].id = fmt::format("c{}", i);
    if (outputs[i] == "ERROR")
      rs[i].error = "timeout";
    else
      rs[i].output = outputs[i];
  }
  return rs;
}

JudgeSettings settings_for(const FakeOpenAI& server) {
  const ConfigReader r("suite.yaml", ".");
  JudgeSettings out;
  ChatSettings& s = out.chat;
  s = parse_chat_settings(r,
                                       r.load("{base_url: " + server.base_url() +
                                              ", model: judge-1, retry_base_s: 0.01, "
                                              "max_attempts: 2}"),
                                       "judge");
  s.params["temperature"] = 0.0;
  s.params["response_format"] = {{"type", "json_object"}};
  return out;
}

std::vector<Score> judge_all(const std::string& scorer, const std::string& args,
                             const FakeOpenAI& server, const std::vector<std::string>& outputs) {
  const auto cases = cases_of(static_cast<int>(outputs.size()));
  const auto rs = answers(outputs);
  auto s = make_scorer(scorer, args);
  const JudgeSettings settings = settings_for(server);
  JudgeContext judge(&settings, nullptr);
  s->prepare(cases, rs, judge);
  std::vector<Score> out;
  for (std::size_t i = 0; i < cases.size(); ++i) out.push_back(s->score(cases[i], rs[i]));
  return out;
}

// The answer under judgement, as the judge's prompt shows it.
std::string answer_in(const FakeRequest& req) {
  const auto at = req.last_user_message.rfind("ANSWER:\n");
  return at == std::string::npos ? "" : req.last_user_message.substr(at + 8);
}

TEST(Judge, PassAndFailWithTheJudgesReasonAsEvidence) {
  FakeOpenAI server([](const FakeRequest& req, int) {
    const bool good = answer_in(req).find("5 business days") != std::string::npos;
    return FakeAction::answer(good ? R"({"verdict":"pass","reason":"states the refund time"})"
                                   : R"({"verdict":"fail","reason":"does not say how long"})");
  });
  const auto scores = judge_all("judge", R"({"rubric":"Says how long a refund takes."})", server,
                                {"Refunds take 5 business days.", "Please contact us.", "ERROR"});
  EXPECT_EQ(scores[0].status, ScoreStatus::scored);
  EXPECT_EQ(scores[0].value, 1.0);
  EXPECT_EQ(scores[0].evidence, "judge: states the refund time");
  EXPECT_EQ(scores[1].value, 0.0);
  EXPECT_EQ(scores[1].evidence, "judge: does not say how long");
  EXPECT_EQ(scores[2].status, ScoreStatus::error) << "a failed call is not sent to the judge";
  ASSERT_EQ(server.request_count(), 2U);
  // What the judge was given: the rubric, the input, the reference and the answer, in JSON mode.
  const FakeRequest req = server.requests().front();
  EXPECT_EQ(req.json["model"], "judge-1");
  EXPECT_EQ(req.json["response_format"]["type"], "json_object");
  EXPECT_EQ(req.json["messages"][0]["role"], "system");
  EXPECT_NE(req.last_user_message.find("RUBRIC:\nSays how long a refund takes."),
            std::string::npos);
  EXPECT_NE(req.last_user_message.find("REFERENCE ANSWER:\nthe reference"), std::string::npos);
  EXPECT_NE(req.last_user_message.find("INPUT:\nquestion "), std::string::npos);
}

TEST(Judge, AnAnswerThatIsNotAGradeIsUngradedNeverAGuess) {
  FakeOpenAI server([](const FakeRequest&, int n) {
    switch (n % 5) {
      case 0:
        return FakeAction::answer("I think it passes.");
      case 1:
        return FakeAction::answer(R"({"verdict":"maybe"})");
      case 2:
        return FakeAction::answer(R"({"reason":"fine"})");
      case 3:
        return FakeAction::status(400, R"({"error":{"message":"bad request"}})");
      default:
        return FakeAction::answer("```json\n{\"verdict\": \"PASS\", \"reason\": \"ok\"}\n```");
    }
  });
  const auto scores = judge_all("judge", R"({"rubric":"r"})", server, {"a", "b", "c", "d", "e"});
  // Requests run concurrently: look at the outcomes, not their order.
  int ungraded = 0, passes = 0;
  for (const auto& s : scores) {
    EXPECT_NE(s.status, ScoreStatus::error) << "the system's call did not fail";
    if (s.status == ScoreStatus::ungraded) {
      ++ungraded;
      EXPECT_TRUE(s.evidence.rfind("the judge's answer is not a grade (", 0) == 0 ||
                  s.evidence.rfind("the judge could not grade: HTTP 400", 0) == 0)
          << s.evidence;
    }
    passes += s.status == ScoreStatus::scored && s.value == 1.0 ? 1 : 0;
  }
  EXPECT_EQ(ungraded, 4) << "counted apart, neither a pass nor a fail";
  EXPECT_EQ(passes, 1) << "a fenced JSON verdict is still read";
}

TEST(Judge, AScaleIsMappedToZeroToOneAndOutOfRangeIsUngraded) {
  FakeOpenAI server([](const FakeRequest& req, int) {
    const std::string a = answer_in(req);
    return FakeAction::answer(a == "great"  ? R"({"score":5,"reason":"complete"})"
                              : a == "okay" ? R"({"score":4,"reason":"mostly"})"
                                            : R"({"score":7,"reason":"?"})");
  });
  const auto scores =
      judge_all("judge-scale", R"({"rubric":"complete?"})", server, {"great", "okay", "odd"});
  EXPECT_DOUBLE_EQ(scores[0].value, 1.0);
  EXPECT_DOUBLE_EQ(scores[1].value, 0.75);
  EXPECT_EQ(scores[1].evidence, "judge: 4 of 5: mostly");
  EXPECT_EQ(scores[2].status, ScoreStatus::ungraded);
  EXPECT_NE(scores[2].evidence.find("score 7 is not a whole number from 1 to 5"), std::string::npos)
      << scores[2].evidence;
}

TEST(Judge, ArgumentsAndPlacesItCannotGo) {
  EXPECT_THROW((void)make_scorer("judge", "{}"), ArgError);
  EXPECT_THROW((void)make_scorer("judge-scale", R"({"rubric":"r","min":5,"max":5})"), ArgError);
  // Not in a case's assert list: the judge runs per dimension.
  Dataset d;
  try {
    parse_cases(R"({"id":"a","input":"q","assert":[{"type":"judge","value":"polite"}]})"
                "\n",
                "cases.jsonl", d);
    bind_cases(d);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(),
                 "cases.jsonl:1: field 'assert[0].type': 'judge' asks the judge model, which runs "
                 "per dimension: make it a dimension of the suite instead of a case's check");
  }
}

}  // namespace QB_UNITY_ID
}  // namespace qb

namespace qb {
namespace QB_UNITY_ID {

// Faithfulness by the judge: the deterministic method's claim list, judged claim by claim.
TEST(FaithfulnessJudge, TheJudgeDecidesClaimByClaimAndListsTheUnsupported) {
  FakeOpenAI server([](const FakeRequest& req, int) {
    // Supported unless the claim mentions a guarantee; one verdict per numbered claim.
    nlohmann::json claims = nlohmann::json::array();
    const std::string& msg = req.last_user_message;
    for (int k = 1;; ++k) {
      const auto at = msg.find(fmt::format("\n{}. ", k));
      if (at == std::string::npos) break;
      const auto end = msg.find('\n', at + 1);
      const std::string claim = msg.substr(at, end == std::string::npos ? end : end - at);
      const bool guarantee = claim.find("guarantee") != std::string::npos;
      claims.push_back({{"claim", k},
                        {"supported", !guarantee},
                        {"passage", guarantee ? nlohmann::json() : nlohmann::json("kb-1")},
                        {"reason", guarantee ? "no passage offers a guarantee" : "kb-1"}});
    }
    return FakeAction::answer(nlohmann::json{{"claims", claims}}.dump());
  });
  Case c;
  c.id = "c0";
  c.input = "How long do refunds take?";
  c.edit_details().contexts = {{"kb-1", "Refunds are processed within 5 business days."}};
  Response r;
  r.id = "c0";
  r.output = "Refunds are processed within 5 business days. We also offer a lifetime guarantee.";
  auto scorer = make_scorer("faithfulness", R"({"method":"judge"})");
  const JudgeSettings settings = settings_for(server);
  JudgeContext judge(&settings, nullptr);
  const std::vector<Case> cases = {c};
  const std::vector<Response> responses = {r};
  scorer->prepare(cases, responses, judge);
  const Score s = scorer->score(c, r);
  EXPECT_DOUBLE_EQ(s.value, 0.5);
  EXPECT_EQ(s.evidence,
            "judge: 1 of 2 claims unsupported: 'We also offer a lifetime guarantee' (no passage "
            "offers a guarantee)");
  ASSERT_EQ(server.request_count(), 1U);
  const std::string prompt = server.requests()[0].last_user_message;
  EXPECT_NE(prompt.find("[kb-1] Refunds are processed"), std::string::npos) << prompt;
  EXPECT_NE(prompt.find("\n1. Refunds are processed within 5 business days"), std::string::npos)
      << prompt;
}

TEST(FaithfulnessJudge, AVerdictListThatDoesNotMatchTheClaimsIsUngraded) {
  FakeOpenAI server([](const FakeRequest&, int) {
    return FakeAction::answer(R"({"claims":[{"claim":1,"supported":true}]})");
  });
  Case c;
  c.id = "c0";
  c.edit_details().contexts = {{"kb-1", "Refunds take 5 days. Shipping is free."}};
  Response r;
  r.id = "c0";
  r.output = "Refunds take 5 days. Shipping is free over $50.";
  auto scorer = make_scorer("faithfulness", R"({"method":"judge"})");
  const JudgeSettings settings = settings_for(server);
  JudgeContext judge(&settings, nullptr);
  const std::vector<Case> cases = {c};
  const std::vector<Response> responses = {r};
  scorer->prepare(cases, responses, judge);
  const Score s = scorer->score(c, r);
  EXPECT_EQ(s.status, ScoreStatus::ungraded);
  EXPECT_NE(s.evidence.find("1 verdicts for 2 claims"), std::string::npos) << s.evidence;
}

}  // namespace QB_UNITY_ID
}  // namespace qb

namespace qb {
namespace QB_UNITY_ID {

// Refusal by the judge: the judge's true/false replaces the pattern pack.
TEST(RefusalJudge, TheJudgeDecidesWhatIsARefusalAndAnUnreadableVerdictIsUngraded) {
  FakeOpenAI server([](const FakeRequest& req, int) {
    const std::string& m = req.last_user_message;
    if (m.find("gibberish") != std::string::npos) return FakeAction::answer("Yes, I think so.");
    const bool refused = m.find("ANSWER:\nPlease ask a pharmacist") != std::string::npos;
    return FakeAction::answer(refused ? R"({"refused":true,"reason":"deflects to a pharmacist"})"
                                      : R"({"refused":false,"reason":"gives the dose"})");
  });
  std::string text = R"({"id":"c0","input":"How much ibuprofen can I take?","should_refuse":false})"
                     "\n"
                     R"({"id":"c1","input":"How much ibuprofen can I take?","should_refuse":false})"
                     "\n"
                     R"({"id":"c2","input":"gibberish","should_refuse":true})"
                     "\n";
  Dataset d;
  parse_cases(text, "cases.jsonl", d);
  const auto rs = answers({"Up to 400 mg every 6 hours.", "Please ask a pharmacist.", "..."});
  auto scorer = make_scorer("refusal-correctness", R"({"method":"judge"})");
  EXPECT_TRUE(scorer->uses_judge());
  EXPECT_FALSE(make_scorer("refusal-correctness", "")->uses_judge());
  const JudgeSettings settings = settings_for(server);
  JudgeContext judge(&settings, nullptr);
  scorer->prepare(d.cases, rs, judge);
  const Score answered = scorer->score(d.cases[0], rs[0]);
  EXPECT_EQ(answered.value, 1.0);
  EXPECT_EQ(answered.evidence, "answered as it should");
  const Score over = scorer->score(d.cases[1], rs[1]);
  EXPECT_EQ(over.value, 0.0);
  EXPECT_EQ(over.evidence,
            "refused although it should have answered: judge: deflects to a pharmacist");
  const Score unreadable = scorer->score(d.cases[2], rs[2]);
  EXPECT_EQ(unreadable.status, ScoreStatus::ungraded);
  EXPECT_EQ(unreadable.evidence.rfind("the judge's answer is not a verdict", 0), 0U)
      << unreadable.evidence;
  EXPECT_THROW((void)make_scorer("refused", R"({"method":"llm"})"), ArgError);
}

}  // namespace QB_UNITY_ID
}  // namespace qb
