#pragma once
// One registry for every plugin kind (scorers, providers, report formats, stores).
// Plugins register themselves from their own file with a static Registrar; the library is built
// as an OBJECT library so those objects are never dropped by the linker.

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace qb {

namespace detail {
// Closest candidate by edit distance, or "" when nothing is close enough to suggest.
std::string closest_name(const std::string& name, const std::vector<std::string>& candidates);
// Levenshtein distance, for those suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);
[[noreturn]] void throw_duplicate_registration(const std::string& kind, const std::string& name);
[[noreturn]] void throw_unknown_name(const std::string& kind, const std::string& name,
                                     const std::vector<std::string>& available);
}  // namespace detail

// `Entry` must have a `std::string name` member.
template <class Entry>
class Registry {
 public:
  explicit Registry(std::string kind) : kind_(std::move(kind)) {}

  void add(Entry entry) {
    const std::string name = entry.name;
    if (!entries_.emplace(name, std::move(entry)).second) {
      detail::throw_duplicate_registration(kind_, name);
    }
  }

  [[nodiscard]] const Entry* find(const std::string& name) const {
    auto it = entries_.find(name);
    return it == entries_.end() ? nullptr : &it->second;
  }

  // Throws InputError "unknown <kind> 'x'. Did you mean 'y'? Available: ..." when absent.
  [[nodiscard]] const Entry& get(const std::string& name) const {
    if (const Entry* e = find(name)) return *e;
    detail::throw_unknown_name(kind_, name, names());
  }

  [[nodiscard]] std::vector<std::string> names() const {
    std::vector<std::string> out;
    out.reserve(entries_.size());
    for (const auto& [name, _] : entries_) out.push_back(name);
    return out;
  }

  [[nodiscard]] std::vector<const Entry*> entries() const {
    std::vector<const Entry*> out;
    for (const auto& [_, e] : entries_) out.push_back(&e);
    return out;
  }

  [[nodiscard]] const std::string& kind() const { return kind_; }

 private:
  std::string kind_;
  std::map<std::string, Entry> entries_;  // ordered: listings are stable
};

}  // namespace qb
