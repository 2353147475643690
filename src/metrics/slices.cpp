#include "metrics/slices.hpp"

#include <algorithm>
#include <deque>
#include <unordered_map>

#include <nlohmann/json.hpp>

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
  if (key == "language") return {c.language.empty() ? detected_language(c) : c.language};
  if (key == "expected_label") return or_none(c.expected_label.value_or(""));
  if (key == "should_refuse")
    return {c.should_refuse ? (*c.should_refuse ? "true" : "false") : kNone};
  if (key == "tags") return c.tags.empty() ? std::vector<std::string>{kNone} : c.tags;
  // Anything else is a metadata key ("metadata.tier" or just "tier").
  const std::string name = key.starts_with("metadata.") ? key.substr(9) : key;
  if (c.metadata_json.empty()) return {kNone};
  const auto meta = nlohmann::json::parse(c.metadata_json);
  auto it = meta.find(name);
  if (it == meta.end()) return {kNone};
  if (it->is_array()) {
    std::vector<std::string> out;
    for (const auto& v : *it) out.push_back(scalar_text(v));
    return out.empty() ? std::vector<std::string>{kNone} : out;
  }
  return {scalar_text(*it)};
}

SliceCells index_slice(const SliceSpec& spec, std::span<const Case> cases) {
  SliceCells cells;
  cells.spec = spec;
  cells.offsets.reserve(cases.size() + 1);
  cells.offsets.push_back(0);
  std::unordered_map<std::string, std::uint32_t> ids;
  std::vector<std::string> combos;
  // Single-valued case fields need no allocation per case: look their text up directly.
  const bool direct =
      spec.keys.size() == 1 && (spec.keys[0] == "category" || spec.keys[0] == "language");
  std::unordered_map<std::string_view, std::uint32_t> direct_ids;
  std::string detected;          // the detected language of the current case, when it has none
  std::deque<std::string> kept;  // stable storage for detected-language keys of direct_ids
  for (const Case& c : cases) {
    if (direct) {
      const bool language = spec.keys[0] == "language";
      const std::string& v = language ? c.language : c.category;
      if (language && v.empty()) detected = detected_language(c);
      const std::string_view text = !v.empty()  ? std::string_view(v)
                                    : language ? std::string_view(detected)
                                               : std::string_view(kNone);
      auto it = direct_ids.find(text);
      if (it == direct_ids.end()) {
        cells.values.emplace_back(text);
        // The key must outlive this case: detected codes are kept in `kept`, the rest are views
        // into the cases or kNone.
        const std::string_view key =
            text.data() == detected.data() ? std::string_view(kept.emplace_back(detected)) : text;
        it = direct_ids.emplace(key, static_cast<std::uint32_t>(cells.values.size() - 1)).first;
      }
      cells.ids.push_back(it->second);
      cells.offsets.push_back(static_cast<std::uint32_t>(cells.ids.size()));
      continue;
    }
    combos.assign(1, std::string());
    for (std::size_t k = 0; k < spec.keys.size(); ++k) {
      const auto values = slice_key_values(c, spec.keys[k]);
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
