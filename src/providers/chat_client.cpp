#include "qualbar/providers/chat_client.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <queue>

#include <curl/curl.h>
#include <fmt/format.h>
#include <simdjson.h>

#include "providers/chat_answer.hpp"
#include "providers/rate_limit.hpp"
#include "qualbar/core/error.hpp"
#include "qualbar/stats/random.hpp"

namespace qb {

Redactor endpoint_redactor(const EndpointSettings& endpoint) {
  Redactor r;
  r.add(endpoint.api_key);
  for (const auto& secret : endpoint.secrets) r.add(secret);
  return r;
}

namespace {

using Clock = detail::PaceClock;

constexpr int kCheckEveryMs = 100;           // stop/abort are looked at least this often

double ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      throw RunError("cannot initialise libcurl (curl_global_init failed)");
  });
}

// Retry-After as seconds: "retry-after-ms" (sent by some OpenAI-compatible services) first, then
// Retry-After as seconds or an HTTP date.
std::optional<double> retry_after_s(CURL* easy) {
  curl_header* h = nullptr;
  if (curl_easy_header(easy, "retry-after-ms", 0, CURLH_HEADER, -1, &h) == CURLHE_OK) {
    char* end = nullptr;
    const double ms = std::strtod(h->value, &end);
    if (end != h->value && ms >= 0 && std::isfinite(ms)) return ms / 1000.0;
  }
  if (curl_easy_header(easy, "Retry-After", 0, CURLH_HEADER, -1, &h) != CURLHE_OK) return {};
  char* end = nullptr;
  const double s = std::strtod(h->value, &end);
  if (end != h->value && s >= 0 && std::isfinite(s)) {
    while (*end == ' ' || *end == '\t') ++end;
    if (*end == '\0') return s;
  }
  const std::time_t when = curl_getdate(h->value, nullptr);
  if (when == -1) return {};
  return std::max(0.0, std::difftime(when, std::time(nullptr)));
}

class ChatLoop;

// One reusable easy handle and what it gathered of the current attempt.
struct Transfer {
  CURL* easy = nullptr;
  ChatLoop* loop = nullptr;
  bool added = false;  // to the multi handle
  std::size_t call = 0;
  Clock::time_point started;
  std::uint64_t epoch = 0;  // of the concurrency limit when the attempt started
  long status = -1;         // HTTP status, read at the first body byte
  bool streaming = false;   // the body is an event stream (2xx answer to a streaming request)
  bool too_big = false;
  std::string body;
  detail::ChatStream stream;
  std::optional<double> ttft_ms;
  char error[CURL_ERROR_SIZE] = {};
};

struct CallState {
  int attempts = 0;
  double charged_tokens = 0;  // to the TPM bucket by the current attempt
  Clock::time_point started;  // of the current attempt
};

struct DueRetry {
  Clock::time_point due;
  std::size_t call;
  bool operator>(const DueRetry& other) const { return due > other.due; }
};

std::size_t on_write(char* data, std::size_t size, std::size_t count, void* user);

struct SlistFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct MultiFree {
  void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
};

class ChatLoop {
 public:
  ChatLoop(const EndpointSettings& endpoint, std::vector<ChatCall>& calls, ChatEvents& events)
      : endpoint_(endpoint),
        calls_(calls),
        events_(events),
        states_(calls.size()),
        limit_(endpoint.concurrency),
        rng_(endpoint.seed),
        max_attempts_(std::max(1, endpoint.retry.max_attempts)),
        redact_(endpoint_redactor(endpoint)) {
    url_ = endpoint.base_url;
    while (!url_.empty() && url_.back() == '/') url_.pop_back();
    url_ += "/chat/completions";
    const auto now = Clock::now();
    requests_ = detail::TokenBucket(endpoint.requests_per_minute, now);
    tokens_ = detail::TokenBucket(endpoint.tokens_per_minute, now);

    add_header("Content-Type: application/json");
    add_header(endpoint.stream ? "Accept: text/event-stream" : "Accept: application/json");
    if (!endpoint.api_key.empty()) add_header("Authorization: Bearer " + endpoint.api_key);
    for (const auto& [name, value] : endpoint.headers)
      add_header(value.empty() ? name + ";" : name + ": " + value);
    add_header("Expect:");  // no 100-continue round trip before large bodies

    multi_.reset(curl_multi_init());
    if (!multi_) throw RunError("cannot start libcurl (curl_multi_init failed)");
    // The connection cache holds one connection per call in flight, kept alive between calls.
    curl_multi_setopt(multi(), CURLMOPT_MAXCONNECTS, static_cast<long>(limit_.max()));
    curl_multi_setopt(multi(), CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(limit_.max()));
  }

  ChatLoop(const ChatLoop&) = delete;
  ChatLoop& operator=(const ChatLoop&) = delete;

  // Drops whatever is still in flight.
  ~ChatLoop() {
    for (auto& t : pool_) {
      if (t->added) curl_multi_remove_handle(multi(), t->easy);
      curl_easy_cleanup(t->easy);
    }
  }

  void run() {
    while (true) {
      if (events_.abort_requested()) return;
      stopping_ = stopping_ || events_.stop_requested();
      launch(Clock::now());
      if (active_ == 0 && (stopping_ || (next_call_ == calls_.size() && retries_.empty()))) return;

      int running = 0;
      check(curl_multi_perform(multi(), &running), "curl_multi_perform");
      if (failure_) std::rethrow_exception(failure_);
      done_this_round_ = 0;
      const int finished = collect();
      if (done_this_round_ > 0) events_.idle();
      if (finished > 0) continue;  // slots are free: fill them before waiting
      check(curl_multi_poll(multi(), nullptr, 0, poll_timeout_ms(Clock::now()), nullptr),
            "curl_multi_poll");
    }
  }

  void keep_failure(std::exception_ptr e) {
    if (!failure_) failure_ = std::move(e);
  }

  std::size_t on_data(Transfer& t, const char* data, std::size_t size) {
    if (t.status < 0) {
      curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &t.status);
      t.streaming = endpoint_.stream && t.status >= 200 && t.status < 300;
    }
    if (t.streaming) {
      if (t.stream.bytes() + size > endpoint_.max_body_bytes) {  // a stream is capped like a body
        t.too_big = true;
        return 0;
      }
      t.stream.feed({data, size}, parser_);
      if (!t.ttft_ms && t.stream.saw_content()) t.ttft_ms = ms_between(t.started, Clock::now());
      return size;
    }
    if (t.body.size() + size > endpoint_.max_body_bytes) {
      t.too_big = true;
      return 0;  // ends the transfer with CURLE_WRITE_ERROR
    }
    t.body.append(data, size);
    return size;
  }

 private:
  CURLM* multi() const { return multi_.get(); }

  void add_header(const std::string& line) {
    curl_slist* grown = curl_slist_append(headers_.get(), line.c_str());
    if (grown == nullptr) throw RunError("cannot start libcurl (out of memory)");
    if (!headers_) headers_.reset(grown);  // appending to a list keeps its head
  }

  void check(CURLMcode code, const char* what) {
    if (code != CURLM_OK)
      throw RunError(fmt::format("libcurl failed in {}: {}", what, curl_multi_strerror(code)));
  }

  // Starts every call (due retries first) that the concurrency and rate limits allow now.
  void launch(Clock::time_point now) {
    pace_wait_s_ = 0;
    if (stopping_) return;
    while (active_ < limit_.limit()) {
      const bool retry = !retries_.empty() && retries_.top().due <= now;
      if (!retry && next_call_ == calls_.size()) return;
      const std::size_t call = retry ? retries_.top().call : next_call_;
      const double est =
          tokens_.limited()
              ? static_cast<double>(std::max<std::int64_t>(0, calls_[call].est_tokens))
              : 0.0;
      const double wait = std::max(requests_.wait_s(1, now), tokens_.wait_s(est, now));
      if (wait > 0) {
        pace_wait_s_ = wait;
        return;
      }
      requests_.take(1, now);
      tokens_.take(est, now);
      if (retry) {
        retries_.pop();
      } else {
        ++next_call_;
      }
      start(call, est, now);
    }
  }

  void start(std::size_t call, double est_tokens, Clock::time_point now) {
    Transfer& t = acquire();
    t.call = call;
    t.started = now;
    t.epoch = limit_.epoch();
    t.status = -1;
    t.streaming = false;
    t.too_big = false;
    t.body.clear();
    t.stream.reset(&redact_);
    t.ttft_ms.reset();
    t.error[0] = '\0';
    CallState& state = states_[call];
    ++state.attempts;
    state.charged_tokens = est_tokens;
    state.started = now;
    const std::string& body = calls_[call].body;
    curl_easy_setopt(t.easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(t.easy, CURLOPT_POSTFIELDS, body.data());
    check(curl_multi_add_handle(multi(), t.easy), "curl_multi_add_handle");
    t.added = true;
    ++active_;
  }

  Transfer& acquire() {
    if (!free_.empty()) {
      Transfer* t = free_.back();
      free_.pop_back();
      return *t;
    }
    auto t = std::make_unique<Transfer>();
    t->easy = curl_easy_init();
    if (t->easy == nullptr) throw RunError("cannot start libcurl (curl_easy_init failed)");
    t->loop = this;
    CURL* e = t->easy;
    curl_easy_setopt(e, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers_.get());
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &on_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_VERBOSE, 0L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "qualbar/" QB_VERSION);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, to_ms(endpoint_.timeout_s));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, to_ms(endpoint_.connect_timeout_s));
    pool_.push_back(std::move(t));
    return *pool_.back();
  }

  static long to_ms(double seconds) {
    if (!(seconds > 0)) return 0;  // no limit
    return std::max(1L, static_cast<long>(std::llround(std::min(seconds, 1e7) * 1000.0)));
  }

  int poll_timeout_ms(Clock::time_point now) const {
    double wait_ms = kCheckEveryMs;
    if (!stopping_ && active_ < limit_.limit()) {
      if (!retries_.empty()) wait_ms = std::min(wait_ms, ms_between(now, retries_.top().due));
      if (pace_wait_s_ > 0) wait_ms = std::min(wait_ms, pace_wait_s_ * 1000.0);
    }
    return std::clamp(static_cast<int>(std::ceil(wait_ms)), 1, kCheckEveryMs);
  }

  // Handles every finished transfer; returns how many finished.
  int collect() {
    int finished = 0;
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi(), &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      const CURLcode code = msg->data.result;
      Transfer* t = nullptr;
      curl_easy_getinfo(easy, CURLINFO_PRIVATE, &t);
      ++finished;
      --active_;
      finish(*t, code);  // may throw: the destructor removes the handle
      curl_multi_remove_handle(multi(), easy);
      t->added = false;
      free_.push_back(t);
    }
    return finished;
  }

  void finish(Transfer& t, CURLcode code) {
    // Whole, before anything is parsed or excerpted from it: an echoed key is never cut in two.
    redact_.apply(t.body);
    long status = 0;
    curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
    if (code == CURLE_OK && status >= 200 && status < 300) {
      answered(t, status);
    } else if (code == CURLE_OK || status >= 300) {
      http_error(t, status);
    } else {
      transport_error(t, code, status);
    }
  }

  void answered(Transfer& t, long status) {
    ChatResult r;
    if (t.streaming) {
      t.stream.finish(parser_, r);
    } else {
      detail::parse_chat_completion(t.body, parser_, r);
    }
    complete(t, std::move(r), status);
  }

  // An HTTP answer was read whole (r has the answer or why it is unusable).
  void complete(Transfer& t, ChatResult&& r, long status) {
    const auto now = Clock::now();
    connect_failures_ = 0;
    auth_failures_ = 0;
    if (r.usage) {
      tokens_.give_back(states_[t.call].charged_tokens -
                        static_cast<double>(r.usage->input_tokens + r.usage->output_tokens));
    }
    if (!r.error) {
      r.latency_ms = ms_between(t.started, now);
      r.ttft_ms = t.ttft_ms;
      limit_.on_success();
    }
    deliver(t.call, std::move(r), status);
  }

  void http_error(Transfer& t, long status) {
    connect_failures_ = 0;
    const std::string message = detail::error_message_of(t.body, parser_);
    const std::string cause = fmt::format("HTTP {}: {}", status, message);
    if (status == 401 || status == 403) {
      if (++auth_failures_ >= endpoint_.max_auth_failures) {
        throw RunError(redact_(
            fmt::format("the endpoint {} rejected the API key: HTTP {} {} times in a row ({}); "
                        "check that the key is set, valid, and allowed to use this model",
                        endpoint_.base_url, status, auth_failures_, message)));
      }
    } else {
      auth_failures_ = 0;
    }
    if (status == 429) limit_.on_overload(t.epoch);
    tokens_.give_back(states_[t.call].charged_tokens);  // a refused request used no tokens
    const bool retryable = status == 408 || status == 409 || status == 429 || status >= 500;
    if (retryable) {
      retry(t.call, cause, status, retry_after_s(t.easy));
    } else {
      fail(t.call, cause, status);
    }
  }

  void transport_error(Transfer& t, CURLcode code, long status) {
    const std::string detail = t.error[0] != '\0' ? t.error : curl_easy_strerror(code);
    const bool answering = status >= 200 && status < 300;
    const std::size_t got = t.streaming ? t.stream.bytes() : t.body.size();
    if (status == 0) tokens_.give_back(states_[t.call].charged_tokens);  // never answered
    switch (code) {
      case CURLE_COULDNT_CONNECT:
      case CURLE_COULDNT_RESOLVE_HOST:
      case CURLE_COULDNT_RESOLVE_PROXY: {
        const char* what =
            code == CURLE_COULDNT_CONNECT ? "connection refused" : "host name not found";
        if (++connect_failures_ >= endpoint_.max_connect_failures) {
          throw RunError(redact_(
              fmt::format("cannot reach {}: {} {} times in a row ({}); check that the server is "
                          "running and that base_url is right",
                          endpoint_.base_url, what, connect_failures_, detail)));
        }
        retry(t.call, fmt::format("{} ({})", what, detail), 0, {});
        return;
      }
      case CURLE_OPERATION_TIMEDOUT:
        retry(t.call, fmt::format("timed out ({})", detail), status, {});
        return;
      case CURLE_GOT_NOTHING:
        retry(t.call, "the connection closed without an answer", status, {});
        return;
      case CURLE_SEND_ERROR:
      case CURLE_RECV_ERROR:
        if (!(answering && got > 0)) {
          retry(t.call, fmt::format("the connection broke ({})", detail), status, {});
          return;
        }
        break;  // part of an answer arrived: it was cut off
      case CURLE_PARTIAL_FILE:
        break;
      case CURLE_WRITE_ERROR:
        if (t.too_big) {
          fail(t.call, fmt::format("the answer is larger than {} bytes", endpoint_.max_body_bytes),
               status);
          return;
        }
        [[fallthrough]];
      default:
        fail(t.call, fmt::format("{} ({})", curl_easy_strerror(code), detail), status);
        return;
    }
    // Cut off: reported, not retried (the endpoint did the work; a retry could be charged twice).
    if (t.streaming) {
      ChatResult r;
      t.stream.finish(parser_, r);  // an error, unless [DONE] and a finish reason arrived
      complete(t, std::move(r), status);
      return;
    }
    fail(t.call,
         fmt::format("the answer was cut off after {} bytes: {}", got, detail::raw_excerpt(t.body)),
         status);
  }

  void retry(std::size_t call, const std::string& cause, long status,
             std::optional<double> retry_after) {
    const CallState& state = states_[call];
    if (state.attempts >= max_attempts_) {
      fail(call, fmt::format("{}; gave up after {} attempts", cause, state.attempts), status);
      return;
    }
    if (stopping_) return;  // no retry starts after a stop; this call gets no done()
    const RetryPolicy& policy = endpoint_.retry;
    double delay = 0;
    if (retry_after) {
      delay = std::min(*retry_after, policy.max_delay_s);
    } else {
      // Full jitter: uniform in [0, base * 2^(k-1)] for retry k, capped.
      const double cap =
          std::min(policy.max_delay_s, policy.base_delay_s * std::ldexp(1.0, state.attempts - 1));
      delay = rng_.uniform() * std::max(0.0, cap);
    }
    events_.retrying(calls_[call].index,
                     redact_(fmt::format("{}, retrying in {:.1f} s (attempt {} of {})", cause,
                                         delay, state.attempts + 1, max_attempts_)));
    const auto due = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>(delay));
    retries_.push({due, call});
  }

  void fail(std::size_t call, std::string error, long status) {
    ChatResult r;
    r.error = std::move(error);
    deliver(call, std::move(r), status);
  }

  void deliver(std::size_t call, ChatResult&& r, long status) {
    r.attempts = states_[call].attempts;
    r.http_status = static_cast<int>(status);
    // A failed call took time too: a timeout's duration is what a user waited for nothing.
    if (r.error) r.latency_ms = ms_between(states_[call].started, Clock::now());
    // The body was redacted before it was read; its decoded texts are checked again.
    if (!redact_.empty()) {
      if (r.error) redact_.apply(*r.error);
      redact_.apply(r.content);
      redact_.apply(r.tool_calls_json);
      redact_.apply(r.finish_reason);
      redact_.apply(r.model);
    }
    ++done_this_round_;
    events_.done(calls_[call].index, std::move(r));
  }

  const EndpointSettings& endpoint_;
  std::vector<ChatCall>& calls_;
  ChatEvents& events_;
  std::string url_;
  std::unique_ptr<curl_slist, SlistFree> headers_;  // built once, shared by every easy handle
  std::unique_ptr<CURLM, MultiFree> multi_;

  std::vector<std::unique_ptr<Transfer>> pool_;  // every easy handle, reused
  std::vector<Transfer*> free_;
  std::vector<CallState> states_;
  std::priority_queue<DueRetry, std::vector<DueRetry>, std::greater<>> retries_;
  std::size_t next_call_ = 0;
  int active_ = 0;

  detail::TokenBucket requests_;
  detail::TokenBucket tokens_;
  detail::AdaptiveLimit limit_;
  stats::Rng rng_;
  int max_attempts_;
  simdjson::dom::parser parser_;
  Redactor redact_;

  int connect_failures_ = 0;  // in a row, over all calls
  int auth_failures_ = 0;
  int done_this_round_ = 0;
  bool stopping_ = false;
  double pace_wait_s_ = 0;  // until the rate limits admit the next call, when they hold it
  std::exception_ptr failure_;  // thrown in a libcurl callback, rethrown after libcurl returns
};

// libcurl is C: an exception must not unwind through it. One thrown while reading an answer (out
// of memory) ends that transfer and is rethrown by the event loop once libcurl has returned.
std::size_t on_write(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  try {
    return t->loop->on_data(*t, data, size * count);
  } catch (...) {
    t->loop->keep_failure(std::current_exception());
    return 0;  // ends the transfer with CURLE_WRITE_ERROR
  }
}

}  // namespace

void run_chat_calls(const EndpointSettings& endpoint, std::vector<ChatCall> calls,
                    ChatEvents& events) {
  if (calls.empty()) return;
  init_curl_once();
  ChatLoop loop(endpoint, calls, events);
  loop.run();
}

}  // namespace qb
