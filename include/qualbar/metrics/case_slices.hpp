#pragma once
// Which cell of one slice every case of a run is in, as build_report found them: what a store
// indexes a run's cases by, so a page can show the cases of one report cell.

#include <cstdint>
#include <string>
#include <vector>

namespace qb {

struct CaseSlices {
  std::string slice;                   // as the report names it: "category", "category × language"
  std::vector<std::string> values;     // cell id → "billing" or "billing × de"
  std::vector<std::uint32_t> offsets;  // case i's cells: ids[offsets[i] .. offsets[i+1])
  std::vector<std::uint32_t> ids;
};

}  // namespace qb
