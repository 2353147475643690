#pragma once
// Errors that end a command. Expected per-case failures (a failed model call, a bad judge answer)
// are data on the case, never exceptions; see score.hpp and response.hpp.

#include <stdexcept>
#include <string>

namespace qb {

// Process exit codes, as promised in the product contract.
enum class ExitCode : int {
  ok = 0,           // every bar met
  bar_failed = 1,   // a bar or a regression check failed
  input_error = 2,  // bad usage or bad input file
  run_failed = 3,   // the run itself failed (provider unreachable, store unwritable)
};

// Where in a user's file something is. Empty parts are left out when printed.
struct Location {
  std::string file;
  int line = 0;    // 1-based; 0 = unknown
  int column = 0;  // 1-based; 0 = unknown
  std::string field;

  // "cases.jsonl:14:3: field 'input'" style prefix, without a trailing colon.
  [[nodiscard]] std::string to_string() const;
  [[nodiscard]] Location with_field(std::string f) const;
};

class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  [[nodiscard]] ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

// Bad input or usage: exit code 2. The message names the place and, where possible, the fix.
class InputError : public Error {
 public:
  explicit InputError(const std::string& message) : Error(ExitCode::input_error, message) {}
  InputError(const Location& where, const std::string& message)
      : Error(ExitCode::input_error, format(where, message)), where_(where), reason_(message) {}

  static std::string format(const Location& where, const std::string& message);
  // Where, when the error was made with a place (else empty), and the message without it.
  [[nodiscard]] const Location& where() const { return where_; }
  [[nodiscard]] std::string reason() const { return where_.file.empty() ? what() : reason_; }

 private:
  Location where_;
  std::string reason_;
};

// The run could not be carried out (store unwritable, provider down): exit code 3.
class RunError : public Error {
 public:
  explicit RunError(const std::string& message) : Error(ExitCode::run_failed, message) {}
};

}  // namespace qb
