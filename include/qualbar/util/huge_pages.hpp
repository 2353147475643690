#pragma once
// Transparent huge pages for malloc's memory, for a process about to hold a big input: touching a
// gigabyte in 4 KiB pages is a quarter of a million page faults, ~40% of a million-case run on a
// virtual machine. glibc takes huge pages only from the glibc.malloc.hugetlb tunable, which it
// reads at start-up, so the process starts itself again with it set (exec: the same pid). Called
// before anything is written or printed, nothing is lost by starting again. The same start sets
// glibc.malloc.top_pad to 64 MiB, unless given: malloc's heaps then grow in steps big enough for
// huge pages.

#include <cstdint>
#include <string>

namespace qb {

// From main(), first: the command line to start again with. In a second start, puts the
// environment back as it was given, so that the programs qualbar runs do not inherit the tunable.
void remember_start(char** argv);

// Starts the process again with huge pages when `bytes` of input (at least 32 MiB) are about to
// be read, unless it already has them, a glibc.malloc.hugetlb tunable was given (e.g. =0 to turn
// this off), or it cannot (then it goes on as it is).
void start_again_with_huge_pages_for(std::uintmax_t bytes);

// The GLIBC_TUNABLES the second start gets, from those given (nullptr: none): the given ones, then
// glibc.malloc.hugetlb=1, then glibc.malloc.top_pad=64 MiB unless a top_pad was given. (glibc
// rewrites the variable when it reads it: /proc/PID/environ shows only some of them.)
std::string huge_page_tunables(const char* given);

}  // namespace qb
