// The seldom set fields of a case and of a response live out of line (core/case.hpp,
// core/response.hpp): a plain one makes none, and a copy is a copy of them too.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "qualbar/core/case.hpp"
#include "qualbar/core/response.hpp"
#include "qualbar/io/dataset.hpp"

namespace qb {
namespace QB_UNITY_ID {

TEST(CaseDetails, APlainCaseMakesNoneAndACopyOwnsItsOwn) {
  Dataset d;
  parse_cases(R"({"id":"plain","input":"q","reference":"a","category":"billing"})"
              "\n"
              R"({"id":"tagged","input":"q","tags":["vip"],"should_refuse":false,"extra":1})",
              "cases.jsonl", d);
  ASSERT_EQ(d.cases.size(), 2U);
  const Case& plain = d.cases[0];
  const Case& tagged = d.cases[1];
  // A case with none of the fields reads the one shared empty set: nothing was made for it.
  EXPECT_EQ(&plain.details(), &Case().details());
  EXPECT_TRUE(plain.details().tags.empty());
  EXPECT_FALSE(plain.details().should_refuse.has_value());
  EXPECT_EQ(plain.reference, "a");
  EXPECT_EQ(plain.category, "billing");

  EXPECT_NE(&tagged.details(), &Case().details());
  EXPECT_EQ(tagged.details().tags, std::vector<std::string>{"vip"});
  EXPECT_EQ(tagged.details().should_refuse, false);
  EXPECT_EQ(tagged.details().metadata_json, R"({"extra":1})");

  Case copy = tagged;
  EXPECT_NE(&copy.details(), &tagged.details());
  EXPECT_EQ(copy.details().tags, tagged.details().tags);
  copy.edit_details().tags.push_back("new");
  EXPECT_EQ(tagged.details().tags, std::vector<std::string>{"vip"});
  Case assigned;
  assigned = plain;
  EXPECT_EQ(&assigned.details(), &Case().details());
  assigned = copy;
  EXPECT_EQ(assigned.details().tags, (std::vector<std::string>{"vip", "new"}));
  const Case moved = std::move(copy);
  EXPECT_EQ(moved.details().tags.size(), 2U);
}

TEST(ResponseDetails, APlainAnswerMakesNoneAndACopyOwnsItsOwn) {
  const std::vector<Response> rs = parse_responses(
      R"({"id":"plain","output":"a","latency_ms":12,"label":"x"})"
      "\n"
      R"({"id":"full","output":"a","ttft_ms":3,"cost_usd":0.5,"usage":{"input_tokens":7},"citations":["c1"],"seed":4})",
      "responses.jsonl");
  ASSERT_EQ(rs.size(), 2U);
  EXPECT_EQ(&rs[0].details(), &Response().details());
  EXPECT_EQ(rs[0].latency_ms, 12.0);
  EXPECT_EQ(rs[0].label, "x");
  EXPECT_FALSE(rs[0].details().usage.has_value());

  const Response& full = rs[1];
  EXPECT_EQ(full.details().ttft_ms, 3.0);
  EXPECT_EQ(full.details().cost_usd, 0.5);
  ASSERT_TRUE(full.details().usage.has_value());
  EXPECT_EQ(full.details().usage->input_tokens, 7);
  EXPECT_EQ(full.details().citations, std::vector<std::string>{"c1"});
  EXPECT_EQ(full.details().extra_json, R"({"seed":4})");

  Response copy = full;
  copy.edit_details().citations.clear();
  EXPECT_EQ(full.details().citations.size(), 1U);
  EXPECT_EQ(copy.details().cost_usd, 0.5);
}

TEST(CaseInputText, AChatInputReadsAsOneLineAMessageAndATextInputAsItIs) {
  Dataset d;
  parse_cases(R"({"id":"text","input":"Where is my order?"})"
              "\n"
              R"({"id":"chat","input":[{"role":"system","content":"Be brief."},)"
              R"({"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"},)"
              R"({"role":"user","content":"Refund, please."}]})",
              "cases.jsonl", d);
  ASSERT_EQ(d.cases.size(), 2U);
  EXPECT_EQ(input_text(d.cases[0]), "Where is my order?");
  EXPECT_EQ(d.cases[1].input, "Refund, please.");  // the last user message
  EXPECT_EQ(input_text(d.cases[1]),
            "system: Be brief.\nuser: Hi\nassistant: Hello!\nuser: Refund, please.\n");
}

}  // namespace QB_UNITY_ID
}  // namespace qb
