#include "qualbar/util/git.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace qb {
namespace {

namespace fs = std::filesystem;

std::string first_line(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

bool is_commit_id(const std::string& s) {
  if (s.size() != 40 && s.size() != 64) return false;
  for (const char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// The commit a ref names: its loose file, else its line in packed-refs.
std::string read_ref(const fs::path& git_dir, const std::string& ref) {
  if (const std::string loose = first_line(git_dir / ref); is_commit_id(loose)) return loose;
  std::ifstream packed(git_dir / "packed-refs");
  for (std::string line; std::getline(packed, line);) {
    const auto space = line.find(' ');
    if (space == 40 || space == 64) {
      if (line.substr(space + 1) == ref) return line.substr(0, space);
    }
  }
  return "";
}

}  // namespace

std::string git_commit_at(const std::string& folder) {
  std::error_code ec;
  fs::path dir = fs::absolute(folder.empty() ? "." : folder, ec);
  if (ec) return "";
  for (; !dir.empty(); dir = dir.parent_path()) {
    fs::path git = dir / ".git";
    if (fs::is_regular_file(git, ec)) {  // a worktree or submodule: "gitdir: PATH"
      const std::string line = first_line(git);
      if (line.rfind("gitdir: ", 0) != 0) return "";
      git = fs::path(line.substr(8));
      if (git.is_relative()) git = dir / git;
    } else if (!fs::is_directory(git, ec)) {
      if (dir == dir.root_path()) break;
      continue;
    }
    const std::string head = first_line(git / "HEAD");
    if (is_commit_id(head)) return head;  // a detached HEAD
    if (head.rfind("ref: ", 0) != 0) return "";
    const std::string ref = head.substr(5);
    if (std::string c = read_ref(git, ref); !c.empty()) return c;
    // A worktree's branches live in the common folder it names.
    const std::string common = first_line(git / "commondir");
    if (common.empty()) return "";
    fs::path common_dir(common);
    if (common_dir.is_relative()) common_dir = git / common_dir;
    return read_ref(common_dir, ref);
  }
  return "";
}

}  // namespace qb
