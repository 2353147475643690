#include "metrics/slices.hpp"

#include <algorithm>
#include <deque>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/util/id_index.hpp"
#include "scorers/language_detect.hpp"

namespace qb::detail {
namespace {


constexpr const char* kNone = "(none)";

std::string scalar_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return kNone;
  return v.dump();
}

// A case without `language` is put in the slice of its input's language as CLD2 detects it
// (primary subtag), or in "(none)" when the input is too short to tell.
std::string detected_language(const Case& c) {
  const LanguageGuess g = detect_language(c.input);
  return g.reliable && g.code != "un" ? primary_language(g.code) : std::string(kNone);
}

}  // namespace

std::vector<std::string> slice_key_values(const Case& c, const std::string& key) {
  auto or_none = [](const std::string& s) {
    return std::vector<std::string>{s.empty() ? kNone : s};
  };
  if (key == "category") return or_none(c.category);
  if (key == "language") return {c.language.empty() ? detected_language(c) : c.language.str()};
  if (key == "expected_label") return or_none(c.expected_label.value_or(""));
  if (key == "should_refuse")
    return {c.details().should_refuse ? (*c.details().should_refuse ? "true" : "false") : kNone};
  if (key == "tags")
    return c.details().tags.empty() ? std::vector<std::string>{kNone} : c.details().tags;
  // Anything else is a metadata key ("metadata.tier" or just "tier").
  const std::string name = key.starts_with("metadata.") ? key.substr(9) : key;
  if (c.details().metadata_json.empty()) return {kNone};
  const auto meta = nlohmann::json::parse(c.details().metadata_json);
  auto it = meta.find(name);
  if (it == meta.end()) return {kNone};
  if (it->is_array()) {
    std::vector<std::string> out;
    for (const auto& v : *it) out.push_back(scalar_text(v));
    return out.empty() ? std::vector<std::string>{kNone} : out;
  }
  return {scalar_text(*it)};
}

SliceFold SliceFold::of(const Suite& suite) {
  SliceFold f;
  f.max_values = suite.limits.max_slice_values;
  for (const CriticalSlice& c : suite.critical_slices) {
    for (std::size_t k = 0; k < c.slice.keys.size() && k < c.values.size(); ++k)
      f.kept[c.slice.keys[k]].insert(c.values[k]);
  }
  return f;
}

KeyFolding::KeyFolding(const std::string& key, std::span<const Case> cases, const SliceFold& fold)
    : key_(key), max_values_(fold.max_values) {
  // Counted without a copy for the case fields (views into the cases), as strings otherwise.
  IdIndex counts;
  std::deque<std::string> owned;
  const bool field = key == "category" || key == "language" || key == "expected_label";
  for (const Case& c : cases) {
    if (field) {
      const std::string* v = key == "category" ? &c.category.str()
                             : key == "language"
                                 ? &c.language.str()
                                 : (c.expected_label ? &*c.expected_label : nullptr);
      if (v == nullptr || v->empty()) continue;  // "(none)", or a detected language: never folded
      ++counts[*v];
      continue;
    }
    for (std::string& v : slice_key_values(c, key)) {
      const auto it = counts.find(v);
      if (it != counts.end()) {
        ++it.value();
      } else {
        counts.emplace(owned.emplace_back(std::move(v)), 1);
      }
    }
  }
  decide(std::vector<ValueCount>(counts.begin(), counts.end()), fold);
}

KeyFolding::KeyFolding(const std::string& key, std::vector<ValueCount> counts,
                       const SliceFold& fold)
    : key_(key), max_values_(fold.max_values) {
  decide(std::move(counts), fold);
}

void KeyFolding::decide(std::vector<ValueCount> counts, const SliceFold& fold) {
  distinct_ = counts.size();
  if (distinct_ <= max_values_) return;
  active_ = true;
  const std::size_t keep = std::min(max_values_, counts.size());
  const auto by_count = [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  };
  std::partial_sort(counts.begin(), counts.begin() + static_cast<long>(keep), counts.end(),
                    by_count);
  for (std::size_t i = 0; i < keep; ++i) kept_.emplace(counts[i].first);
  kept_.insert(kNone);
  if (const auto p = fold.kept.find(key_); p != fold.kept.end())
    kept_.insert(p->second.begin(), p->second.end());
  for (const auto& [value, n] : counts) {
    if (kept_.contains(value)) continue;
    ++folded_values_;
    folded_cases_ += n;
  }
}

std::string_view KeyFolding::apply(std::string_view value) const {
  if (!active_ || kept_.find(value) != kept_.end()) return value;
  return kOtherValue;
}

std::string KeyFolding::warning() const {
  if (folded_values_ == 0) return {};
  return fmt::format(
      "slice key '{}' has {} distinct values: the {} most frequent keep a slice of their own, and "
      "the other {} values ({} cases) are counted together as '{}' (limits.max_slice_values; "
      "values a critical slice names are never folded)",
      key_, distinct_, max_values_, folded_values_, folded_cases_, kOtherValue);
}

namespace {

// A slice of one single-valued case field (category, language) in one pass over the cases: each
// distinct value as written gets a number and a count, the folding is decided from the counts, and
// each number then names its cell. A language detected from the input is numbered apart: it is
// never folded.
SliceCells index_field(const SliceSpec& spec, std::span<const Case> cases, const SliceFold& fold) {
  const std::string& key = spec.keys[0];
  const bool language = key == "language";
  SliceCells cells;
  cells.spec = spec;
  IdIndex written;    // value as written → number
  IdIndex unwritten;  // "(none)" or a detected language → number
  struct Value {
    std::string_view text;  // a view into the cases, kNone, or into `detected_codes`
    std::size_t cases = 0;
    bool foldable = false;
  };
  std::vector<Value> values;  // by number, in the order first seen
  std::deque<std::string> detected_codes;
  std::string detected;
  cells.ids.reserve(cases.size());
  for (const Case& c : cases) {
    const std::string& v = language ? c.language : c.category;
    std::string_view text = v;
    if (v.empty()) {
      if (language) detected = detected_language(c);
      text = language ? std::string_view(detected) : std::string_view(kNone);
    }
    IdIndex& numbers = v.empty() ? unwritten : written;
    auto it = numbers.find(text);
    if (it == numbers.end()) {
      if (text.data() == detected.data()) text = detected_codes.emplace_back(detected);
      it = numbers.emplace(text, values.size()).first;
      values.push_back({text, 0, !v.empty()});
    }
    ++values[it->second].cases;
    cells.ids.push_back(static_cast<std::uint32_t>(it->second));
  }
  std::vector<ValueCount> counts;
  for (const Value& v : values) {
    if (v.foldable) counts.emplace_back(v.text, v.cases);
  }
  const KeyFolding folding(key, std::move(counts), fold);
  if (std::string w = folding.warning(); !w.empty()) cells.warnings.push_back(std::move(w));
  // Each number's cell, numbered in the order the cells are first seen.
  IdIndex cell_of;
  std::vector<std::uint32_t> cell(values.size());
  for (std::size_t n = 0; n < values.size(); ++n) {
    const std::string_view text =
        values[n].foldable ? folding.apply(values[n].text) : values[n].text;
    auto it = cell_of.find(text);
    if (it == cell_of.end()) {
      it = cell_of.emplace(text, cells.values.size()).first;
      cells.values.emplace_back(text);
    }
    cell[n] = static_cast<std::uint32_t>(it->second);
  }
  for (std::uint32_t& id : cells.ids) id = cell[id];
  cells.offsets.resize(cases.size() + 1);
  for (std::size_t i = 0; i <= cases.size(); ++i) cells.offsets[i] = static_cast<std::uint32_t>(i);
  return cells;
}

}  // namespace

SliceCells index_slice(const SliceSpec& spec, std::span<const Case> cases, const SliceFold& fold) {
  if (spec.keys.size() == 1 && (spec.keys[0] == "category" || spec.keys[0] == "language"))
    return index_field(spec, cases, fold);
  SliceCells cells;
  cells.spec = spec;
  std::vector<KeyFolding> folding;
  folding.reserve(spec.keys.size());
  for (const auto& key : spec.keys) {
    folding.emplace_back(key, cases, fold);
    if (std::string w = folding.back().warning(); !w.empty())
      cells.warnings.push_back(std::move(w));
  }
  cells.offsets.reserve(cases.size() + 1);
  cells.offsets.push_back(0);
  std::unordered_map<std::string, std::uint32_t> ids;
  std::vector<std::string> combos;
  for (const Case& c : cases) {
    combos.assign(1, std::string());
    for (std::size_t k = 0; k < spec.keys.size(); ++k) {
      auto values = slice_key_values(c, spec.keys[k]);
      const bool detected_language = spec.keys[k] == "language" && c.language.empty();
      if (folding[k].active() && !detected_language)
        for (auto& v : values) v = std::string(folding[k].apply(v));
      std::vector<std::string> next;
      next.reserve(combos.size() * values.size());
      for (const auto& prefix : combos) {
        for (const auto& v : values) next.push_back(k == 0 ? v : prefix + " × " + v);
      }
      combos = std::move(next);
    }
    // A case counts once per cell, even when it lists a value twice (tags: [a, a]).
    std::sort(combos.begin(), combos.end());
    combos.erase(std::unique(combos.begin(), combos.end()), combos.end());
    for (auto& combo : combos) {
      auto [it, inserted] = ids.try_emplace(combo, static_cast<std::uint32_t>(cells.values.size()));
      if (inserted) cells.values.push_back(combo);
      cells.ids.push_back(it->second);
    }
    cells.offsets.push_back(static_cast<std::uint32_t>(cells.ids.size()));
  }
  return cells;
}

}  // namespace qb::detail
