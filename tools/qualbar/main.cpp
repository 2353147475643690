// qualbar: the command-line entry. Commands live in src/cli/, one file each.
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "cli/command_line.hpp"

namespace {

// Where the first start keeps the GLIBC_TUNABLES it was given ("-" when it had none), for the
// second start to put back.
constexpr const char* kGivenTunables = "QUALBAR_GIVEN_GLIBC_TUNABLES";

// A million-case run touches a gigabyte of fresh memory; in 4 KiB pages that is a quarter of a
// million page faults, which cost a virtual machine ~40% of the run. glibc backs malloc's memory
// with transparent huge pages only when asked by the glibc.malloc.hugetlb tunable, which it reads
// at start-up: so qualbar starts itself once more with it set (the same process: exec keeps the
// pid). The second start puts the environment back as it was given, so the programs qualbar runs
// (a command provider's model) do not inherit the tunable. A tunable already given (e.g.
// glibc.malloc.hugetlb=0) is left as it is; so is a start where /proc/self/exe cannot be run.
void start_with_huge_pages(char** argv) {
  if (const char* given = std::getenv(kGivenTunables)) {  // the second start
    if (std::strcmp(given, "-") == 0)
      ::unsetenv("GLIBC_TUNABLES");
    else
      ::setenv("GLIBC_TUNABLES", given, 1);
    ::unsetenv(kGivenTunables);
    return;
  }
  const char* given = std::getenv("GLIBC_TUNABLES");
  if (given != nullptr && std::strstr(given, "glibc.malloc.hugetlb") != nullptr) return;
  const std::string before = given != nullptr ? given : "-";
  std::string tunables = given != nullptr && *given != '\0' ? before + ":" : "";
  tunables += "glibc.malloc.hugetlb=1";
  if (::setenv(kGivenTunables, before.c_str(), 1) != 0 ||
      ::setenv("GLIBC_TUNABLES", tunables.c_str(), 1) != 0)
    return;
  ::execv("/proc/self/exe", argv);
  // Not started again: go on as we are, with the environment as it was given.
  if (given != nullptr)
    ::setenv("GLIBC_TUNABLES", before.c_str(), 1);
  else
    ::unsetenv("GLIBC_TUNABLES");
  ::unsetenv(kGivenTunables);
}

}  // namespace

int main(int argc, char** argv) {
  start_with_huge_pages(argv);
  return qb::cli::run_command_line(argc, argv);
}
