#include "qualbar/run/progress.hpp"

#include <fmt/format.h>

namespace qb {

Progress::Progress(std::ostream& out, std::size_t total, bool live, std::chrono::milliseconds every,
                   Clock clock)
    : out_(out),
      total_(total),
      live_(live),
      every_(every),
      clock_(std::move(clock)),
      start_(clock_()),
      last_print_(start_) {}

void Progress::done(const Response& r) {
  ++done_;
  errors_ += r.is_error() ? 1 : 0;
  const ResponseDetails& d = r.details();
  if (d.usage) tokens_ += d.usage->input_tokens + d.usage->output_tokens;
  if (d.cost_usd) spend_ += *d.cost_usd;
  const auto now = clock_();
  // A run that ends within a second (or, in a log, within `every_`) prints nothing at all.
  if (live_ && now - start_ < std::chrono::seconds(1)) return;
  const auto due = live_ ? std::chrono::milliseconds(100) : every_;
  if (now - last_print_ >= due) {
    last_print_ = now;
    print(false);
  }
}

void Progress::retried() { ++retries_; }

void Progress::already_done(std::size_t n) {
  done_ += n;
  base_ += n;
}

void Progress::note(const std::string& message) {
  if (live_ && printed_) out_ << "\r\033[K";  // the live line is drawn again by the next update
  out_ << "qualbar: " << message << '\n' << std::flush;
}

void Progress::finish() {
  if (printed_) print(true);
}

std::string Progress::line() const {
  const double seconds = std::chrono::duration<double>(clock_() - start_).count();
  const double rate = seconds > 0 ? static_cast<double>(done_ - base_) / seconds : 0.0;
  std::string text = fmt::format("{}/{} cases", done_, total_);
  if (rate > 0) text += fmt::format(" · {:.1f}/s", rate);
  text += fmt::format(" · {} error{}", errors_, errors_ == 1 ? "" : "s");
  if (retries_ > 0) text += fmt::format(" · {} retr{}", retries_, retries_ == 1 ? "y" : "ies");
  if (rate > 0 && done_ < total_)
    text += fmt::format(" · ETA {:.0f} s", static_cast<double>(total_ - done_) / rate);
  if (tokens_ > 0) text += fmt::format(" · {} tokens", tokens_);
  if (spend_ > 0) text += fmt::format(" · ${:.4f}", spend_);
  return text;
}

void Progress::print(bool final) {
  if (live_) {
    out_ << "\r\033[K" << line() << (final ? "\n" : "") << std::flush;
  } else {
    out_ << "qualbar: " << (final ? "done: " : "") << line() << '\n' << std::flush;
  }
  printed_ = true;
}

}  // namespace qb
