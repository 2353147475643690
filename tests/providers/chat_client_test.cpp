// The chat-completions client (src/providers/chat_client.cpp) against the fake server of
// tests/support/fake_openai.hpp: answers, streams, every fault, the limits, stop and abort.
#include "qualbar/providers/chat_client.hpp"

#include <atomic>
#include <chrono>
#include <ctime>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../support/fake_openai.hpp"
#include "providers/chat_answer.hpp"
#include "providers/rate_limit.hpp"
#include "qualbar/core/error.hpp"

namespace qb {
namespace QB_UNITY_ID {

using test::FakeAction;
using test::FakeOpenAI;
using test::FakeRequest;
using Clock = std::chrono::steady_clock;

::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "' does not contain '" << part << "'";
}
::testing::AssertionResult Lacks(const std::string& text, const std::string& part) {
  if (text.find(part) == std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "' contains '" << part << "'";
}
::testing::AssertionResult Begins(const std::string& text, const std::string& start) {
  if (text.starts_with(start)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "' does not start with '" << start << "'";
}

// Records what the client reports; stop/abort/done hooks for the tests that need them.
struct Recorder : ChatEvents {
  std::map<std::size_t, ChatResult> results;
  std::vector<std::size_t> order;
  std::vector<std::string> retries;
  int idles = 0;
  std::function<void(std::size_t)> on_done;
  std::function<bool()> stop;
  std::function<bool()> abort;

  void done(std::size_t index, ChatResult&& result) override {
    order.push_back(index);
    results[index] = std::move(result);
    if (on_done) on_done(index);
  }
  void retrying(std::size_t, const std::string& why) override { retries.push_back(why); }
  void idle() override { ++idles; }
  bool stop_requested() override { return stop && stop(); }
  bool abort_requested() override { return abort && abort(); }
};

EndpointSettings endpoint_of(const std::string& base_url) {
  EndpointSettings e;
  e.base_url = base_url;
  e.api_key = "sk-test";
  e.concurrency = 4;
  e.timeout_s = 5;
  e.connect_timeout_s = 2;
  e.retry = RetryPolicy{.max_attempts = 3, .base_delay_s = 0.01, .max_delay_s = 2};
  e.seed = 7;
  return e;
}

// "q<i>", the question of call i (the default answer is "echo: q<i>").
std::string question(std::size_t i) {
  return test::fake_detail::numbered("q", static_cast<long long>(i));
}

std::string body_of(const std::string& text, bool stream = false) {
  nlohmann::json body = {{"model", "gpt-test"},
                         {"messages", {{{"role", "user"}, {"content", text}}}}};
  if (stream) {
    body["stream"] = true;
    body["stream_options"] = {{"include_usage", true}};
  }
  return body.dump();
}

std::vector<ChatCall> calls_of(int n, bool stream = false) {
  std::vector<ChatCall> calls;
  for (int i = 0; i < n; ++i) {
    calls.push_back(ChatCall{.index = static_cast<std::size_t>(i),
                             .body = body_of(question(static_cast<std::size_t>(i)), stream),
                             .est_tokens = 10});
  }
  return calls;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// ---- answers ----------------------------------------------------------------------------------

TEST(ChatClient, AnswersWithContentUsageModelAndLatency) {
  FakeOpenAI server;
  auto endpoint = endpoint_of(server.base_url());
  endpoint.headers = {{"X-Team", "evals"}};
  Recorder rec;
  run_chat_calls(endpoint, calls_of(3), rec);

  ASSERT_EQ(rec.results.size(), 3U);
  for (std::size_t i = 0; i < 3; ++i) {
    const ChatResult& r = rec.results[i];
    ASSERT_FALSE(r.error) << *r.error;
    EXPECT_EQ(r.content, "echo: " + question(i));
    EXPECT_EQ(r.model, "fake-model");
    EXPECT_EQ(r.finish_reason, "stop");
    ASSERT_TRUE(r.usage);
    EXPECT_EQ(r.usage->input_tokens, 10);
    EXPECT_EQ(r.usage->output_tokens, 5);
    EXPECT_EQ(r.attempts, 1);
    EXPECT_EQ(r.http_status, 200);
    EXPECT_GT(r.latency_ms, 0);
    EXPECT_FALSE(r.ttft_ms);
    EXPECT_EQ(r.logprob_tokens, 0);
    EXPECT_EQ(r.tool_calls_json, "");
  }
  EXPECT_GE(rec.idles, 1);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3U);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].path, "/v1/chat/completions");
  EXPECT_EQ(requests[0].header("Authorization"), "Bearer sk-test");
  EXPECT_EQ(requests[0].header("Content-Type"), "application/json");
  EXPECT_EQ(requests[0].header("X-Team"), "evals");
  EXPECT_EQ(requests[0].header("Expect"), "");
}

TEST(ChatClient, NoAuthorizationHeaderWithoutAKey) {
  FakeOpenAI server;
  auto endpoint = endpoint_of(server.base_url() + "/");  // a trailing slash is fine too
  endpoint.api_key = "";
  Recorder rec;
  run_chat_calls(endpoint, calls_of(1), rec);
  ASSERT_FALSE(rec.results[0].error);
  EXPECT_EQ(server.requests()[0].header("Authorization"), "");
  EXPECT_EQ(server.requests()[0].path, "/v1/chat/completions");
}

TEST(ChatClient, StreamsAssembleTheContentAndMeasureTheFirstToken) {
  FakeOpenAI server([](const FakeRequest& req, int) {
    return FakeAction::answer("Hello streaming " + req.last_user_message).with_chunk_delay(30);
  });
  auto endpoint = endpoint_of(server.base_url());
  endpoint.stream = true;
  Recorder rec;
  run_chat_calls(endpoint, calls_of(2, true), rec);

  ASSERT_EQ(rec.results.size(), 2U);
  for (std::size_t i = 0; i < 2; ++i) {
    const ChatResult& r = rec.results[i];
    ASSERT_FALSE(r.error) << *r.error;
    EXPECT_EQ(r.content, "Hello streaming " + question(i));
    EXPECT_EQ(r.finish_reason, "stop");
    EXPECT_EQ(r.model, "fake-model");
    ASSERT_TRUE(r.usage);
    EXPECT_EQ(r.usage->input_tokens, 10);
    EXPECT_EQ(r.usage->output_tokens, 5);
    ASSERT_TRUE(r.ttft_ms);
    EXPECT_GT(*r.ttft_ms, 0);
    EXPECT_LT(*r.ttft_ms, r.latency_ms);  // the first token came before the last two chunks
  }
  EXPECT_TRUE(server.requests()[0].wants_stream);
}

TEST(ChatClient, LogprobsAreSummedPlainAndStreamed) {
  FakeOpenAI server([](const FakeRequest&, int) {
    return FakeAction::answer("one two three").with_logprobs({-0.5, -0.25, -1.0, -0.125});
  });
  for (const bool stream : {false, true}) {
    auto endpoint = endpoint_of(server.base_url());
    endpoint.stream = stream;
    Recorder rec;
    run_chat_calls(endpoint, calls_of(1, stream), rec);
    const ChatResult& r = rec.results[0];
    ASSERT_FALSE(r.error) << *r.error;
    EXPECT_EQ(r.content, "one two three");
    EXPECT_DOUBLE_EQ(r.logprob_sum, -1.875) << "stream " << stream;
    EXPECT_EQ(r.logprob_tokens, 4) << "stream " << stream;
  }
}

TEST(ChatClient, ToolCallsAreKeptAsJsonPlainAndStreamed) {
  const std::string calls =
      R"([{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{\"city\":\"Paris\"}"}}])";
  FakeOpenAI server(
      [&](const FakeRequest&, int) { return FakeAction::answer("").with_tool_calls(calls); });
  for (const bool stream : {false, true}) {
    auto endpoint = endpoint_of(server.base_url());
    endpoint.stream = stream;
    Recorder rec;
    run_chat_calls(endpoint, calls_of(1, stream), rec);
    const ChatResult& r = rec.results[0];
    ASSERT_FALSE(r.error) << *r.error;
    EXPECT_EQ(r.content, "");
    EXPECT_EQ(r.finish_reason, "tool_calls");
    EXPECT_EQ(nlohmann::json::parse(r.tool_calls_json), nlohmann::json::parse(calls))
        << "stream " << stream;
  }
}

// ---- retries ----------------------------------------------------------------------------------

TEST(ChatClient, A429WaitsForRetryAfterThenSucceeds) {
  FakeOpenAI server([](const FakeRequest& req, int n) {
    return n == 0 ? FakeAction::status(429, "", "1") : FakeAction::echo(req);
  });
  Recorder rec;
  run_chat_calls(endpoint_of(server.base_url()), calls_of(1), rec);

  const ChatResult& r = rec.results[0];
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_EQ(r.content, "echo: q0");
  EXPECT_EQ(r.attempts, 2);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2U);
  EXPECT_GE(requests[1].arrived - requests[0].arrived, std::chrono::milliseconds(950));
  EXPECT_EQ(rec.retries, std::vector<std::string>{"HTTP 429: Rate limit reached for requests, "
                                                  "retrying in 1.0 s (attempt 2 of 3)"});
}

TEST(ChatClient, RetryAfterIsCappedAndAcceptsAnHttpDate) {
  char date[64];
  const std::time_t later = std::time(nullptr) + 3600;
  std::tm tm{};
  gmtime_r(&later, &tm);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  const std::string http_date = date;
  FakeOpenAI server([&](const FakeRequest& req, int n) {
    if (n == 0) return FakeAction::status(429, "", "3600");
    if (n == 1) return FakeAction::status(503, "", http_date);
    return FakeAction::echo(req);
  });
  auto endpoint = endpoint_of(server.base_url());
  endpoint.retry.max_delay_s = 0.2;
  Recorder rec;
  run_chat_calls(endpoint, calls_of(1), rec);
  ASSERT_FALSE(rec.results[0].error) << *rec.results[0].error;
  EXPECT_EQ(rec.results[0].attempts, 3);
  EXPECT_EQ(rec.retries,
            (std::vector<std::string>{
                "HTTP 429: Rate limit reached for requests, retrying in 0.2 s (attempt 2 of 3)",
                "HTTP 503: The server had an error while processing your request, retrying in "
                "0.2 s (attempt 3 of 3)"}));
}

TEST(ChatClient, Repeated429sLowerTheConcurrency) {
  std::atomic<int> busy{0};
  std::atomic<int> most{0};
  FakeOpenAI server([&](const FakeRequest& req, int n) {
    if (n < 8) return FakeAction::status(429).with_delay(200);  // all 8 at once, refused
    if (n < 16) return FakeAction::status(429);
    const int now = ++busy;
    for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    --busy;
    return FakeAction::echo(req);
  });
  auto endpoint = endpoint_of(server.base_url());
  endpoint.concurrency = 8;
  endpoint.retry.max_attempts = 20;
  Recorder rec;
  run_chat_calls(endpoint, calls_of(8), rec);

  ASSERT_EQ(rec.results.size(), 8U);
  for (const auto& [i, r] : rec.results) EXPECT_FALSE(r.error) << *r.error;
  EXPECT_GT(server.max_in_flight(), 4);  // before the 429s, up to 8 at once
  EXPECT_LE(most.load(), 4);             // after them, halved at least once and growing back
  EXPECT_GE(most.load(), 1);
}

TEST(ChatClient, A500IsRetriedThenSucceeds) {
  FakeOpenAI server([](const FakeRequest& req, int n) {
    return n == 0 ? FakeAction::status(500) : FakeAction::echo(req);
  });
  Recorder rec;
  run_chat_calls(endpoint_of(server.base_url()), calls_of(1), rec);
  const ChatResult& r = rec.results[0];
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_EQ(r.attempts, 2);
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(server.request_count(), 2U);
  ASSERT_EQ(rec.retries.size(), 1U);
  EXPECT_TRUE(Begins(rec.retries[0],
                     "HTTP 500: The server had an error while processing your "
                     "request, retrying in "));
}

TEST(ChatClient, A500ForeverGivesUpAfterMaxAttempts) {
  FakeOpenAI server([](const FakeRequest&, int) { return FakeAction::status(500); });
  Recorder rec;
  run_chat_calls(endpoint_of(server.base_url()), calls_of(1), rec);
  const ChatResult& r = rec.results[0];
  ASSERT_TRUE(r.error);
  EXPECT_EQ(*r.error,
            "HTTP 500: The server had an error while processing your request; gave up after 3 "
            "attempts");
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(r.http_status, 500);
  EXPECT_EQ(r.content, "");
  EXPECT_EQ(server.request_count(), 3U);
  EXPECT_EQ(rec.retries.size(), 2U);
}

TEST(ChatClient, ClientErrorsAreNotRetried) {
  FakeOpenAI server([](const FakeRequest& req, int) {
    if (req.last_user_message == "q0") return FakeAction::status(400);
    if (req.last_user_message == "q1") return FakeAction::status(401);
    if (req.last_user_message == "q2") return FakeAction::status(404);
    return FakeAction::status(422, R"({"error":{"message":"messages: field required"}})");
  });
  auto endpoint = endpoint_of(server.base_url());
  endpoint.concurrency = 1;  // the one 401 is not "in a row" with another
  Recorder rec;
  run_chat_calls(endpoint, calls_of(4), rec);
  ASSERT_EQ(rec.results.size(), 4U);
  EXPECT_EQ(server.request_count(), 4U);
  EXPECT_TRUE(rec.retries.empty());
  EXPECT_EQ(*rec.results[0].error, "HTTP 400: Invalid request");
  EXPECT_EQ(*rec.results[1].error, "HTTP 401: Incorrect API key provided");
  EXPECT_EQ(*rec.results[2].error, "HTTP 404: Invalid request");
  EXPECT_EQ(*rec.results[3].error, "HTTP 422: messages: field required");
  for (const auto& [i, r] : rec.results) EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(rec.results[1].http_status, 401);
}

TEST(ChatClient, RepeatedAuthFailuresStopTheRun) {
  FakeOpenAI server([](const FakeRequest&, int) { return FakeAction::status(401); });
  auto endpoint = endpoint_of(server.base_url());
  endpoint.concurrency = 1;
  Recorder rec;
  try {
    run_chat_calls(endpoint, calls_of(10), rec);
    FAIL() << "expected a RunError";
  } catch (const RunError& e) {
    EXPECT_EQ(std::string(e.what()),
              "the endpoint " + server.base_url() +
                  " rejected the API key: HTTP 401 3 times in a row (Incorrect API key provided); "
                  "check that the key is set, valid, and allowed to use this model");
  }
  EXPECT_EQ(server.request_count(), 3U);
  EXPECT_EQ(rec.results.size(), 2U);  // the first two are error cases, reported before
}

// ---- malformed answers ------------------------------------------------------------------------

TEST(ChatClient, ATruncatedBodyIsAnErrorAndNotRetried) {
  FakeOpenAI server([](const FakeRequest&, int) { return FakeAction::truncated(); });
  Recorder rec;
  run_chat_calls(endpoint_of(server.base_url()), calls_of(1), rec);
  const ChatResult& r = rec.results[0];
  ASSERT_TRUE(r.error);
  EXPECT_TRUE(Begins(*r.error, "the answer was cut off after "));
  EXPECT_TRUE(Contains(*r.error, R"(bytes: {"choices":[{"finish_reason":"stop")"));
  EXPECT_EQ(r.content, "");
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(server.request_count(), 1U);
}

TEST(ChatClient, InvalidJsonIsAnErrorWithAnExcerpt) {
  FakeOpenAI server([](const FakeRequest&, int) { return FakeAction::invalid_json(); });
  Recorder rec;
  run_chat_calls(endpoint_of(server.base_url()), calls_of(1), rec);
  const ChatResult& r = rec.results[0];
  ASSERT_TRUE(r.error);
  EXPECT_EQ(*r.error, "the answer is not valid JSON: <html>Bad gateway</html>");
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(r.http_status, 200);
}

TEST(ChatClient, AnErrorObjectOrNoChoicesIn200IsAnError) {
  FakeOpenAI server([](const FakeRequest& req, int) {
    if (req.last_user_message == "q0")
      return FakeAction::status(200, R"({"error":{"message":"model overloaded"}})");
    return FakeAction::status(200, R"({"object":"chat.completion","choices":[]})");
  });
  Recorder rec;
  run_chat_calls(endpoint_of(server.base_url()), calls_of(2), rec);
  EXPECT_EQ(*rec.results[0].error, "the endpoint answered with an error: model overloaded");
  EXPECT_EQ(*rec.results[1].error,
            R"(the answer has no choices: {"object":"chat.completion","choices":[]})");
}

TEST(ChatClient, AStreamStoppingMidwayIsAnErrorNotAPartialAnswer) {
  FakeOpenAI server(
      [](const FakeRequest&, int) { return FakeAction::stream_stop("one two three four"); });
  auto endpoint = endpoint_of(server.base_url());
  endpoint.stream = true;
  Recorder rec;
  run_chat_calls(endpoint, calls_of(1, true), rec);
  const ChatResult& r = rec.results[0];
  ASSERT_TRUE(r.error);
  EXPECT_TRUE(Begins(*r.error, "the answer stream stopped before [DONE] after "));
  EXPECT_TRUE(Contains(*r.error, R"(bytes: content so far: "one two ")"));
  EXPECT_EQ(r.content, "");
  EXPECT_FALSE(r.usage);
  EXPECT_EQ(server.request_count(), 1U);
}

// An answer larger than the client keeps is an error, streamed or not: a stream is capped like a
// plain body, not gathered without end.
TEST(ChatClient, AnAnswerOverTheBodyLimitIsAnErrorPlainAndStreamed) {
  const std::string huge(std::size_t{1} << 20, 'x');  // one piece: a single event when streamed
  FakeOpenAI server([&](const FakeRequest&, int) { return FakeAction::answer(huge); });
  for (const bool stream : {false, true}) {
    auto endpoint = endpoint_of(server.base_url());
    endpoint.stream = stream;
    endpoint.max_body_bytes = std::size_t{1} << 20;
    Recorder rec;
    run_chat_calls(endpoint, calls_of(1, stream), rec);
    const ChatResult& r = rec.results[0];
    ASSERT_TRUE(r.error) << "stream " << stream;
    EXPECT_EQ(*r.error, "the answer is larger than 1048576 bytes") << "stream " << stream;
    EXPECT_EQ(r.content, "") << "stream " << stream;
    EXPECT_EQ(r.attempts, 1) << "stream " << stream;
    // Under the limit, the same answer arrives whole.
    endpoint.max_body_bytes = std::size_t{2} << 20;
    Recorder whole;
    run_chat_calls(endpoint, calls_of(1, stream), whole);
    ASSERT_FALSE(whole.results[0].error) << *whole.results[0].error;
    EXPECT_EQ(whole.results[0].content, huge) << "stream " << stream;
  }
}

// ---- connections ------------------------------------------------------------------------------

TEST(ChatClient, AConnectionClosedWithoutAnswerIsRetried) {
  FakeOpenAI server([](const FakeRequest& req, int n) {
    return n == 0 ? FakeAction::close() : FakeAction::echo(req);
  });
  Recorder rec;
  run_chat_calls(endpoint_of(server.base_url()), calls_of(1), rec);
  const ChatResult& r = rec.results[0];
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_EQ(r.content, "echo: q0");
  EXPECT_EQ(r.attempts, 2);
  EXPECT_EQ(server.request_count(), 2U);
  ASSERT_EQ(rec.retries.size(), 1U);
  EXPECT_TRUE(Begins(rec.retries[0], "the connection closed without an answer, retrying in "));
}

TEST(ChatClient, ASlowAnswerTimesOutIsRetriedThenFails) {
  FakeOpenAI server(
      [](const FakeRequest& req, int) { return FakeAction::echo(req).with_delay(3000); });
  auto endpoint = endpoint_of(server.base_url());
  endpoint.timeout_s = 0.2;
  endpoint.retry.max_attempts = 2;
  Recorder rec;
  run_chat_calls(endpoint, calls_of(1), rec);
  const ChatResult& r = rec.results[0];
  ASSERT_TRUE(r.error);
  EXPECT_TRUE(Begins(*r.error, "timed out ("));
  EXPECT_TRUE(Contains(*r.error, "; gave up after 2 attempts"));
  EXPECT_EQ(r.attempts, 2);
  EXPECT_EQ(r.http_status, 0);
  EXPECT_EQ(server.request_count(), 2U);
  // The time the last attempt took before it timed out is recorded, never 0.
  EXPECT_GE(r.latency_ms, 150.0);
}

TEST(ChatClient, ConnectionRefusedStopsTheRun) {
  test::RefusingPort port;
  auto endpoint = endpoint_of(port.base_url());
  endpoint.max_connect_failures = 3;
  endpoint.retry.max_attempts = 10;
  Recorder rec;
  try {
    run_chat_calls(endpoint, calls_of(5), rec);
    FAIL() << "expected a RunError";
  } catch (const RunError& e) {
    const std::string message = e.what();
    EXPECT_TRUE(Begins(
        message, "cannot reach " + port.base_url() + ": connection refused 3 times in a row ("));
    EXPECT_TRUE(Contains(message,
                         "); check that the server is running and that base_url is "
                         "right"));
  }
  EXPECT_TRUE(rec.results.empty());
}

TEST(ChatClient, AnswersBeforeTheServerGoesAwayAreKept) {
  FakeOpenAI server;
  auto endpoint = endpoint_of(server.base_url());
  endpoint.concurrency = 1;
  endpoint.max_connect_failures = 3;
  endpoint.retry.max_attempts = 10;
  Recorder rec;
  rec.on_done = [&](std::size_t) {
    if (rec.results.size() == 3) server.stop();
  };
  EXPECT_THROW(run_chat_calls(endpoint, calls_of(10), rec), RunError);
  ASSERT_EQ(rec.results.size(), 3U);
  for (std::size_t i = 0; i < 3; ++i) {
    ASSERT_FALSE(rec.results[i].error);
    EXPECT_EQ(rec.results[i].content, "echo: " + question(i));
  }
}

// ---- limits -----------------------------------------------------------------------------------

TEST(ChatClient, TheConcurrencyLimitHolds) {
  FakeOpenAI server(
      [](const FakeRequest& req, int) { return FakeAction::echo(req).with_delay(40); });
  auto endpoint = endpoint_of(server.base_url());
  endpoint.concurrency = 3;
  Recorder rec;
  run_chat_calls(endpoint, calls_of(12), rec);
  EXPECT_EQ(rec.results.size(), 12U);
  EXPECT_LE(server.max_in_flight(), 3);
  EXPECT_GE(server.max_in_flight(), 2);  // and calls did run side by side
}

TEST(ChatClient, RequestsPerMinutePaceTheCalls) {
  FakeOpenAI server;
  auto endpoint = endpoint_of(server.base_url());
  endpoint.concurrency = 8;
  endpoint.requests_per_minute = 120;  // 2 per second, a burst of 2
  Recorder rec;
  const auto start = Clock::now();
  run_chat_calls(endpoint, calls_of(6), rec);
  EXPECT_EQ(rec.results.size(), 6U);
  EXPECT_GE(seconds_since(start), 1.9);  // 2 at once, then one every 0.5 s
}

TEST(ChatClient, TokensPerMinutePaceTheCalls) {
  FakeOpenAI server(
      [](const FakeRequest& req, int) { return FakeAction::echo(req).with_usage(6, 4); });
  auto endpoint = endpoint_of(server.base_url());
  endpoint.concurrency = 8;
  endpoint.tokens_per_minute = 1200;  // 20 per second; each call is estimated (and uses) 10
  Recorder rec;
  const auto start = Clock::now();
  run_chat_calls(endpoint, calls_of(6), rec);
  EXPECT_EQ(rec.results.size(), 6U);
  EXPECT_GE(seconds_since(start), 1.9);  // 2 at once, then one every 0.5 s
}

TEST(ChatClient, TheTokenLimitIsCorrectedWithTheRealUsage) {
  FakeOpenAI server;  // 15 tokens used per call
  auto endpoint = endpoint_of(server.base_url());
  endpoint.tokens_per_minute = 1200;  // 20 per second
  auto calls = calls_of(4);
  for (auto& c : calls) c.est_tokens = 100;  // 5 s each if the estimate stood
  Recorder rec;
  const auto start = Clock::now();
  run_chat_calls(endpoint, std::move(calls), rec);
  EXPECT_EQ(rec.results.size(), 4U);
  EXPECT_LT(seconds_since(start), 8.0);  // about 2 s with the corrections, 15 s without
}

// ---- the API key ------------------------------------------------------------------------------

TEST(ChatClient, TheApiKeyNeverLeaks) {
  const std::string canary = "sk-canary-123456";
  const std::string leaky = R"({"error":{"message":"bad key sk-canary-123456"}})";
  FakeOpenAI server([&](const FakeRequest& req, int n) {
    if (req.last_user_message == "q1") return FakeAction::status(400, leaky);
    if (req.last_user_message == "q2" && n < 3) return FakeAction::status(429, leaky);
    return FakeAction::echo_headers().with_model("model-" + canary);
  });
  for (const bool stream : {false, true}) {
    auto endpoint = endpoint_of(server.base_url());
    endpoint.api_key = canary;
    endpoint.stream = stream;
    Recorder rec;
    run_chat_calls(endpoint, calls_of(3, stream), rec);
    ASSERT_EQ(rec.results.size(), 3U);
    EXPECT_TRUE(Contains(rec.results[0].content, "Bearer [redacted]"));  // it was echoed
    EXPECT_TRUE(Contains(*rec.results[1].error, "bad key [redacted]"));
    for (const auto& [i, r] : rec.results) {
      EXPECT_TRUE(Lacks(r.content, canary));
      EXPECT_TRUE(Lacks(r.error.value_or(""), canary));
      EXPECT_TRUE(Lacks(r.model, canary));
      EXPECT_TRUE(Lacks(r.tool_calls_json, canary));
      EXPECT_TRUE(Lacks(r.finish_reason, canary));
    }
    for (const auto& why : rec.retries) EXPECT_TRUE(Lacks(why, canary));
  }
  // And in the message that ends a run.
  server.set_script([&](const FakeRequest&, int) {
    return FakeAction::status(401, R"({"error":{"message":"key sk-canary-123456 revoked"}})");
  });
  auto endpoint = endpoint_of(server.base_url());
  endpoint.api_key = canary;
  Recorder rec;
  try {
    run_chat_calls(endpoint, calls_of(5), rec);
    FAIL() << "expected a RunError";
  } catch (const RunError& e) {
    EXPECT_TRUE(Contains(e.what(), "key [redacted] revoked"));
    EXPECT_TRUE(Lacks(e.what(), canary));
  }
}

// Whether any 8-byte piece of `secret` appears in `text`: a cut key is still a leak.
bool LeaksAPiece(const std::string& text, const std::string& secret) {
  for (std::size_t i = 0; i + qb::Redactor::kMinSecretBytes <= secret.size(); ++i)
    if (text.find(secret.substr(i, qb::Redactor::kMinSecretBytes)) != std::string::npos)
      return true;
  return false;
}

TEST(ChatClient, AKeyEchoedWhereTheExcerptIsCutLeavesNoPieceOfIt) {
  // The key sits across the 200-byte excerpt's end: cut first and redacted after, its first
  // characters would be kept.
  const std::string key = "sk-proj-" + std::string(29, 'k') + "Z";  // 38 characters
  const std::string long_key = "sk-long-" + std::string(292, 'q');  // 300 characters
  const std::string pad(190, '.');
  FakeOpenAI server([&](const FakeRequest& req, int) {
    const std::string sent = req.header("Authorization").substr(7);  // after "Bearer "
    if (req.last_user_message == "q0")
      return FakeAction::status(400, R"({"error":{"message":")" + pad + "bad key " + sent + "\"}}");
    if (req.last_user_message == "q1")
      return FakeAction::status(
          502, "<html><body>" + pad + "Authorization: Bearer " + sent + "</body></html>");
    return FakeAction::status(401, "<html>" + pad + sent + "</html>");
  });
  for (const std::string& secret : {key, long_key}) {
    for (const bool stream : {false, true}) {
      auto endpoint = endpoint_of(server.base_url());
      endpoint.api_key = secret;
      endpoint.stream = stream;
      endpoint.retry.max_attempts = 1;
      endpoint.max_auth_failures = 1;
      endpoint.concurrency = 1;  // q0 and q1 fail before q2's 401 stops the calls
      Recorder rec;
      std::string stopped;
      try {
        run_chat_calls(endpoint, calls_of(3, stream), rec);
      } catch (const RunError& e) {
        stopped = e.what();
      }
      EXPECT_FALSE(stopped.empty()) << "the 401 stops the calls";
      EXPECT_EQ(rec.results.size(), 2U);
      EXPECT_FALSE(LeaksAPiece(stopped, secret)) << stopped;
      for (const auto& [i, r] : rec.results) {
        ASSERT_TRUE(r.error) << i;
        EXPECT_FALSE(LeaksAPiece(*r.error, secret)) << *r.error;
      }
      for (const auto& why : rec.retries) EXPECT_FALSE(LeaksAPiece(why, secret)) << why;
    }
  }
}

TEST(ChatClient, RedactorReplacesEveryOccurrenceOfSecretsOfEightCharactersOrMore) {
  qb::Redactor r;
  EXPECT_TRUE(r.add("KEY-1234"));
  EXPECT_TRUE(r.add("KEY-1234-LONGER"));
  EXPECT_FALSE(r.add("EMPTY")) << "a placeholder is not a secret";
  EXPECT_FALSE(r.add(""));
  EXPECT_EQ(r("a KEY-1234 b KEY-1234KEY-1234"), "a [redacted] b [redacted][redacted]");
  EXPECT_EQ(r("x KEY-1234-LONGER y"), "x [redacted] y") << "the longer secret goes whole";
  EXPECT_EQ(r("EMPTY answer"), "EMPTY answer");
  EXPECT_TRUE(qb::Redactor().empty());
}

// ---- stop and abort ---------------------------------------------------------------------------

TEST(ChatClient, AStopLetsCallsInFlightFinishAndStartsNoMore) {
  FakeOpenAI server(
      [](const FakeRequest& req, int) { return FakeAction::echo(req).with_delay(100); });
  auto endpoint = endpoint_of(server.base_url());
  endpoint.concurrency = 2;
  Recorder rec;
  bool stop = false;
  rec.on_done = [&](std::size_t) { stop = true; };
  rec.stop = [&] { return stop; };
  run_chat_calls(endpoint, calls_of(10), rec);
  EXPECT_EQ(server.request_count(), 2U);
  ASSERT_EQ(rec.results.size(), 2U);  // both in flight at the stop finished
  for (const auto& [i, r] : rec.results) EXPECT_FALSE(r.error);
}

TEST(ChatClient, AnAbortReturnsPromptlyWithoutReportingCallsInFlight) {
  FakeOpenAI server(
      [](const FakeRequest& req, int) { return FakeAction::echo(req).with_delay(10000); });
  auto endpoint = endpoint_of(server.base_url());
  Recorder rec;
  const auto start = Clock::now();
  rec.abort = [&] { return seconds_since(start) > 0.2; };
  run_chat_calls(endpoint, calls_of(8), rec);
  EXPECT_LT(seconds_since(start), 3.0);
  EXPECT_TRUE(rec.results.empty());
}

// ---- the pieces -------------------------------------------------------------------------------

TEST(ChatClientPacing, ABucketLetsABurstThroughThenPaces) {
  using std::chrono::milliseconds;
  const auto t0 = detail::PaceClock::time_point{} + std::chrono::hours(1);
  detail::TokenBucket bucket(120, t0);  // 2 per second, burst 2
  EXPECT_EQ(bucket.wait_s(1, t0), 0);
  bucket.take(1, t0);
  bucket.take(1, t0);
  EXPECT_DOUBLE_EQ(bucket.wait_s(1, t0), 0.5);
  EXPECT_EQ(bucket.wait_s(1, t0 + milliseconds(500)), 0);
  // A cost above the burst waits for a full bucket, then goes into debt.
  EXPECT_DOUBLE_EQ(bucket.wait_s(5, t0 + milliseconds(500)), 0.5);
  bucket.take(5, t0 + milliseconds(1000));
  EXPECT_DOUBLE_EQ(bucket.level(t0 + milliseconds(1000)), -3);
  // The real usage corrects the estimate, never above the burst.
  bucket.give_back(2);
  EXPECT_DOUBLE_EQ(bucket.level(t0 + milliseconds(1000)), -1);
  bucket.give_back(100);
  EXPECT_DOUBLE_EQ(bucket.level(t0 + milliseconds(1000)), 2);
  EXPECT_EQ(detail::TokenBucket().wait_s(1e9, t0), 0);     // no limit
  EXPECT_EQ(detail::TokenBucket(1, t0).wait_s(1, t0), 0);  // the burst is at least 1
}

TEST(ChatClientPacing, ConcurrencyHalvesOncePerOverloadAndGrowsBackAdditively) {
  detail::AdaptiveLimit limit(8);
  const auto epoch = limit.epoch();
  limit.on_overload(epoch);
  EXPECT_EQ(limit.limit(), 4);
  limit.on_overload(epoch);  // another answer to a request started under the old limit
  EXPECT_EQ(limit.limit(), 4);
  limit.on_overload(limit.epoch());
  limit.on_overload(limit.epoch());
  limit.on_overload(limit.epoch());
  EXPECT_EQ(limit.limit(), 1);
  limit.on_success();
  EXPECT_EQ(limit.limit(), 2);
  for (int i = 0; i < 1000; ++i) limit.on_success();
  EXPECT_EQ(limit.limit(), 8);  // never above the configured maximum
}

TEST(ChatClientStream, ReadsEventsSplitAnywhere) {
  const std::string events =
      "data: {\"model\":\"m\",\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}"
      "\r\n\r\n: keep-alive\n\n"
      "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n"
      "event: chunk\ndata: {\"choices\":[{\"delta\":{\"content\":\"lo\"},\"finish_reason\":"
      "\"stop\"}]}\n\n"
      "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}\n\n"
      "data: [DONE]\n\n";
  simdjson::dom::parser parser;
  for (const std::size_t step : {events.size(), std::size_t{1}, std::size_t{7}}) {
    detail::ChatStream stream;
    for (std::size_t at = 0; at < events.size(); at += step)
      stream.feed(std::string_view(events).substr(at, step), parser);
    ChatResult r;
    stream.finish(parser, r);
    ASSERT_FALSE(r.error) << *r.error;
    EXPECT_EQ(r.content, "Hello");
    EXPECT_EQ(r.model, "m");
    EXPECT_EQ(r.finish_reason, "stop");
    ASSERT_TRUE(r.usage);
    EXPECT_EQ(r.usage->output_tokens, 2);
  }
}

TEST(ChatClientStream, AStreamWithoutFinishReasonOrWithBadEventsIsAnError) {
  simdjson::dom::parser parser;
  {
    detail::ChatStream stream;
    stream.feed("data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: [DONE]\n\n",
                parser);
    ChatResult r;
    stream.finish(parser, r);
    EXPECT_EQ(r.error.value_or(""),
              "the answer stream ended without a finish_reason: content so far: \"Hi\"");
  }
  {
    detail::ChatStream stream;
    stream.feed("data: {not json\n\n", parser);
    ChatResult r;
    stream.finish(parser, r);
    EXPECT_EQ(r.error.value_or(""), "a server-sent event is not a JSON object: {not json");
  }
}

}  // namespace QB_UNITY_ID
}  // namespace qb
