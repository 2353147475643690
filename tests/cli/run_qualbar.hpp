#pragma once
// Runs the qualbar binary (QB_BINARY) as a user would, from a fresh temporary folder, capturing
// stdout, stderr and the exit code separately. Shared by the CLI tests; header-only.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

extern char** environ;

namespace qb::test {

namespace fs = std::filesystem;

// A fresh folder under the system temp dir: work/ is the command's working directory, io/ holds
// the captured streams (kept apart so they never look like a user's file). Removed on
// destruction unless QB_KEEP_TEST_DIRS is set.
class TempDir {
 public:
  explicit TempDir(std::string_view label = "qualbar-test") {
    static std::atomic<unsigned> counter{0};
    std::random_device rd;
    root_ =
        fs::temp_directory_path() / (std::string(label) + "-" + std::to_string(::getpid()) + "-" +
                                     std::to_string(counter++) + "-" + std::to_string(rd()));
    fs::create_directories(root_ / "work");
    fs::create_directories(root_ / "io");
  }
  ~TempDir() {
    if (std::getenv("QB_KEEP_TEST_DIRS") != nullptr) return;
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] fs::path work() const { return root_ / "work"; }
  [[nodiscard]] fs::path io() const { return root_ / "io"; }

 private:
  fs::path root_;
};

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;      // the signal that killed it, 0 when it exited
  std::string out;
  std::string err;

  // "exit 2" or "killed by signal 11", for failure messages.
  [[nodiscard]] std::string how_it_ended() const {
    return signal != 0 ? "killed by signal " + std::to_string(signal)
                       : "exit " + std::to_string(exit_code);
  }
};

inline std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return std::move(ss).str();
}

// Splits a command line on spaces; "double quotes" keep spaces inside one argument.
inline std::vector<std::string> split_command_line(std::string_view line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false, any = false;
  for (char ch : line) {
    if (ch == '"') {
      quoted = !quoted;
      any = true;
    } else if (ch == ' ' && !quoted) {
      if (any) out.push_back(cur);
      cur.clear();
      any = false;
    } else {
      cur += ch;
      any = true;
    }
  }
  if (any) out.push_back(cur);
  return out;
}

// Variables that would change what the binary does are removed; `env` sets (value) or removes
// (nullopt) more.
using EnvChanges = std::map<std::string, std::optional<std::string>>;

// A qualbar started in the background: signal it, then wait() for its result.
class RunningQualbar {
 public:
  RunningQualbar(pid_t pid, std::string out_path, std::string err_path)
      : pid_(pid), out_path_(std::move(out_path)), err_path_(std::move(err_path)) {}
  RunningQualbar(const RunningQualbar&) = delete;
  RunningQualbar& operator=(const RunningQualbar&) = delete;
  ~RunningQualbar() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  [[nodiscard]] pid_t pid() const { return pid_; }
  // What it has written to standard output and error so far (while it runs).
  [[nodiscard]] std::string out_so_far() const { return read_text(out_path_); }
  [[nodiscard]] std::string err_so_far() const { return read_text(err_path_); }
  void signal(int sig) const { ::kill(pid_, sig); }

  ProcessResult wait() {
    ProcessResult r;
    int status = 0;
    if (pid_ > 0 && ::waitpid(pid_, &status, 0) == pid_) {
      if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
      if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
    }
    pid_ = -1;
    r.out = read_text(out_path_);
    r.err = read_text(err_path_);
    return r;
  }

 private:
  pid_t pid_;
  std::string out_path_;
  std::string err_path_;
};

// `stdin_path`: the file standard input reads (an empty stream by default).
inline std::unique_ptr<RunningQualbar> start_qualbar(const std::vector<std::string>& args,
                                                     const TempDir& dir, const EnvChanges& env = {},
                                                     const std::string& stdin_path = "/dev/null") {
  std::map<std::string, std::string> vars;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string kv(*e);
    const auto eq = kv.find('=');
    if (eq != std::string::npos) vars[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const char* name :
       {"NO_COLOR", "QUALBAR_STORE", "QUALBAR_FORMAT", "QUALBAR_USER", "OPENAI_API_KEY"})
    vars.erase(name);
  for (const auto& [k, v] : env) {
    if (v)
      vars[k] = *v;
    else
      vars.erase(k);
  }
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : vars) env_strings.push_back(k + "=" + v);

  // Each process its own files: several may run in one folder at once.
  static std::atomic<unsigned> started{0};
  const unsigned n = started++;
  const std::string out_path = (dir.io() / ("stdout-" + std::to_string(n))).string();
  const std::string err_path = (dir.io() / ("stderr-" + std::to_string(n))).string();
  const std::string cwd = dir.work().string();
  std::vector<std::string> argv_strings{"qualbar"};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv, envp;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  const pid_t pid = ::fork();
  if (pid == 0) {
    const int in = ::open(stdin_path.c_str(), O_RDONLY);
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0 || ::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::dup2(in, STDIN_FILENO);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    ::execve(QB_BINARY, argv.data(), envp.data());
    ::_exit(127);
  }
  return std::make_unique<RunningQualbar>(pid, out_path, err_path);
}

inline ProcessResult run_qualbar(const std::vector<std::string>& args, const TempDir& dir,
                                 const EnvChanges& env = {}) {
  return start_qualbar(args, dir, env)->wait();
}

inline ProcessResult run_qualbar(std::string_view command_line, const TempDir& dir,
                                 const EnvChanges& env = {}) {
  return run_qualbar(split_command_line(command_line), dir, env);
}

// run_qualbar with its arguments as a list (a two-element brace list would also read as text).
inline ProcessResult run_args(const std::vector<std::string>& args, const TempDir& dir,
                              const EnvChanges& env = {}) {
  return run_qualbar(args, dir, env);
}

}  // namespace qb::test
