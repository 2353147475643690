#include "qualbar/io/dataset.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <string>
#include <vector>

#include "../support/same_response.hpp"
#include "qualbar/core/error.hpp"

namespace qb {
namespace QB_UNITY_ID {

Response parse_one(std::string_view line) {
  const auto rs = parse_responses(line, "responses.jsonl");
  EXPECT_EQ(rs.size(), 1U);
  return rs.at(0);
}

std::string error_of(std::string_view text) {
  try {
    (void)parse_responses(text, "responses.jsonl");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

using test::expect_same_response;

TEST(ParseResponses, EveryContractFieldInItsNativeType) {
  const Response r = parse_one(
      R"({"id":"q-001","output":"Refunds take 30 days.","confidence":0.82,"citations":["doc-12#3","doc-9"],)"
      R"("label":"billing","latency_ms":812,"ttft_ms":210.5,"usage":{"input_tokens":512,"output_tokens":96},)"
      R"("cost_usd":0.00123,"model":"bot-v2","error":null})");
  EXPECT_EQ(r.id, "q-001");
  EXPECT_EQ(r.output, "Refunds take 30 days.");
  EXPECT_EQ(r.confidence, 0.82);
  EXPECT_EQ(r.details().citations, (std::vector<std::string>{"doc-12#3", "doc-9"}));
  EXPECT_EQ(r.label, "billing");
  EXPECT_EQ(r.latency_ms, 812.0);
  EXPECT_EQ(r.details().ttft_ms, 210.5);
  ASSERT_TRUE(r.details().usage);
  EXPECT_EQ(r.details().usage->input_tokens, 512);
  EXPECT_EQ(r.details().usage->output_tokens, 96);
  EXPECT_EQ(r.details().cost_usd, 0.00123);
  EXPECT_EQ(r.model, "bot-v2");
  EXPECT_FALSE(r.error);
  EXPECT_FALSE(r.is_error());
  EXPECT_EQ(r.details().extra_json, "");
}

TEST(ParseResponses, OnlyIdAndOutputAreNeeded) {
  const Response r = parse_one(R"({"id":"q-1","output":""})");
  EXPECT_EQ(r.id, "q-1");
  EXPECT_EQ(r.output, "");
  EXPECT_FALSE(r.confidence);
  EXPECT_TRUE(r.details().citations.empty());
  EXPECT_FALSE(r.label);
  EXPECT_FALSE(r.latency_ms);
  EXPECT_FALSE(r.details().ttft_ms);
  EXPECT_FALSE(r.details().usage);
  EXPECT_FALSE(r.details().cost_usd);
  EXPECT_EQ(r.model, "");
  EXPECT_FALSE(r.is_error());
}

TEST(ParseResponses, NullOptionalFieldsAreTheSameAsAbsent) {
  const Response r = parse_one(
      R"({"id":"q-1","output":"x","confidence":null,"citations":null,"label":null,"latency_ms":null,)"
      R"("ttft_ms":null,"usage":null,"cost_usd":null,"model":null,"error":null})");
  expect_same_response(r, parse_one(R"({"id":"q-1","output":"x"})"));
}

TEST(ParseResponses, AnErrorNeedsNoOutput) {
  const Response r = parse_one(R"({"id":"q-1","error":"timeout after 30 s","latency_ms":30000})");
  EXPECT_TRUE(r.is_error());
  EXPECT_EQ(r.error, "timeout after 30 s");
  EXPECT_EQ(r.output, "");
  EXPECT_EQ(parse_one(R"({"id":"q-1","error":""})").error, "unknown error");
  EXPECT_EQ(parse_one(R"({"id":"q-1","error":{"code":429,"message":"rate limited"}})").error,
            R"({"code":429,"message":"rate limited"})");
}

TEST(ParseResponses, UnknownFieldsAreKept) {
  const Response r =
      parse_one(R"({"id":"q-1","output":"x","trace_id":"abc","finish_reason":"stop","n":2})");
  EXPECT_EQ(nlohmann::json::parse(r.details().extra_json),
            (nlohmann::json{{"trace_id", "abc"}, {"finish_reason", "stop"}, {"n", 2}}));
}

TEST(ParseResponses, ConfidenceBoundsAreInclusive) {
  EXPECT_EQ(parse_one(R"({"id":"q-1","output":"x","confidence":0})").confidence, 0.0);
  EXPECT_EQ(parse_one(R"({"id":"q-1","output":"x","confidence":1})").confidence, 1.0);
}

TEST(ParseResponses, BomCrlfBlankLines) {
  const auto rs = parse_responses(
      "\xEF\xBB\xBF{\"id\":\"a\",\"output\":\"x\"}\r\n\r\n{\"id\":\"b\",\"output\":\"y\"}\r\n",
      "r.jsonl");
  ASSERT_EQ(rs.size(), 2U);
  EXPECT_EQ(rs[0].output, "x");
  EXPECT_EQ(rs[1].id, "b");
}

TEST(ParseResponses, EmptyFileIsNoResponses) {
  EXPECT_TRUE(parse_responses("", "r.jsonl").empty());
}

TEST(ParseResponsesErrors, ExactMessages) {
  EXPECT_EQ(
      error_of(
          "{\"id\":\"a\",\"output\":\"x\"}\n{\"id\":\"b\",\"output\":\"y\",\"confidence\":1.5}\n"),
      "responses.jsonl:2: field 'confidence': must be between 0 and 1, got 1.5");
  EXPECT_EQ(error_of(R"({"id":"a","output":"x","confidence":"high"})"),
            "responses.jsonl:1: field 'confidence': expected a number, got a string");
  EXPECT_EQ(error_of("{\"id\":\"a\",\"output\":\"x\"}\n{\"id\":\"b\",\"output\":\"y\"}\n{\"id\":"
                     "\"a\",\"output\":\"z\"}\n"),
            "responses.jsonl:3: field 'id': duplicate response for case 'a' (first at line 1)");
  EXPECT_EQ(error_of(R"({"id":"a","latency_ms":5})"),
            "responses.jsonl:1: field 'output': is required unless 'error' says the call failed");
  EXPECT_EQ(error_of(R"({"id":"a","output":null})"),
            "responses.jsonl:1: field 'output': is required unless 'error' says the call failed");
  EXPECT_EQ(error_of(R"({"output":"x"})"),
            "responses.jsonl:1: field 'id': is required: the id of the case this response answers");
  EXPECT_EQ(error_of(R"({"id":3,"output":"x"})"),
            "responses.jsonl:1: field 'id': expected a string, got a number");
  EXPECT_EQ(error_of(R"({"id":"a","output":"x","latency_ms":-1})"),
            "responses.jsonl:1: field 'latency_ms': must be 0 or more, got -1");
  EXPECT_EQ(error_of(R"({"id":"a","output":"x","cost_usd":"0.1"})"),
            "responses.jsonl:1: field 'cost_usd': expected a number, got a string");
  EXPECT_EQ(error_of(R"({"id":"a","output":"x","usage":{"input_tokens":-5}})"),
            "responses.jsonl:1: field 'usage.input_tokens': must be 0 or more, got -5");
  EXPECT_EQ(
      error_of(R"({"id":"a","output":"x","usage":[1,2]})"),
      R"(responses.jsonl:1: field 'usage': expected {"input_tokens": ..., "output_tokens": ...})");
  EXPECT_EQ(error_of(R"({"id":"a","output":"x","citations":"doc-1"})"),
            "responses.jsonl:1: field 'citations': expected a list of context ids, got a string");
  EXPECT_EQ(error_of(R"({"id":"a","output":["x"]})"),
            "responses.jsonl:1: field 'output': expected a string, got a list");
  EXPECT_EQ(error_of("{\"id\":\"a\",\"output\":\"x\"}\n7\n"),
            "responses.jsonl:2: each line must be a JSON object, got a number");
}

TEST(ResponseToJson, ContractFieldNamesInOrder) {
  Response r;
  r.id = "q-001";
  r.output = "Refunds take 30 days.";
  r.confidence = 0.82;
  r.latency_ms = 812;
  r.model = "bot-v2";
  EXPECT_EQ(
      response_to_json(r),
      R"({"id":"q-001","output":"Refunds take 30 days.","confidence":0.82,"latency_ms":812.0,"model":"bot-v2","error":null})");
}

Response full_response(bool with_unknown_fields) {
  Response r;
  r.id = "q-001";
  // Every kind of escape: quote, backslash, the short forms, other control bytes as \u00XX.
  r.output = "Rückerstattung: 30 Tage.\n\"quoted\" \\ tab\t退款 \x01\x1f\b\f\r\x7f end";
  r.confidence = 0.1 + 0.2;  // needs all 17 digits to round-trip
  r.edit_details().citations = {"doc-12#3", "doc-9"};
  r.label = "billing";
  r.latency_ms = 812.25;
  r.edit_details().ttft_ms = 210;
  r.edit_details().usage = Usage{512, 96};
  r.edit_details().cost_usd = 0.00123;
  r.model = "bot-v2";
  if (with_unknown_fields)
    r.edit_details().extra_json = R"({"finish_reason":"stop","trace":{"id":"abc","spans":[1,2]}})";
  return r;
}

void expect_round_trip(const std::vector<Response>& responses) {
  std::string text;
  for (const auto& r : responses) text += response_to_json(r) + "\n";
  const auto back = parse_responses(text, "roundtrip.jsonl");
  ASSERT_EQ(back.size(), responses.size());
  for (std::size_t i = 0; i < back.size(); ++i) {
    SCOPED_TRACE(responses[i].id);
    expect_same_response(back[i], responses[i]);
    EXPECT_EQ(response_to_json(back[i]), response_to_json(responses[i]));  // the text is stable too
  }
}

TEST(ResponseToJson, RoundTripsThroughParseResponses) {
  Response failed;
  failed.id = "q-002";
  failed.error = "HTTP 429: rate limited";
  failed.latency_ms = 30000;
  Response bare;
  bare.id = "q-003";
  expect_round_trip({full_response(false), failed, bare});
}

// Unknown fields are kept (extra_json) and written back. Run in a child process: response_to_json
// has crashed here (use after free), and a crash must fail this test, not end the whole binary.
TEST(ResponseToJson, RoundTripKeepsUnknownFields) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        expect_round_trip({full_response(true)});
        std::exit(::testing::Test::HasFailure() ? 1 : 0);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace QB_UNITY_ID
}  // namespace qb

namespace qb {
namespace QB_UNITY_ID {

TEST(ParseResponses, ErrorFalseIsASuccessfulCallAndTrueAFailedOne) {
  const auto rs = parse_responses(
      "{\"id\":\"a\",\"output\":\"x\",\"error\":false}\n{\"id\":\"b\",\"error\":true}\n",
      "responses.jsonl");
  ASSERT_EQ(rs.size(), 2U);
  EXPECT_FALSE(rs[0].is_error());
  ASSERT_TRUE(rs[1].is_error());
  EXPECT_EQ(*rs[1].error, "unknown error");
}

}  // namespace QB_UNITY_ID
}  // namespace qb
