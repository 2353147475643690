#include "qualbar/util/serial_queue.hpp"

#include <utility>

namespace qb {

SerialQueue::SerialQueue(std::size_t max_pending)
    : max_pending_(max_pending == 0 ? 1 : max_pending) {}

SerialQueue::~SerialQueue() {
  {
    const std::lock_guard lock(m_);
    stop_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SerialQueue::rethrow_locked() const {
  if (error_) std::rethrow_exception(error_);
}

void SerialQueue::post(std::function<void()> job) {
  std::unique_lock lock(m_);
  changed_.wait(lock, [&] { return error_ || jobs_.size() < max_pending_; });
  rethrow_locked();
  jobs_.push_back(std::move(job));
  if (!thread_.joinable()) thread_ = std::thread([this] { work(); });
  lock.unlock();
  changed_.notify_all();
}

void SerialQueue::wait() {
  std::unique_lock lock(m_);
  // A failed job clears the queue (work()), so this also returns after an error.
  changed_.wait(lock, [&] { return jobs_.empty() && !running_; });
  rethrow_locked();
}

bool SerialQueue::failed() const {
  const std::lock_guard lock(m_);
  return static_cast<bool>(error_);
}

void SerialQueue::work() {
  std::unique_lock lock(m_);
  for (;;) {
    changed_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
    // Stopping still runs what was posted: the destructor waits for it.
    if (jobs_.empty()) return;
    std::function<void()> job = std::move(jobs_.front());
    jobs_.pop_front();
    running_ = true;
    lock.unlock();
    std::exception_ptr error;
    try {
      job();
    } catch (...) {
      error = std::current_exception();
    }
    job = nullptr;  // what the job holds goes before the poster hears it is done
    lock.lock();
    running_ = false;
    if (error && !error_) error_ = error;
    if (error_) jobs_.clear();
    changed_.notify_all();
  }
}

}  // namespace qb
