#pragma once
// Transparent huge pages for malloc's memory, for a process about to hold a big input: touching a
// gigabyte in 4 KiB pages is a quarter of a million page faults, ~40% of a million-case run on a
// virtual machine. glibc takes huge pages only from the glibc.malloc.hugetlb tunable, which it
// reads at start-up, so the process starts itself again with it set (exec: the same pid). Called
// before anything is written or printed, nothing is lost by starting again.

#include <cstdint>

namespace qb {

// From main(), first: the command line to start again with. In a second start, puts the
// environment back as it was given, so that the programs qualbar runs do not inherit the tunable.
void remember_start(char** argv);

// Starts the process again with huge pages when `bytes` of input (at least 32 MiB) are about to
// be read, unless it already has them, a glibc.malloc.hugetlb tunable was given (e.g. =0 to turn
// this off), or it cannot (then it goes on as it is).
void start_again_with_huge_pages_for(std::uintmax_t bytes);

}  // namespace qb
