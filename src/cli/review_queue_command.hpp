#pragma once
// qualbar review queue: the review queues qualbar serve hands out (docs/review.md, "Review
// queues in the browser"). Internal to the CLI.

#include <functional>

#include "cli/command_line.hpp"

namespace qb::cli {

// Adds `queue` and its subcommands (create, list, close) to `review`; the returned function runs
// the one parsed (nullptr-safe: returns -1 when `queue` was not given).
std::function<int()> add_review_queue_commands(Command& review);

}  // namespace qb::cli
