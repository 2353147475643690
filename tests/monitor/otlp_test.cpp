#include "qualbar/monitor/otlp.hpp"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "qualbar/core/error.hpp"

namespace qb::monitor {
namespace QB_UNITY_ID {

using nlohmann::json;

std::string fixture() {
  std::ifstream in(std::string(QB_SOURCE_DIR) + "/tests/monitor/data/otlp_genai_traces.json");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<json> records(const OtlpRecords& r) {
  std::vector<json> out;
  std::istringstream lines(r.lines);
  for (std::string line; std::getline(lines, line);) out.push_back(json::parse(line));
  return out;
}

// Written from the GenAI semantic conventions: the attribute form (gen_ai.input.messages and
// gen_ai.output.messages), the event form (gen_ai.*.message and gen_ai.choice), the older
// gen_ai.prompt attribute with an error status, an embeddings span and a span of no model call.
TEST(OtlpRecords, GenAiSpansBecomeTheExpectedRecords) {
  const OtlpRecords r = otlp_json_records(fixture(), 64);
  EXPECT_EQ(r.spans, 5U);
  EXPECT_EQ(r.records, 3U);
  EXPECT_EQ(r.skipped, 2U);
  EXPECT_EQ(r.service, "support-assistant-demo");
  const std::vector<json> got = records(r);
  ASSERT_EQ(got.size(), 3U);
  EXPECT_EQ(got[0], json::parse(R"({
    "id": "5b8efff798038103d269b633813fc60c-eee19b7ec3c1b174",
    "ts": "2026-09-28T10:15:36.000Z", "category": "billing",
    "input": [{"role": "system", "content": "You are a support assistant."},
              {"role": "user", "content": "Why was I charged twice?"}],
    "output": "The second line is a pending authorisation.", "latency_ms": 812.0,
    "model": "gpt-4o-mini-2024-07-18", "usage": {"input_tokens": 512, "output_tokens": 96},
    "error": null,
    "metadata": {"service": "support-assistant-demo", "operation": "chat", "provider": "openai",
                 "finish_reasons": ["stop"], "tier": "pro",
                 "trace_id": "5b8efff798038103d269b633813fc60c", "span_id": "eee19b7ec3c1b174",
                 "span_name": "chat gpt-4o-mini"}})"));
  EXPECT_EQ(got[1]["input"], json::parse(R"([{"role": "system", "content": "Be brief."},
                                             {"role": "user", "content": "Where is my parcel?"}])"));
  EXPECT_EQ(got[1]["output"], "It left our warehouse today.");
  EXPECT_EQ(got[1]["model"], "claude-x");
  EXPECT_EQ(got[1]["latency_ms"], 1500.0);
  EXPECT_EQ(got[1]["metadata"]["provider"], "anthropic");
  EXPECT_EQ(got[2]["input"], "Cancel my order");
  EXPECT_EQ(got[2]["output"], "");
  EXPECT_EQ(got[2]["error"], "Request timed out");
  EXPECT_FALSE(got[2].contains("category"));
}

TEST(OtlpRecords, ABodyThatIsNotOtlpJsonIsRefusedSayingWhy) {
  try {
    (void)otlp_json_records(R"({"spans": []})", 64);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "the body is not OTLP/HTTP JSON traces: no 'resourceSpans' list (an "
              "ExportTraceServiceRequest: resourceSpans → scopeSpans → spans)");
  }
  EXPECT_THROW((void)otlp_json_records("{not json", 64), InputError);
}

}  // namespace QB_UNITY_ID
}  // namespace qb::monitor
