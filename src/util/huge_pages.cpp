#include "qualbar/util/huge_pages.hpp"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace qb {
namespace {

// Where the first start keeps the GLIBC_TUNABLES it was given ("-" when it had none), for the
// second start to put back.
constexpr const char* kGivenTunables = "QUALBAR_GIVEN_GLIBC_TUNABLES";
constexpr std::uintmax_t kHugePagesFrom = std::uintmax_t{32} << 20;

char** start_argv = nullptr;
bool second_start = false;

}  // namespace

void remember_start(char** argv) {
  start_argv = argv;
  const char* given = std::getenv(kGivenTunables);
  if (given == nullptr) return;
  second_start = true;
  if (std::strcmp(given, "-") == 0)
    ::unsetenv("GLIBC_TUNABLES");
  else
    ::setenv("GLIBC_TUNABLES", given, 1);
  ::unsetenv(kGivenTunables);
}

std::string huge_page_tunables(const char* given) {
  std::string tunables = given != nullptr && *given != '\0' ? std::string(given) + ":" : "";
  tunables += "glibc.malloc.hugetlb=1";
  // Each malloc heap grows 64 MiB at a time instead of 128 KiB beyond what is asked: a heap grown
  // in small steps gets few huge pages (a huge page must fit inside it when first touched), and
  // a thread's heap grows by an mprotect call a step.
  if (given == nullptr || std::strstr(given, "glibc.malloc.top_pad") == nullptr)
    tunables += ":glibc.malloc.top_pad=67108864";
  return tunables;
}

void start_again_with_huge_pages_for(std::uintmax_t bytes) {
  if (bytes < kHugePagesFrom || second_start || start_argv == nullptr) return;
  const char* given = std::getenv("GLIBC_TUNABLES");
  if (given != nullptr && std::strstr(given, "glibc.malloc.hugetlb") != nullptr) return;
  const std::string before = given != nullptr ? given : "-";
  const std::string tunables = huge_page_tunables(given);
  if (::setenv(kGivenTunables, before.c_str(), 1) != 0 ||
      ::setenv("GLIBC_TUNABLES", tunables.c_str(), 1) != 0)
    return;
  ::execv("/proc/self/exe", start_argv);
  // Not started again: go on as we are, with the environment as it was given.
  if (given != nullptr)
    ::setenv("GLIBC_TUNABLES", before.c_str(), 1);
  else
    ::unsetenv("GLIBC_TUNABLES");
  ::unsetenv(kGivenTunables);
}

}  // namespace qb
