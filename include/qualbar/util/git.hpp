#pragma once
// The git commit checked out in a folder's repository, read from .git's files (no git process):
// a run records it, so a team sees which version of their suite and prompts a run used.

#include <string>

namespace qb {

// The full commit id HEAD points at in the repository holding `folder` (searched upwards; a
// worktree's .git file followed), or "" outside a repository or when it cannot be read.
std::string git_commit_at(const std::string& folder);

}  // namespace qb
