#pragma once
// FakeOpenAI: a scriptable OpenAI-compatible chat-completions server for tests, on 127.0.0.1 at an
// ephemeral port, serving from its own threads between its constructor and its destructor.
//
// Every POST to .../chat/completions is recorded, then answered as the script says. The script is
// called as `script(request, n)` with n the 0-based arrival number, and returns a FakeAction: an
// answer (streamed when the request asks for "stream": true), an HTTP status, or a fault.
//
//   qb::test::FakeOpenAI server([](const qb::test::FakeRequest& req, int n) {
//     if (n == 0) return qb::test::FakeAction::status(429, "", "1");  // 429, Retry-After: 1
//     return qb::test::FakeAction::echo(req);                         // "echo: <last user msg>"
//   });
//   endpoint.base_url = server.base_url();  // http://127.0.0.1:<port>/v1
//   ...
//   EXPECT_EQ(server.request_count(), 2U);
//
// Faults an HTTP library cannot express (closing without any answer, a body shorter than its
// Content-Length) need the socket, so the server accepts connections itself, serves each on a
// thread of its own (keep-alive, up to `max_threads` connections at once) and hands every request
// to cpp-httplib's parser and response writer through a small socket stream.
//
// The script runs on the server's threads, several at once: state it shares with the test needs
// atomics or a mutex. cpp-httplib comes compiled on Debian (libcpp-httplib.so): qualbar_tests
// links it (PkgConfig::HTTPLIB, in the top-level CMakeLists.txt).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace qb::test {

// One request as the server received it.
struct FakeRequest {
  int n = 0;  // 0-based arrival number
  std::chrono::steady_clock::time_point arrived;
  std::string method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> headers;  // as sent by the client
  std::string body;                                          // raw
  nlohmann::json json;            // the parsed body; null when it is not JSON
  std::string last_user_message;  // text of the last "user" message; "" when none
  bool wants_stream = false;      // the body says "stream": true

  // A header's value by case-insensitive name; "" when absent.
  [[nodiscard]] std::string header(const std::string& name) const {
    for (const auto& [key, value] : headers) {
      if (key.size() == name.size() &&
          std::equal(key.begin(), key.end(), name.begin(), [](unsigned char a, unsigned char b) {
            return std::tolower(a) == std::tolower(b);
          }))
        return value;
    }
    return "";
  }
};

struct FakeUsage {
  int prompt_tokens = 10;
  int completion_tokens = 5;
};

// What the server does with one request. Build with a factory, adjust with the with_* copies:
//   FakeAction::answer("hi").with_delay(300).with_logprobs({-0.5, -0.25})
struct FakeAction {
  enum class Kind {
    answer,        // the answer, as JSON, or as server-sent events when the request streams
    stream,        // the answer as server-sent events, ending with usage and [DONE]
    stream_stop,   // the first events of a stream, then the connection closes (no [DONE])
    status,        // HTTP `code` with `body` (an OpenAI-style error by default)
    truncated,     // 200 with a Content-Length larger than the bytes sent, then close
    invalid_json,  // 200 with a body that is not JSON
    close,         // the connection closes with no HTTP answer at all
    echo_headers,  // an answer whose content is {"headers": {...}, "body": "<request body>"}
  };

  Kind kind = Kind::answer;
  std::string content;
  std::optional<FakeUsage> usage = FakeUsage{};
  std::vector<double> logprobs;  // one per output token; empty = "logprobs": null
  std::string tool_calls_json;   // "" or a JSON array of tool calls
  std::string finish_reason;     // "" = "tool_calls" with tool calls, else "stop"
  std::string model = "fake-model";
  int delay_ms = 0;         // before answering (interrupted when the server stops)
  int chunk_delay_ms = 0;   // streaming: between events
  int code = 200;           // status
  std::string body;         // status, invalid_json: the body ("" = a default)
  std::string retry_after;  // status: the Retry-After header ("" = none)

  static FakeAction answer(std::string content) {
    FakeAction a;
    a.content = std::move(content);
    return a;
  }
  // The default script's answer: "echo: <last user message>", usage 10 in / 5 out.
  static FakeAction echo(const FakeRequest& req) {
    return answer("echo: " + req.last_user_message);
  }
  static FakeAction stream(std::string content) { return of(Kind::stream, std::move(content)); }
  static FakeAction stream_stop(std::string content) {
    return of(Kind::stream_stop, std::move(content));
  }
  static FakeAction status(int code, std::string body = "", std::string retry_after = "") {
    FakeAction a = of(Kind::status, "");
    a.code = code;
    a.body = std::move(body);
    a.retry_after = std::move(retry_after);
    return a;
  }
  static FakeAction truncated(std::string content = "an answer cut short") {
    return of(Kind::truncated, std::move(content));
  }
  static FakeAction invalid_json(std::string body = "<html>Bad gateway</html>") {
    FakeAction a = of(Kind::invalid_json, "");
    a.body = std::move(body);
    return a;
  }
  static FakeAction close() { return of(Kind::close, ""); }
  static FakeAction echo_headers() { return of(Kind::echo_headers, ""); }

  [[nodiscard]] FakeAction with_usage(int prompt_tokens, int completion_tokens) const {
    FakeAction a = *this;
    a.usage = FakeUsage{prompt_tokens, completion_tokens};
    return a;
  }
  [[nodiscard]] FakeAction without_usage() const {
    FakeAction a = *this;
    a.usage.reset();
    return a;
  }
  [[nodiscard]] FakeAction with_logprobs(std::vector<double> values) const {
    FakeAction a = *this;
    a.logprobs = std::move(values);
    return a;
  }
  [[nodiscard]] FakeAction with_tool_calls(std::string json_array) const {
    FakeAction a = *this;
    a.tool_calls_json = std::move(json_array);
    return a;
  }
  [[nodiscard]] FakeAction with_delay(int ms) const {
    FakeAction a = *this;
    a.delay_ms = ms;
    return a;
  }
  [[nodiscard]] FakeAction with_chunk_delay(int ms) const {
    FakeAction a = *this;
    a.chunk_delay_ms = ms;
    return a;
  }
  [[nodiscard]] FakeAction with_model(std::string name) const {
    FakeAction a = *this;
    a.model = std::move(name);
    return a;
  }

 private:
  static FakeAction of(Kind kind, std::string content) {
    FakeAction a;
    a.kind = kind;
    a.content = std::move(content);
    return a;
  }
};

using FakeScript = std::function<FakeAction(const FakeRequest& req, int n)>;

namespace fake_detail {

// ---- answers as the OpenAI API writes them
// --------------------------------------------------------

// prefix + n (appended, which also keeps GCC 12's -Wrestrict false positive away).
inline std::string numbered(std::string prefix, long long n) {
  prefix += std::to_string(n);
  return prefix;
}

inline nlohmann::json logprobs_json(const std::vector<double>& values, std::size_t from,
                                    std::size_t to) {
  if (from >= to) return nullptr;
  auto content = nlohmann::json::array();
  for (std::size_t i = from; i < to; ++i) {
    content.push_back({{"token", numbered("t", static_cast<long long>(i))},
                       {"logprob", values[i]},
                       {"bytes", nullptr},
                       {"top_logprobs", nlohmann::json::array()}});
  }
  return {{"content", std::move(content)}};
}

inline nlohmann::json usage_json(const FakeUsage& u) {
  return {{"prompt_tokens", u.prompt_tokens},
          {"completion_tokens", u.completion_tokens},
          {"total_tokens", u.prompt_tokens + u.completion_tokens}};
}

inline std::string finish_reason_of(const FakeAction& a) {
  if (!a.finish_reason.empty()) return a.finish_reason;
  return a.tool_calls_json.empty() ? "stop" : "tool_calls";
}

inline std::string completion_json(const FakeAction& a, int n) {
  nlohmann::json message = {{"role", "assistant"}, {"content", a.content}};
  if (!a.tool_calls_json.empty()) {
    message["tool_calls"] = nlohmann::json::parse(a.tool_calls_json);
    if (a.content.empty()) message["content"] = nullptr;
  }
  nlohmann::json answer = {{"id", numbered("chatcmpl-fake-", n)},
                           {"object", "chat.completion"},
                           {"created", 1700000000},
                           {"model", a.model},
                           {"choices",
                            {{{"index", 0},
                              {"message", std::move(message)},
                              {"logprobs", logprobs_json(a.logprobs, 0, a.logprobs.size())},
                              {"finish_reason", finish_reason_of(a)}}}}};
  if (a.usage) answer["usage"] = usage_json(*a.usage);
  return answer.dump();
}

// The content in word-sized pieces ("Hello ", "world"), as a model streams it.
inline std::vector<std::string> pieces_of(const std::string& content) {
  std::vector<std::string> pieces;
  std::size_t from = 0;
  while (from < content.size()) {
    std::size_t end = content.find(' ', from);
    end = end == std::string::npos ? content.size() : end + 1;
    pieces.push_back(content.substr(from, end - from));
    from = end;
  }
  return pieces;
}

// Server-sent events of the answer: a role chunk, content pieces (each with its share of the
// logprobs), tool-call chunks, the finish reason, usage and [DONE] — or, when `cut`, only the
// first half of the pieces.
inline std::vector<std::string> stream_events(const FakeAction& a, int n, bool cut) {
  const std::string id = numbered("chatcmpl-fake-", n);
  auto chunk = [&](nlohmann::json delta, nlohmann::json finish, nlohmann::json logprobs) {
    nlohmann::json c = {{"id", id},
                        {"object", "chat.completion.chunk"},
                        {"created", 1700000000},
                        {"model", a.model},
                        {"choices",
                         {{{"index", 0},
                           {"delta", std::move(delta)},
                           {"logprobs", std::move(logprobs)},
                           {"finish_reason", std::move(finish)}}}}};
    return "data: " + c.dump() + "\n\n";
  };
  std::vector<std::string> events;
  events.push_back(chunk({{"role", "assistant"}, {"content", ""}}, nullptr, nullptr));
  const auto pieces = pieces_of(a.content);
  const std::size_t shown = cut ? std::max<std::size_t>(1, pieces.size() / 2) : pieces.size();
  const std::size_t lps = a.logprobs.size();
  for (std::size_t i = 0; i < shown && i < pieces.size(); ++i) {
    const std::size_t from = std::min(i, lps);
    const std::size_t to = i + 1 == pieces.size() ? lps : std::min(i + 1, lps);
    events.push_back(chunk({{"content", pieces[i]}}, nullptr, logprobs_json(a.logprobs, from, to)));
  }
  if (cut) return events;
  if (pieces.empty() && lps > 0)
    events.push_back(chunk({{"content", ""}}, nullptr, logprobs_json(a.logprobs, 0, lps)));
  if (!a.tool_calls_json.empty()) {
    const auto calls = nlohmann::json::parse(a.tool_calls_json);
    for (std::size_t i = 0; i < calls.size(); ++i) {
      const auto& call = calls[i];
      const std::string args = call["function"].value("arguments", "");
      events.push_back(chunk(
          {{"tool_calls",
            {{{"index", i},
              {"id", call.value("id", "")},
              {"type", call.value("type", "function")},
              {"function", {{"name", call["function"].value("name", "")}, {"arguments", ""}}}}}}},
          nullptr, nullptr));
      const std::size_t half = args.size() / 2;
      for (const auto& part : {args.substr(0, half), args.substr(half)}) {
        events.push_back(
            chunk({{"tool_calls", {{{"index", i}, {"function", {{"arguments", part}}}}}}}, nullptr,
                  nullptr));
      }
    }
  }
  events.push_back(chunk(nlohmann::json::object(), finish_reason_of(a), nullptr));
  if (a.usage) {
    nlohmann::json last = {
        {"id", id},         {"object", "chat.completion.chunk"},  {"created", 1700000000},
        {"model", a.model}, {"choices", nlohmann::json::array()}, {"usage", usage_json(*a.usage)}};
    events.push_back("data: " + last.dump() + "\n\n");
  }
  events.push_back("data: [DONE]\n\n");
  return events;
}

inline std::string default_error_body(int code) {
  std::string message = code == 429   ? "Rate limit reached for requests"
                        : code == 401 ? "Incorrect API key provided"
                        : code >= 500 ? "The server had an error while processing your request"
                                      : "Invalid request";
  return nlohmann::json{{"error", {{"message", message}, {"type", "fake_error"}, {"code", code}}}}
      .dump();
}

// ---- the socket underneath
// -----------------------------------------------------------------------

// The connection being served on this thread, for the faults that need the raw socket.
struct Connection {
  int fd = -1;
  bool killed = false;

  // Sends bytes as they are, outside HTTP.
  void send_raw(const std::string& bytes) const {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<std::size_t>(n);
    }
  }
  // Closes the connection now (FIN); whatever the HTTP layer writes afterwards is dropped.
  void kill() {
    killed = true;
    ::shutdown(fd, SHUT_RDWR);
  }
};

inline thread_local Connection* current_connection = nullptr;

// cpp-httplib's Stream over a connected socket: buffered reads, writes without SIGPIPE, and every
// wait cut short when the server stops (its eventfd becomes readable).
class SocketStream final : public httplib::Stream {
 public:
  SocketStream(Connection& conn, int stop_fd, int timeout_ms)
      : conn_(conn), stop_fd_(stop_fd), timeout_ms_(timeout_ms) {}

  bool is_readable() const override { return pos_ < len_ || wait(POLLIN, timeout_ms_); }
  bool is_writable() const override { return !conn_.killed && wait(POLLOUT, timeout_ms_); }

  ssize_t read(char* ptr, size_t size) override {
    if (pos_ == len_) {
      if (!wait(POLLIN, timeout_ms_)) return -1;
      const ssize_t n = ::recv(conn_.fd, buf_, sizeof buf_, 0);
      if (n <= 0) return n;
      pos_ = 0;
      len_ = static_cast<std::size_t>(n);
    }
    const std::size_t k = std::min(size, len_ - pos_);
    std::memcpy(ptr, buf_ + pos_, k);
    pos_ += k;
    return static_cast<ssize_t>(k);
  }

  using httplib::Stream::write;
  ssize_t write(const char* ptr, size_t size) override {
    std::size_t sent = 0;
    while (sent < size) {
      if (conn_.killed || !wait(POLLOUT, timeout_ms_)) return -1;
      const ssize_t n = ::send(conn_.fd, ptr + sent, size - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (n <= 0) return -1;
      sent += static_cast<std::size_t>(n);
    }
    return static_cast<ssize_t>(size);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    address_of(&::getpeername, ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    address_of(&::getsockname, ip, port);
  }
  socket_t socket() const override { return conn_.fd; }

  // The next request has begun to arrive, within `idle_ms`.
  [[nodiscard]] bool next_request(int idle_ms) const {
    return pos_ < len_ || wait(POLLIN, idle_ms);
  }

 private:
  bool wait(short events, int timeout_ms) const {
    pollfd fds[2] = {{conn_.fd, events, 0}, {stop_fd_, POLLIN, 0}};
    while (true) {
      const int n = ::poll(fds, 2, timeout_ms);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0 || fds[1].revents != 0) return false;
      return fds[0].revents != 0;
    }
  }

  template <class GetName>
  void address_of(GetName get_name, std::string& ip, int& port) const {
    sockaddr_in addr{};
    socklen_t len = sizeof addr;
    if (get_name(conn_.fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return;
    char text[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &addr.sin_addr, text, sizeof text);
    ip = text;
    port = ntohs(addr.sin_port);
  }

  Connection& conn_;
  int stop_fd_;
  int timeout_ms_;
  char buf_[16384];
  std::size_t pos_ = 0;
  std::size_t len_ = 0;
};

// cpp-httplib's server reduced to its request parsing, routing and response writing.
class HttpCore final : public httplib::Server {
 public:
  explicit HttpCore(int listen_fd) { svr_sock_ = listen_fd; }  // "running", for chunked writes
  ~HttpCore() override { svr_sock_ = INVALID_SOCKET; }
  HttpCore(const HttpCore&) = delete;
  HttpCore& operator=(const HttpCore&) = delete;

  // Serves one request; false when the connection must close.
  bool serve(httplib::Stream& stream, bool& connection_closed) {
    return process_request(stream, false, connection_closed, nullptr);
  }
};

inline int bound_loopback_socket(int& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("FakeOpenAI: socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("FakeOpenAI: cannot bind a loopback port");
  }
  port = ntohs(addr.sin_port);
  return fd;
}

}  // namespace fake_detail

class FakeOpenAI {
 public:
  struct Options {
    int max_threads = 96;      // connections served at once (64 keep-alive ones and more)
    int keep_alive_ms = 5000;  // an idle connection is closed after this
    int io_timeout_ms = 5000;  // a stalled read or write of one request
  };

  // Answers every request with FakeAction::echo.
  FakeOpenAI() : FakeOpenAI([](const FakeRequest& req, int) { return FakeAction::echo(req); }) {}
  explicit FakeOpenAI(FakeScript script) : FakeOpenAI(std::move(script), Options{}) {}
  FakeOpenAI(FakeScript script, Options options)
      : options_(options), script_(std::make_shared<const FakeScript>(std::move(script))) {
    listen_fd_ = fake_detail::bound_loopback_socket(port_);
    if (::listen(listen_fd_, 256) != 0) {
      ::close(listen_fd_);
      throw std::runtime_error("FakeOpenAI: listen() failed");
    }
    stop_fd_ = ::eventfd(0, EFD_CLOEXEC);
    http_ = std::make_unique<fake_detail::HttpCore>(listen_fd_);
    http_->Post(R"(.*/chat/completions)",
                [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); });
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  FakeOpenAI(const FakeOpenAI&) = delete;
  FakeOpenAI& operator=(const FakeOpenAI&) = delete;

  ~FakeOpenAI() {
    stop();
    ::close(stop_fd_);
  }

  // http://127.0.0.1:<port>/v1
  [[nodiscard]] std::string base_url() const {
    return fake_detail::numbered("http://127.0.0.1:", port_) + "/v1";
  }
  [[nodiscard]] int port() const { return port_; }

  // Replaces the script for the requests that arrive from now on.
  void set_script(FakeScript script) {
    std::lock_guard lock(log_mutex_);
    script_ = std::make_shared<const FakeScript>(std::move(script));
  }

  [[nodiscard]] std::size_t request_count() const {
    std::lock_guard lock(log_mutex_);
    return log_.size();
  }
  // Every request so far, in arrival order (a copy).
  [[nodiscard]] std::vector<FakeRequest> requests() const {
    std::lock_guard lock(log_mutex_);
    return log_;
  }
  // The most requests handled at once: from a request's arrival to the start of its answer.
  [[nodiscard]] int max_in_flight() const { return max_in_flight_.load(); }

  // Closes the port and every connection, interrupting delays: from now on connections are
  // refused. Idempotent; the destructor calls it.
  void stop() {
    std::call_once(stopped_, [this] {
      stopping_ = true;
      const std::uint64_t one = 1;
      [[maybe_unused]] const auto written = ::write(stop_fd_, &one, sizeof one);
      {
        std::lock_guard lock(mutex_);  // no worker misses the notification between check and wait
      }
      wake_.notify_all();
      acceptor_.join();
      ::close(listen_fd_);
      std::vector<std::thread> workers;
      {
        std::lock_guard lock(mutex_);
        workers.swap(workers_);
      }
      for (auto& w : workers) w.join();
      for (int fd : queue_) ::close(fd);
      queue_.clear();
    });
  }

 private:
  void accept_loop() {
    while (true) {
      pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        return;
      }
      if (fds[1].revents != 0) return;
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      const int on = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
      std::lock_guard lock(mutex_);
      queue_.push_back(fd);
      if (queue_.size() > idle_workers_ &&
          workers_.size() < static_cast<std::size_t>(options_.max_threads))
        workers_.emplace_back([this] { work(); });
      // All: handlers pausing in pause() wait on the same condition and must not swallow it.
      wake_.notify_all();
    }
  }

  void work() {
    std::unique_lock lock(mutex_);
    while (true) {
      ++idle_workers_;
      wake_.wait(lock, [this] { return stopping_.load() || !queue_.empty(); });
      --idle_workers_;
      if (stopping_) return;
      const int fd = queue_.front();
      queue_.pop_front();
      lock.unlock();
      serve(fd);
      lock.lock();
    }
  }

  void serve(int fd) {
    fake_detail::Connection conn{fd};
    fake_detail::current_connection = &conn;
    fake_detail::SocketStream stream(conn, stop_fd_, options_.io_timeout_ms);
    while (!stopping_ && stream.next_request(options_.keep_alive_ms)) {
      bool closed = false;
      const bool ok = http_->serve(stream, closed);
      if (!ok || closed || conn.killed) break;
    }
    fake_detail::current_connection = nullptr;
    ::close(fd);
  }

  // Sleeps unless the server stops first; false when it did.
  bool pause(int ms) {
    std::unique_lock lock(mutex_);
    return !wake_.wait_for(lock, std::chrono::milliseconds(ms),
                           [this] { return stopping_.load(); });
  }

  static FakeRequest parse_request(const httplib::Request& req) {
    FakeRequest r;
    r.arrived = std::chrono::steady_clock::now();
    r.method = req.method;
    r.path = req.path;
    for (const auto& [name, value] : req.headers) {
      // cpp-httplib adds the socket's addresses as pseudo-headers; the client sent none of them.
      if (name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
          name == "LOCAL_PORT")
        continue;
      r.headers.emplace_back(name, value);
    }
    r.body = req.body;
    r.json = nlohmann::json::parse(req.body, nullptr, false);
    if (r.json.is_discarded()) r.json = nullptr;
    if (!r.json.is_object()) return r;
    if (auto it = r.json.find("stream"); it != r.json.end() && it->is_boolean())
      r.wants_stream = it->get<bool>();
    if (auto it = r.json.find("messages"); it != r.json.end() && it->is_array()) {
      for (const auto& m : *it) {
        if (!m.is_object() || m.find("role") == m.end() || m["role"] != "user" ||
            !m.contains("content"))
          continue;
        const auto& content = m["content"];
        r.last_user_message.clear();
        if (content.is_string()) {
          r.last_user_message = content.get<std::string>();
        } else if (content.is_array()) {
          for (const auto& part : content) {
            if (part.is_object() && part.contains("text") && part["text"].is_string())
              r.last_user_message += part["text"].get<std::string>();
          }
        }
      }
    }
    return r;
  }

  void handle(const httplib::Request& http_request, httplib::Response& res) {
    const int now_in = ++in_flight_;
    for (int seen = max_in_flight_.load(); now_in > seen;) {
      if (max_in_flight_.compare_exchange_weak(seen, now_in)) break;
    }
    FakeRequest req = parse_request(http_request);
    std::shared_ptr<const FakeScript> script;
    {
      std::lock_guard lock(log_mutex_);
      req.n = static_cast<int>(log_.size());
      log_.push_back(req);
      script = script_;
    }
    FakeAction action = (*script)(req, req.n);
    if (action.delay_ms > 0 && !pause(action.delay_ms)) action = FakeAction::close();
    --in_flight_;
    respond(action, req, res);
  }

  void respond(FakeAction& a, const FakeRequest& req, httplib::Response& res) {
    using Kind = FakeAction::Kind;
    auto& conn = *fake_detail::current_connection;
    switch (a.kind) {
      case Kind::echo_headers: {
        nlohmann::json headers = nlohmann::json::object();
        for (const auto& [name, value] : req.headers) headers[name] = value;
        a.content = nlohmann::json{{"headers", headers}, {"body", req.body}}.dump();
        [[fallthrough]];
      }
      case Kind::answer:
        if (req.wants_stream) {
          stream(a, req.n, false, res);
        } else {
          res.set_content(fake_detail::completion_json(a, req.n), "application/json");
        }
        return;
      case Kind::stream:
        stream(a, req.n, false, res);
        return;
      case Kind::stream_stop:
        stream(a, req.n, true, res);
        return;
      case Kind::status:
        res.status = a.code;
        if (!a.retry_after.empty()) res.set_header("Retry-After", a.retry_after);
        res.set_content(a.body.empty() ? fake_detail::default_error_body(a.code) : a.body,
                        "application/json");
        return;
      case Kind::invalid_json:
        res.set_content(a.body, "application/json");
        return;
      case Kind::truncated: {
        const std::string body = fake_detail::completion_json(a, req.n);
        conn.send_raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, body.size() / 2));
        conn.kill();
        return;
      }
      case Kind::close:
        conn.kill();
        return;
    }
  }

  // Server-sent events through a chunked body; `cut` ends the connection without the last chunk.
  void stream(const FakeAction& a, int n, bool cut, httplib::Response& res) {
    auto events = std::make_shared<std::vector<std::string>>(fake_detail::stream_events(a, n, cut));
    auto next = std::make_shared<std::size_t>(0);
    const int delay = a.chunk_delay_ms;
    res.set_header("Cache-Control", "no-cache");
    res.set_chunked_content_provider(
        "text/event-stream", [this, events, next, delay, cut](size_t, httplib::DataSink& sink) {
          if (*next > 0 && delay > 0 && !pause(delay)) return false;
          if (*next == events->size()) {
            if (cut) return false;  // no terminating chunk: the connection just closes
            sink.done();
            return true;
          }
          const std::string& event = (*events)[(*next)++];
          return sink.write(event.data(), event.size());
        });
  }

  Options options_;
  int port_ = 0;
  int listen_fd_ = -1;
  int stop_fd_ = -1;
  std::unique_ptr<fake_detail::HttpCore> http_;
  std::thread acceptor_;
  std::once_flag stopped_;
  std::atomic<bool> stopping_{false};

  std::mutex mutex_;  // the connection queue and workers; pauses wait on wake_
  std::condition_variable wake_;
  std::deque<int> queue_;
  std::size_t idle_workers_ = 0;
  std::vector<std::thread> workers_;

  mutable std::mutex log_mutex_;  // the log and the script
  std::vector<FakeRequest> log_;
  std::shared_ptr<const FakeScript> script_;

  std::atomic<int> in_flight_{0};
  std::atomic<int> max_in_flight_{0};
};

// A loopback port where connections are refused for as long as this object lives: bound (so no
// one else takes it) but never listening.
class RefusingPort {
 public:
  RefusingPort() : fd_(fake_detail::bound_loopback_socket(port_)) {}
  ~RefusingPort() { ::close(fd_); }
  RefusingPort(const RefusingPort&) = delete;
  RefusingPort& operator=(const RefusingPort&) = delete;

  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string base_url() const {
    return fake_detail::numbered("http://127.0.0.1:", port_) + "/v1";
  }

 private:
  int port_ = 0;
  int fd_;
};

}  // namespace qb::test
