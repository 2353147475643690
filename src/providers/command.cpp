// command: any program that speaks JSONL on stdin/stdout. qualbar starts it once (in the suite's
// folder), writes one request line per case and reads one response line back, with a timeout per
// request; a program that dies or hangs is restarted, and the case is an error case. Its stderr
// is passed through. Protocol: docs/providers.md.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/io/dataset.hpp"
#include "qualbar/providers/provider.hpp"
#include "qualbar/util/text.hpp"

namespace qb {
namespace {

// Consecutive deaths without an answer after which the run stops (exit 3): the program is broken.
constexpr int kMaxConsecutiveFailures = 3;

std::string request_line(const Case& c) {
  nlohmann::json j;
  j["id"] = c.id;
  j["input"] = c.input;
  if (!c.details().messages.empty()) {
    auto& ms = j["messages"] = nlohmann::json::array();
    for (const auto& m : c.details().messages)
      ms.push_back({{"role", m.role}, {"content", m.content}});
  }
  if (c.reference) j["reference"] = *c.reference;
  if (!c.details().contexts.empty()) {
    auto& cs = j["contexts"] = nlohmann::json::array();
    for (const auto& ctx : c.details().contexts) cs.push_back({{"id", ctx.id}, {"text", ctx.text}});
  }
  if (!c.category.empty()) j["category"] = c.category;
  if (!c.language.empty()) j["language"] = c.language;
  if (!c.details().metadata_json.empty())
    j["metadata"] = nlohmann::json::parse(c.details().metadata_json);
  return j.dump() + "\n";
}

class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::string& dir) {
    int in[2], out[2], status[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(status, O_CLOEXEC) != 0) {
      throw RunError(fmt::format("cannot start the system under test: {}", std::strerror(errno)));
    }
    pid_ = fork();
    if (pid_ < 0)
      throw RunError(fmt::format("cannot start the system under test: {}", std::strerror(errno)));
    if (pid_ == 0) {
      // Its own process group: a Ctrl-C at the terminal reaches qualbar, which decides whether the
      // answer in progress is awaited, and not the program.
      setpgid(0, 0);
      dup2(in[0], STDIN_FILENO);
      dup2(out[1], STDOUT_FILENO);
      if (!dir.empty() && chdir(dir.c_str()) != 0) _exit(127);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execvp(args[0], args.data());
      const int err = errno;  // tell the parent why exec failed
      (void)!write(status[1], &err, sizeof err);
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(status[1]);
    to_child_ = in[1];
    from_child_ = out[0];
    int err = 0;
    const ssize_t got = read(status[0], &err, sizeof err);  // 0 bytes: exec succeeded
    close(status[0]);
    if (got == static_cast<ssize_t>(sizeof err)) {
      stop();
      throw RunError(fmt::format("cannot start `{}`: {}", argv.front(), std::strerror(err)));
    }
  }
  ~Child() { stop(); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  bool send(const std::string& line) {
    std::size_t done = 0;
    while (done < line.size()) {
      const ssize_t n = write(to_child_, line.data() + done, line.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
    return true;
  }

  enum class Read { line, timeout, closed, aborted };
  // Reads one line, waiting at most until `deadline`; gives up when `abort()` turns true (checked
  // at least every 100 ms).
  template <typename Abort>
  Read read_line(std::string& line, std::chrono::steady_clock::time_point deadline, Abort abort) {
    while (true) {
      if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
        line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return Read::line;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return Read::timeout;
      if (abort()) return Read::aborted;
      pollfd p{from_child_, POLLIN, 0};
      const int ready = poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 100)));
      if (ready < 0 && errno == EINTR) continue;
      if (ready == 0) continue;
      char chunk[65536];
      const ssize_t n = read(from_child_, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Read::closed;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  // How the program ended, after it closed its output.
  std::string exit_status() {
    close_pipes();
    int status = 0;
    if (pid_ > 0 && waitpid(pid_, &status, 0) == pid_) {
      pid_ = -1;
      if (WIFEXITED(status)) return fmt::format("exited with status {}", WEXITSTATUS(status));
      if (WIFSIGNALED(status)) return fmt::format("was killed by signal {}", WTERMSIG(status));
    }
    return "stopped";
  }

  void stop() {
    close_pipes();
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }

 private:
  void close_pipes() {
    if (to_child_ >= 0) close(to_child_);
    if (from_child_ >= 0) close(from_child_);
    to_child_ = from_child_ = -1;
  }
  pid_t pid_ = -1;
  int to_child_ = -1;
  int from_child_ = -1;
  std::string buffer_;
};

class CommandProvider final : public Provider {
 public:
  CommandProvider(const Suite& suite, const ProviderOptions& options)
      : argv_(suite.system.command), dir_(suite.dir.string()), timeout_s_(suite.system.timeout_s) {
    if (argv_.empty()) {
      throw InputError(
          suite.system.where.with_field("system.command"),
          "is required by the command provider: the program to start, e.g. [python3, model.py]");
    }
    model_ = !options.model.empty()        ? options.model
             : !suite.system.model.empty() ? suite.system.model
                                           : argv_.back();
    // A program that dies while qualbar writes to it must be an error case, not a SIGPIPE.
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, nullptr);
  }

  std::string model() const override { return model_; }

  std::string settings_json() const override {
    return nlohmann::json{{"command", argv_}, {"timeout_s", timeout_s_}}.dump();
  }

  void run(std::span<const Case> cases, std::span<const std::size_t> todo,
           std::vector<Response>& out, ProviderSink& sink) override {
    out.resize(cases.size());
    std::unique_ptr<Child> child;
    int failures_in_a_row = 0;
    for (const std::size_t i : todo) {
      if (sink.stop_requested()) return;
      if (!child) child = std::make_unique<Child>(argv_, dir_);
      Response r;
      r.id = cases[i].id;
      r.model = model_;
      const auto start = std::chrono::steady_clock::now();
      const auto deadline = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                        std::chrono::duration<double>(timeout_s_));
      std::string line;
      const auto got =
          child->send(request_line(cases[i]))
              ? child->read_line(line, deadline, [&] { return sink.abort_requested(); })
              : Child::Read::closed;
      if (got == Child::Read::aborted) return;  // Ctrl-C twice: this case stays unanswered
      const double elapsed_ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      if (got == Child::Read::line) {
        failures_in_a_row = 0;
        r = parse_answer(line, cases[i], elapsed_ms);
      } else {
        // The program hung or died: this case is an error, and the next one gets a fresh program.
        r.error = got == Child::Read::timeout
                      ? fmt::format("no answer within {} s; the program was restarted", timeout_s_)
                      : fmt::format("the program {} before answering; it was restarted",
                                    child->exit_status());
        r.latency_ms = elapsed_ms;
        child.reset();
        if (++failures_in_a_row >= kMaxConsecutiveFailures) {
          throw RunError(fmt::format(
              "the system under test (`{}`) failed {} cases in a row; the last: {}. Stopping.",
              fmt::join(argv_, " "), failures_in_a_row, *r.error));
        }
      }
      out[i] = std::move(r);
      sink.done(i);
      sink.idle();
    }
  }

 private:
  Response parse_answer(const std::string& line, const Case& c, double elapsed_ms) const {
    Response r;
    try {
      auto parsed = parse_responses(line, "the program's answer");
      if (parsed.empty()) throw InputError("an empty line");
      r = std::move(parsed.front());
    } catch (const InputError& e) {
      r = Response{};
      r.id = c.id;
      r.error = fmt::format("unreadable answer ({}): {}", e.what(), excerpt(line, 200));
    }
    if (r.id != c.id && !r.error)
      r.error = fmt::format("answered id '{}' for case '{}'", excerpt(r.id, 60), c.id);
    r.id = c.id;
    if (r.model.empty()) r.model = model_;
    if (!r.latency_ms) r.latency_ms = elapsed_ms;
    return r;
  }

  std::vector<std::string> argv_;
  std::string dir_;
  double timeout_s_;
  SharedText model_;  // one copy, shared by every answer
};

const ProviderRegistrar command_registrar{
    ProviderEntry{"command",
                  "Any program speaking JSONL on stdin/stdout: one "
                  "request line per case, one response line back.",
                  {"command", "timeout_s"},
                  [](const Suite& s, const ProviderOptions& o) {
                    return std::make_unique<CommandProvider>(s, o);
                  }}};

}  // namespace
}  // namespace qb
