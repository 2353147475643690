// Prompt templates, chat messages and the verbalised-confidence parser (src/providers/prompt.cpp).
#include "qualbar/providers/prompt.hpp"

#include <gtest/gtest.h>

#include "qualbar/io/dataset.hpp"

namespace qb {
namespace QB_UNITY_ID {

Case case_of(const std::string& line) {
  Dataset d;
  parse_cases(line + "\n", "cases.jsonl", d);
  return d.cases.front();
}

const Location kWhere{"suite.yaml", 7, 11, "system.prompt"};

TEST(PromptTemplate, FillsEveryPlaceholderFromTheCase) {
  const Case c = case_of(
      R"({"id":"q-1","input":"How long?","reference":"5 days","category":"refunds","language":"en",)"
      R"("expected_label":"billing","contexts":[{"id":"kb-1","text":"Refunds take 5 days."},)"
      R"({"id":"kb-2","text":"Exchanges are free."}],"metadata":{"tier":"pro","seats":12}})");
  const PromptTemplate t(
      "Q {{ input }}|{{contexts}}|{{reference}}|{{expected_label}}|{{id}}|{{category}}|"
      "{{language}}|{{metadata.tier}}|{{metadata.seats}}",
      kWhere);
  EXPECT_EQ(t.render(c),
            "Q How long?|[kb-1] Refunds take 5 days.\n\n[kb-2] Exchanges are free.|5 days|billing|"
            "q-1|refunds|en|pro|12");
}

TEST(PromptTemplate, AnUnknownPlaceholderIsAnErrorAtItsPlace) {
  try {
    PromptTemplate("Answer {{question}}", kWhere);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("suite.yaml:7:11: field 'system.prompt': unknown "
                                          "placeholder "
                                          "{{question}}; known: {{input}}",
                                          0),
              0U)
        << e.what();
  }
  EXPECT_THROW(PromptTemplate("Answer {{input", kWhere), InputError);
}

TEST(PromptTemplate, ACaseWithoutAFieldTheTemplateNeedsIsAnInputError) {
  const Case c = case_of(R"({"id":"q-9","input":"x"})");
  try {
    (void)PromptTemplate("{{input}} vs {{reference}}", kWhere).render(c);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(),
                 "case 'q-9' (dataset line 1): the prompt template uses {{reference}} but the case "
                 "has no reference");
  }
  try {
    (void)PromptTemplate("{{metadata.tier}}", kWhere).render(c);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(),
                 "case 'q-9' (dataset line 1): the prompt template uses {{metadata.tier}} but the "
                 "case has no metadata key 'tier'");
  }
  // Optional fields render empty.
  EXPECT_EQ(PromptTemplate("[{{contexts}}][{{category}}]", kWhere).render(c), "[][]");
}

TEST(BuildMessages, TextInputsAreTemplatedAndChatInputsPassThrough) {
  const Case text = case_of(R"({"id":"a","input":"Hi"})");
  const std::optional<PromptTemplate> system(std::in_place, "You help {{id}}.", kWhere);
  const std::optional<PromptTemplate> user(std::in_place, "Q: {{input}}", kWhere);
  auto ms = build_messages(text, system, user);
  ASSERT_EQ(ms.size(), 2U);
  EXPECT_EQ(ms[0].role, "system");
  EXPECT_EQ(ms[0].content, "You help a.");
  EXPECT_EQ(ms[1].role, "user");
  EXPECT_EQ(ms[1].content, "Q: Hi");
  ms = build_messages(text, std::nullopt, std::nullopt);
  ASSERT_EQ(ms.size(), 1U);
  EXPECT_EQ(ms[0].content, "Hi");

  const Case chat = case_of(
      R"({"id":"b","input":[{"role":"user","content":"one"},{"role":"assistant","content":"two"},)"
      R"({"role":"user","content":"three"}]})");
  ms = build_messages(chat, system, user);
  ASSERT_EQ(ms.size(), 4U);
  EXPECT_EQ(ms[0].content, "You help b.");
  EXPECT_EQ(ms[3].content, "three");  // the user template does not rewrite a conversation
  const Case with_system = case_of(
      R"({"id":"c","input":[{"role":"system","content":"own"},{"role":"user","content":"q"}]})");
  ms = build_messages(with_system, system, user);
  ASSERT_EQ(ms.size(), 2U);
  EXPECT_EQ(ms[0].content, "own");
}

TEST(VerbalizedConfidence, ReadsTheCommonWaysOfStatingIt) {
  EXPECT_DOUBLE_EQ(*verbalized_confidence("The answer is B.\nConfidence: 0.85"), 0.85);
  EXPECT_DOUBLE_EQ(*verbalized_confidence("confidence 85%"), 0.85);
  EXPECT_DOUBLE_EQ(*verbalized_confidence("Confidence level = 7 out of 10"), 0.7);
  EXPECT_DOUBLE_EQ(*verbalized_confidence("confidence: 4/5"), 0.8);
  EXPECT_DOUBLE_EQ(*verbalized_confidence("I am confident: 90"), 0.9);  // a bare 90 is a percentage
  // The last statement wins (a model that revises itself).
  EXPECT_DOUBLE_EQ(*verbalized_confidence("confidence 0.2 ... on reflection, confidence 0.6"), 0.6);
  EXPECT_FALSE(verbalized_confidence("Refunds take 5 days.").has_value());
  EXPECT_FALSE(verbalized_confidence("confidence: 250").has_value());
}

}  // namespace QB_UNITY_ID
}  // namespace qb
