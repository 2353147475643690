#pragma once
// expect_same_response: every field of two answers, for tests that write an answer and read it
// back (the responses file, the store's answer blocks).

#include <string>

#include <gtest/gtest.h>

#include "qualbar/core/response.hpp"

namespace qb::test {

inline void expect_same_response(const Response& got, const Response& want) {
  SCOPED_TRACE("response " + want.id);
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.output, want.output);
  EXPECT_EQ(got.confidence, want.confidence);
  EXPECT_EQ(got.details().citations, want.details().citations);
  EXPECT_EQ(got.label, want.label);
  EXPECT_EQ(got.latency_ms, want.latency_ms);
  EXPECT_EQ(got.details().ttft_ms, want.details().ttft_ms);
  ASSERT_EQ(got.details().usage.has_value(), want.details().usage.has_value());
  if (want.details().usage) {
    EXPECT_EQ(got.details().usage->input_tokens, want.details().usage->input_tokens);
    EXPECT_EQ(got.details().usage->output_tokens, want.details().usage->output_tokens);
  }
  EXPECT_EQ(got.details().cost_usd, want.details().cost_usd);
  EXPECT_EQ(got.model, want.model);
  EXPECT_EQ(got.error, want.error);
  EXPECT_EQ(got.details().extra_json, want.details().extra_json);
}

}  // namespace qb::test
