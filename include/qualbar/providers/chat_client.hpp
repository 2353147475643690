#pragma once
// An OpenAI-compatible chat-completions client on libcurl's multi interface: one event loop on the
// calling thread drives every request of a batch, with a concurrency limit that backs off under
// repeated 429s, requests- and tokens-per-minute limits, retries with exponential backoff and
// jitter, and streaming (server-sent events) for the time to first token. Used by the openai
// provider and by the judges.
//
// A call that fails is a ChatResult with `error` set (an error case), never an exception; the only
// exception is a RunError when the endpoint is down (connection refused max_connect_failures
// times in a row) or rejects the credentials (max_auth_failures 401/403 in a row).
//
// The API key (and every secret header value) is never written anywhere: every answer body is
// redacted whole as it arrives, before anything is parsed or cut from it, so every text of a
// ChatResult and every message has it replaced by "[redacted]", even when the endpoint echoes it
// back (util/redact.hpp; keys shorter than 8 characters are placeholders and are not redacted).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "qualbar/core/response.hpp"
#include "qualbar/util/redact.hpp"

namespace qb {

struct RetryPolicy {
  int max_attempts = 5;       // including the first; 1 = never retry
  double base_delay_s = 0.5;  // wait before retry k (1-based): uniform in [0, base * 2^(k-1)]
  double max_delay_s = 30.0;  // cap of any single wait, Retry-After included
};

struct EndpointSettings {
  std::string base_url;  // e.g. https://api.openai.com/v1; requests go to {base_url}/chat/completions
  std::string api_key;   // from the environment; "" = no Authorization header
  std::vector<std::pair<std::string, std::string>> headers;  // extra request headers
  std::vector<std::string> secrets;  // header values taken from the environment: redacted too
  int concurrency = 8;                                        // requests in flight at most
  double requests_per_minute = 0;                             // 0 = no limit
  double tokens_per_minute = 0;                               // 0 = no limit
  double timeout_s = 60;          // one attempt, from connect to the last byte
  double connect_timeout_s = 10;  // establishing the connection
  bool stream = false;            // the body asks for "stream": true; parse server-sent events
  RetryPolicy retry;
  int max_connect_failures = 5;  // connection refused this many times in a row: RunError
  int max_auth_failures = 3;     // 401/403 this many times in a row: RunError
  // The whole HTTP answer as received, plain or streamed; larger is an error case.
  std::size_t max_body_bytes = std::size_t{64} << 20;
  std::uint64_t seed = 0;        // of the retry jitter
};

struct ChatCall {
  std::size_t index = 0;       // the caller's number for this call, given back with its result
  std::string body;            // the JSON request body, as sent
  std::int64_t est_tokens = 0;  // tokens charged to the TPM limit until the usage is known
};

struct ChatResult {
  std::optional<std::string> error;  // set: the call failed; the reason, with a raw excerpt
  std::string content;               // the assistant message's text
  std::string tool_calls_json;       // "" or the message's tool_calls, a JSON array
  std::string finish_reason;
  std::string model;  // as the endpoint reported it
  std::optional<Usage> usage;
  double latency_ms = 0;  // request sent to last byte (or to the failure) of the last attempt
  std::optional<double> ttft_ms;   // streaming: request sent to the first content token
  double logprob_sum = 0;          // over the output tokens, when the endpoint returned logprobs
  std::int64_t logprob_tokens = 0;  // 0 = no logprobs
  int attempts = 0;                // 1 + retries
  int http_status = 0;             // of the last attempt; 0 = no HTTP answer
};

// What the event loop reports, and asks, while it runs.
class ChatEvents {
 public:
  virtual ~ChatEvents() = default;
  // Once per call that finished (answered or failed for good), in completion order.
  virtual void done(std::size_t index, ChatResult&& result) = 0;
  // A call is being retried, e.g. "HTTP 429, retrying in 2.0 s".
  virtual void retrying(std::size_t /*index*/, const std::string& /*why*/) {}
  // After a round of completions: a natural moment to make them durable.
  virtual void idle() {}
  // Ctrl-C once: start no new call (nor retry), let the ones in flight finish.
  [[nodiscard]] virtual bool stop_requested() { return false; }
  // Ctrl-C twice: drop the calls in flight now.
  [[nodiscard]] virtual bool abort_requested() { return false; }
};

// Runs every call and returns when each has had its done() — or earlier, when a stop or an abort
// was requested (calls not finished then get no done()). Throws RunError when the endpoint is
// down or rejects the credentials, after dropping the calls in flight; every done() reported
// before stays valid.
void run_chat_calls(const EndpointSettings& endpoint, std::vector<ChatCall> calls,
                    ChatEvents& events);

// The redactor of an endpoint's secrets: its API key and the secret header values.
Redactor endpoint_redactor(const EndpointSettings& endpoint);

}  // namespace qb
