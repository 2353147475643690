#pragma once
// Work done in the order it was posted, on one thread of its own, while the poster goes on: a
// stored run's writes (its cases, then its answers batch by batch) run beside its scoring.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace qb {

class SerialQueue {
 public:
  // At most `max_pending` jobs wait at once: post() blocks beyond that (what a job holds stays
  // bounded). The thread starts with the first post.
  explicit SerialQueue(std::size_t max_pending = 4);
  // Waits for what was posted. An error no wait() or post() reported is dropped: the destructor
  // runs when something else already went wrong.
  ~SerialQueue();
  SerialQueue(const SerialQueue&) = delete;
  SerialQueue& operator=(const SerialQueue&) = delete;

  // Queues `job`. Once a job has thrown, the jobs after it are dropped and every post() and
  // wait() rethrows that first error.
  void post(std::function<void()> job);
  // Returns when every posted job has run; rethrows the first error.
  void wait();
  // True once a job has thrown (cheap: a provider asks it before each call).
  [[nodiscard]] bool failed() const;

 private:
  void work();
  void rethrow_locked() const;

  const std::size_t max_pending_;
  mutable std::mutex m_;
  std::condition_variable changed_;
  std::deque<std::function<void()>> jobs_;
  bool running_ = false;  // a job is being run
  bool stop_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace qb
