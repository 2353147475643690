#include "qualbar/util/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace qb {

void parallel_for(std::size_t n, const std::function<void(std::size_t)>& work, bool parallel,
                  std::size_t threads) {
  parallel_for_threads(
      n, [&](std::size_t i, std::size_t) { work(i); }, parallel, threads);
}

void parallel_for_threads(std::size_t n, const std::function<void(std::size_t, std::size_t)>& work,
                          bool parallel, std::size_t threads) {
  if (threads == 0) threads = std::max(1U, std::thread::hardware_concurrency());
  threads = std::min(threads, n);
  if (!parallel || threads <= 1) {
    for (std::size_t i = 0; i < n; ++i) work(i, 0);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::exception_ptr failed;
  std::mutex failed_mutex;
  const auto run = [&](std::size_t thread) {
    for (std::size_t i = next++; i < n && !stop; i = next++) {
      try {
        work(i, thread);
      } catch (...) {
        const std::lock_guard lock(failed_mutex);
        if (!failed) failed = std::current_exception();
        stop = true;
      }
    }
  };
  std::vector<std::thread> helpers;
  helpers.reserve(threads - 1);
  try {
    for (std::size_t t = 1; t < threads; ++t) helpers.emplace_back(run, t);
  } catch (const std::system_error&) {
    // No more threads to be had: the ones started and this one do the work.
  }
  run(0);
  for (auto& h : helpers) h.join();
  if (failed) std::rethrow_exception(failed);
}

}  // namespace qb
