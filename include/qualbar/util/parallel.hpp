#pragma once
// Independent pieces of work on the machine's cores: scoring a big run in halves, a report's
// slices and dimensions, the two sorts of a two-sample test. Results never depend on it.

#include <cstddef>
#include <functional>

namespace qb {

// Runs work(i) for every i in [0, n) on up to `threads` threads (0: one per core), the calling
// thread among them; each thread takes the next index when it is free. With one thread (or one
// piece, or `parallel` false) the pieces run in order on the calling thread. The first exception
// a piece throws is rethrown here once every thread has stopped; pieces not yet started are
// skipped.
void parallel_for(std::size_t n, const std::function<void(std::size_t)>& work,
                  bool parallel = true, std::size_t threads = 0);

// The same, telling each piece the number of the thread that runs it, in [0, threads): 0 is the
// calling thread. A thread runs one piece at a time, so a buffer per thread number is never shared.
void parallel_for_threads(std::size_t n,
                          const std::function<void(std::size_t piece, std::size_t thread)>& work,
                          bool parallel = true, std::size_t threads = 0);

}  // namespace qb
