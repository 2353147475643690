// The commit a run records, read from a repository's files: a branch, a packed branch, a detached
// HEAD, a worktree, and no repository at all.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "../cli/run_qualbar.hpp"
#include "qualbar/util/git.hpp"

namespace qb {
namespace QB_UNITY_ID {

namespace fs = std::filesystem;

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

constexpr const char* kA = "1111111111111111111111111111111111111111";
constexpr const char* kB = "2222222222222222222222222222222222222222";

TEST(GitCommit, ABranchItsPackedFormADetachedHeadAndAWorktree) {
  test::TempDir dir("qualbar-git");
  const fs::path repo = dir.work() / "repo";
  write(repo / ".git/HEAD", "ref: refs/heads/main\n");
  write(repo / ".git/refs/heads/main", std::string(kA) + "\n");
  fs::create_directories(repo / "evals/suite");
  // Found from a folder deep inside the repository.
  EXPECT_EQ(git_commit_at((repo / "evals/suite").string()), kA);
  // A packed branch (after `git gc`).
  fs::remove(repo / ".git/refs/heads/main");
  write(repo / ".git/packed-refs",
        std::string("# pack-refs with: peeled fully-peeled sorted\n") + kB + " refs/heads/main\n");
  EXPECT_EQ(git_commit_at(repo.string()), kB);
  // A detached HEAD names the commit itself.
  write(repo / ".git/HEAD", std::string(kA) + "\n");
  EXPECT_EQ(git_commit_at(repo.string()), kA);
  // A worktree: .git is a file naming its folder, whose branches live in the common folder.
  write(repo / ".git/HEAD", "ref: refs/heads/main\n");
  write(repo / ".git/worktrees/wt/HEAD", "ref: refs/heads/topic\n");
  write(repo / ".git/worktrees/wt/commondir", "../..\n");
  write(repo / ".git/refs/heads/topic", std::string(kB) + "\n");
  const fs::path wt = dir.work() / "wt";
  write(wt / ".git", "gitdir: " + (repo / ".git/worktrees/wt").string() + "\n");
  EXPECT_EQ(git_commit_at(wt.string()), kB);
  // Outside any repository (a temp folder's parents hold none): nothing.
  fs::create_directories(dir.work() / "plain");
  EXPECT_EQ(git_commit_at((dir.work() / "plain").string()), "");
}

}  // namespace QB_UNITY_ID
}  // namespace qb
