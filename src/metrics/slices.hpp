#pragma once
// Which slice cells each case belongs to. Internal to src/metrics.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "qualbar/core/case.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb::detail {

// Value of one slice key for a case; several for list fields (tags); "(none)" when absent.
std::vector<std::string> slice_key_values(const Case& c, const std::string& key);

// The cells of one slice spec: each case's cell ids (CSR layout; a case may be in several cells
// through tags, or in none).
struct SliceCells {
  SliceSpec spec;
  std::vector<std::string> values;     // cell id → "billing" or "billing × de"
  std::vector<std::uint32_t> offsets;  // case i's cells: ids[offsets[i] .. offsets[i+1])
  std::vector<std::uint32_t> ids;
};

SliceCells index_slice(const SliceSpec& spec, std::span<const Case> cases);

}  // namespace qb::detail
