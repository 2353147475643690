#pragma once
// Which slice cells each case belongs to. Internal to src/metrics (also used by compare, review
// and monitor, which slice the same way).

#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "qualbar/core/case.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb::detail {

inline constexpr const char* kOtherValue = "(other)";

// Value of one slice key for a case; several for list fields (tags); "(none)" when absent.
std::vector<std::string> slice_key_values(const Case& c, const std::string& key);

// How many values of one slice key keep a slice of their own (limits.max_slice_values), and
// the values that always do: those a critical slice names.
struct SliceFold {
  std::size_t max_values = 1000;
  std::map<std::string, std::set<std::string>> kept;  // by key

  static SliceFold of(const Suite& suite);
};

// The values of one key that keep their own slice: when the cases hold more distinct values than
// the limit, the `max_values` most frequent (ties by name) and the protected ones; every other
// value is folded into "(other)". A language detected from the input (a case without `language`)
// is never folded: detection names a bounded set of languages.
using ValueCount = std::pair<std::string_view, std::size_t>;  // a value and its cases

class KeyFolding {
 public:
  // The values of `key` counted over the cases.
  KeyFolding(const std::string& key, std::span<const Case> cases, const SliceFold& fold);
  // The values already counted (each value once).
  KeyFolding(const std::string& key, std::vector<ValueCount> counts, const SliceFold& fold);

  // `value` itself, or "(other)".
  [[nodiscard]] std::string_view apply(std::string_view value) const;
  [[nodiscard]] bool active() const { return active_; }
  // "slice key 'category' has 1,000,000 distinct values: ..." ("" when nothing was folded).
  [[nodiscard]] std::string warning() const;

 private:
  void decide(std::vector<ValueCount> counts, const SliceFold& fold);

  std::string key_;
  bool active_ = false;
  std::set<std::string, std::less<>> kept_;
  std::size_t distinct_ = 0, folded_values_ = 0, folded_cases_ = 0, max_values_ = 0;
};

// The cells of one slice spec: each case's cell ids (CSR layout; a case may be in several cells
// through tags, or in none).
struct SliceCells {
  SliceSpec spec;
  std::vector<std::string> values;     // cell id → "billing" or "billing × de"
  std::vector<std::uint32_t> offsets;  // case i's cells: ids[offsets[i] .. offsets[i+1])
  std::vector<std::uint32_t> ids;
  std::vector<std::string> warnings;  // of keys whose long tail was folded into "(other)"
};

SliceCells index_slice(const SliceSpec& spec, std::span<const Case> cases,
                       const SliceFold& fold = {});

}  // namespace qb::detail
