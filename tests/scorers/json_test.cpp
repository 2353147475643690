// is-json and json-schema (src/scorers/json.cpp), built through the registry.
#include "qualbar/scorers/scorer.hpp"

#include <string>

#include <gtest/gtest.h>

namespace qb {
namespace QB_UNITY_ID {

Score score_with(const std::string& name, const std::string& args, const std::string& output) {
  Response r;
  r.output = output;
  return make_scorer(name, args)->score(Case{}, r);
}

void expect_arg_error(const std::string& args, const std::string& field,
                      const std::string& message) {
  try {
    (void)make_scorer("json-schema", args);
    ADD_FAILURE() << "no ArgError for " << args;
  } catch (const ArgError& e) {
    EXPECT_EQ(e.field(), field) << args;
    EXPECT_EQ(std::string(e.what()), message) << args;
  }
}

const std::string kPerson = R"({"schema":{"type":"object","required":["name"],)"
                            R"("properties":{"name":{"type":"string"},"age":{"type":"integer"}}}})";

// ---- is-json ----------------------------------------------------------------------------------

TEST(IsJsonScorer, AnyJsonValuePasses) {
  for (const char* output :
       {R"({"a":1})", "[1, 2]", "42", "\"text\"", "null", " {\"a\": [true]} \n"}) {
    const Score s = score_with("is-json", "", output);
    EXPECT_EQ(s.status, ScoreStatus::scored) << output;
    EXPECT_EQ(s.value, 1.0) << output;
    EXPECT_EQ(s.evidence, "") << output;
  }
}

TEST(IsJsonScorer, UnicodeContentPasses) {
  EXPECT_EQ(score_with("is-json", "", R"({"ciudad":"México","城市":"北京","עיר":"ירושלים"})").value,
            1.0);
  EXPECT_EQ(score_with("is-json", "", R"({"escaped":"\u00e9\ud83d\ude00"})").value, 1.0);
}

TEST(IsJsonScorer, EmptyOutputFailsWithParserMessage) {
  const Score s = score_with("is-json", "", "");
  EXPECT_EQ(s.status, ScoreStatus::scored);
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(
      s.evidence,
      "not JSON: parse error at line 1, column 1: syntax error while parsing value - unexpected "
      "end of input; expected '[', '{', or a literal");
}

TEST(IsJsonScorer, MalformedOrWrappedJsonFails) {
  for (const char* output :
       {R"({"a":)", "{'a': 1}", "```json\n{}\n```", "{} trailing", "Sure! {\"a\":1}"}) {
    const Score s = score_with("is-json", "", output);
    EXPECT_EQ(s.value, 0.0) << output;
    EXPECT_TRUE(s.evidence.starts_with("not JSON: parse error at line ")) << s.evidence;
  }
}

TEST(IsJsonScorer, TakesNoArguments) {
  try {
    (void)make_scorer("is-json", R"({"strict":true})");
    FAIL() << "expected ArgError";
  } catch (const ArgError& e) {
    EXPECT_EQ(e.field(), "strict");
    EXPECT_STREQ(e.what(), "unknown argument 'strict'. This scorer takes no arguments");
  }
}

// ---- json-schema ------------------------------------------------------------------------------

TEST(JsonSchemaScorer, ValidDocumentPasses) {
  const Score s = score_with("json-schema", kPerson, R"({"name":"Zoë","age":31})");
  EXPECT_EQ(s.status, ScoreStatus::scored);
  EXPECT_EQ(s.value, 1.0);
  EXPECT_EQ(s.evidence, "");
  EXPECT_EQ(score_with("json-schema", kPerson, R"({"name":"王芳"})").value, 1.0);
}

TEST(JsonSchemaScorer, MissingRequiredPropertyFails) {
  const Score s = score_with("json-schema", kPerson, R"({"age":31})");
  EXPECT_EQ(s.status, ScoreStatus::scored);
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence, "<root>: Missing required property 'name'.");
}

// The scorer promises the most specific (deepest) error with its path, not the enclosing summary.
TEST(JsonSchemaScorer, EvidenceIsTheDeepestError) {
  const Score s = score_with("json-schema", kPerson, R"({"name":"Ana","age":"old"})");
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence, "<root>[age]: Value type not permitted by 'type' constraint.");
}

TEST(JsonSchemaScorer, StringLengthCountsCharactersNotBytes) {
  const std::string args = R"({"schema":{"type":"string","maxLength":2}})";
  EXPECT_EQ(score_with("json-schema", args, "\"日本\"").value, 1.0);  // 2 characters, 6 bytes
  EXPECT_EQ(score_with("json-schema", args, "\"日本語\"").value, 0.0);
}

TEST(JsonSchemaScorer, NotJsonFails) {
  const Score s = score_with("json-schema", kPerson, "");
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(
      s.evidence,
      "not JSON: parse error at line 1, column 1: syntax error while parsing value - unexpected "
      "end of input; expected '[', '{', or a literal");
}

TEST(JsonSchemaScorer, EmptySchemaAcceptsAnyJson) {
  EXPECT_EQ(score_with("json-schema", R"({"schema":{}})", "[1,\"二\"]").value, 1.0);
}

TEST(JsonSchemaScorer, SchemaRequired) {
  expect_arg_error("", "schema",
                   "is required: a JSON Schema (draft 7, 6, or 4 when its $schema says so) the "
                   "output must satisfy");
}

TEST(JsonSchemaScorer, SchemaMustBeAnObject) {
  expect_arg_error(R"({"schema":"object"})", "schema", "expected a JSON Schema object");
  expect_arg_error(R"({"schema":[{"type":"string"}]})", "schema", "expected a JSON Schema object");
  expect_arg_error(R"({"schema":null})", "schema", "expected a JSON Schema object");
}

TEST(JsonSchemaScorer, UnusableSchemaRejected) {
  expect_arg_error(R"({"schema":{"type":"nope"}})", "schema",
                   "is not a JSON Schema qualbar can use: Unrecognised JSON type name 'nope'");
}

}  // namespace QB_UNITY_ID
}  // namespace qb
