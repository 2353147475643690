#pragma once
// Progress of a run on stderr: on a terminal a live line rewritten in place; otherwise (a CI log)
// a plain line every few seconds. Done/total, rate, errors, retries, ETA, tokens and spend so far.

#include <chrono>
#include <cstddef>
#include <functional>
#include <ostream>
#include <string>

#include "qualbar/core/response.hpp"
#include "qualbar/run/runner.hpp"

namespace qb {

class Progress final : public RunObserver {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // `live`: rewrite one line in place (a terminal); else print a line every `every`.
  Progress(
      std::ostream& out, std::size_t total, bool live,
      std::chrono::milliseconds every = std::chrono::seconds(5),
      Clock clock = [] { return std::chrono::steady_clock::now(); });

  // One case is done. Prints when a live line is due (after the first second, at most every
  // 100 ms) or a plain line is (every `every`).
  void done(const Response& r);
  // A call is being retried: counted on the line.
  void retried();
  // Cases answered before this process started (a resumed run): counted as done, not in the rate.
  void already_done(std::size_t n);
  void answered(const Response& r) override { done(r); }
  void retrying(const std::string& /*why*/) override { retried(); }
  // A sentence for the user, on a line of its own ("qualbar: ...").
  void note(const std::string& message) override;
  // The closing line, when a progress line was printed before (a quick run stays silent).
  void finish();

  // The status text without decoration, e.g. "120/200 cases · 40.0/s · 2 errors · 3 retries ·
  // ETA 2 s · 61440 tokens · $0.1234".
  [[nodiscard]] std::string line() const;

 private:
  void print(bool final);

  std::ostream& out_;
  std::size_t total_;
  bool live_;
  std::chrono::milliseconds every_;
  Clock clock_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_print_;
  std::size_t done_ = 0;
  std::size_t errors_ = 0;
  std::size_t base_ = 0;  // done before start
  std::size_t retries_ = 0;
  std::int64_t tokens_ = 0;
  double spend_ = 0.0;
  bool printed_ = false;
};

}  // namespace qb
