#pragma once
// Pacing for the chat client (src/providers/chat_client.cpp): a token bucket for the requests- and
// tokens-per-minute limits, and an AIMD concurrency limit that backs off under 429s. Time is
// always passed in, so tests drive both with a fake clock. Internal to src/providers.

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace qb::detail {

using PaceClock = std::chrono::steady_clock;

// A limit of `per_minute` units refilled continuously; the burst is one second's worth (at least
// one unit), so a batch is paced from its start rather than let through a minute's worth at once.
// A cost larger than the burst waits for a full bucket and then takes it into debt, so no cost is
// ever refused. A default-constructed bucket (or per_minute <= 0) never waits.
class TokenBucket {
 public:
  TokenBucket() = default;
  TokenBucket(double per_minute, PaceClock::time_point now)
      : rate_per_s_(per_minute > 0 ? per_minute / 60.0 : 0),
        capacity_(std::max(1.0, rate_per_s_)),
        level_(capacity_),
        last_(now) {}

  [[nodiscard]] bool limited() const { return rate_per_s_ > 0; }

  // Seconds until `cost` may be taken; 0 when it may be taken now.
  [[nodiscard]] double wait_s(double cost, PaceClock::time_point now) {
    if (!limited()) return 0;
    refill(now);
    const double need = std::min(cost, capacity_);
    return level_ >= need ? 0 : (need - level_) / rate_per_s_;
  }

  void take(double cost, PaceClock::time_point now) {
    if (!limited()) return;
    refill(now);
    level_ -= cost;
  }

  // Gives back (amount > 0) or charges more (amount < 0), e.g. once the real usage is known.
  void give_back(double amount) {
    if (limited()) level_ = std::min(capacity_, level_ + amount);
  }

  [[nodiscard]] double level(PaceClock::time_point now) {
    refill(now);
    return level_;
  }

 private:
  void refill(PaceClock::time_point now) {
    if (now <= last_) return;
    level_ = std::min(capacity_,
                      level_ + std::chrono::duration<double>(now - last_).count() * rate_per_s_);
    last_ = now;
  }

  double rate_per_s_ = 0;
  double capacity_ = 1;
  double level_ = 1;
  PaceClock::time_point last_{};
};

// Additive increase, multiplicative decrease of the requests in flight, as TCP does with its
// window: an overload (HTTP 429) halves the limit (down to 1), each success adds 1/limit (so about
// one more per limit's worth of successes) up to the configured maximum. A burst of 429s answering
// requests started under the same limit counts as one overload: only requests started after the
// last decrease can decrease it again.
class AdaptiveLimit {
 public:
  explicit AdaptiveLimit(int max) : max_(std::max(1, max)), window_(max_) {}

  [[nodiscard]] int limit() const { return std::max(1, static_cast<int>(window_)); }
  [[nodiscard]] int max() const { return max_; }
  // Changes at every decrease; a request keeps the value it started under.
  [[nodiscard]] std::uint64_t epoch() const { return epoch_; }

  void on_success() { window_ = std::min<double>(max_, window_ + 1.0 / window_); }

  void on_overload(std::uint64_t epoch_at_start) {
    if (epoch_at_start != epoch_) return;
    window_ = std::max(1.0, static_cast<double>(limit()) / 2.0);
    ++epoch_;
  }

 private:
  int max_;
  double window_;
  std::uint64_t epoch_ = 0;
};

}  // namespace qb::detail
