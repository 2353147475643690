#include "qualbar/metrics/suite_checks.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "metrics/slices.hpp"
#include "qualbar/core/registry.hpp"
#include "qualbar/metrics/scoring.hpp"

namespace qb {
namespace {

constexpr const char* kNone = "(none)";

// Names people give the reference answer when they have not read docs/data-formats.md.
constexpr const char* kReferenceLookalikes[] = {
    "expected_output", "expected", "expected_answer", "answer",    "ground_truth", "gold",
    "target",          "ideal",    "output_expected", "label_text"};

// Every value a key takes over the cases, most frequent first (at most `keep`).
std::vector<std::string> values_of(std::span<const Case> cases, const std::string& key,
                                   std::size_t keep) {
  std::map<std::string, std::size_t> counts;
  for (const Case& c : cases)
    for (auto& v : detail::slice_key_values(c, key)) ++counts[v];
  std::vector<std::pair<std::string, std::size_t>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> out;
  for (const auto& [v, n] : sorted)
    if (out.size() < keep && v != kNone) out.push_back(v);
  return out;
}

// The keys the cases have: their fields that slice, and their metadata keys (of the first
// thousand cases: enough to suggest a name).
std::vector<std::string> keys_of(std::span<const Case> cases) {
  std::set<std::string> keys;
  for (const Case& c : cases.first(std::min<std::size_t>(cases.size(), 1000))) {
    if (!c.category.empty()) keys.insert("category");
    if (!c.language.empty()) keys.insert("language");
    if (c.expected_label) keys.insert("expected_label");
    if (c.details().should_refuse) keys.insert("should_refuse");
    if (!c.details().tags.empty()) keys.insert("tags");
    if (c.details().metadata_json.empty()) continue;
    const auto meta = nlohmann::json::parse(c.details().metadata_json, nullptr, false);
    if (meta.is_object())
      for (const auto& [k, _] : meta.items()) keys.insert(k);
  }
  return {keys.begin(), keys.end()};
}

void check_slices(const Suite& suite, std::span<const Case> cases, Problems& problems) {
  std::vector<std::string> keys;  // computed when first needed
  for (const SliceSpec& spec : suite.slices) {
    if (spec.where.file.empty()) continue;  // a default slice: not the user's choice
    for (const std::string& key : spec.keys) {
      if (key == "language") continue;  // detected from the input when absent
      const bool some = std::any_of(cases.begin(), cases.end(), [&](const Case& c) {
        const auto values = detail::slice_key_values(c, key);
        return values.size() != 1 || values.front() != kNone;
      });
      if (some) continue;
      if (keys.empty()) keys = keys_of(cases);
      std::string message =
          fmt::format("no case has '{}', so every case would be in its slice '(none)'.", key);
      if (auto guess = detail::closest_name(key, keys); !guess.empty())
        message += fmt::format(" Did you mean '{}'?", guess);
      if (!keys.empty()) message += fmt::format(" The cases have: {}", fmt::join(keys, ", "));
      problems.add(InputError(spec.where, message));
    }
  }
}

void check_critical_slices(const Suite& suite, std::span<const Case> cases, Problems& problems) {
  for (const CriticalSlice& c : suite.critical_slices) {
    const bool some = std::any_of(cases.begin(), cases.end(), [&](const Case& x) {
      for (std::size_t k = 0; k < c.slice.keys.size() && k < c.values.size(); ++k) {
        const auto values = detail::slice_key_values(x, c.slice.keys[k]);
        if (std::find(values.begin(), values.end(), c.values[k]) == values.end()) return false;
      }
      return true;
    });
    if (some) continue;
    std::string message = fmt::format(
        "no case is in the critical slice {}, so its bars would test nothing.", c.label());
    for (std::size_t k = 0; k < c.slice.keys.size() && k < c.values.size(); ++k) {
      const auto seen = values_of(cases, c.slice.keys[k], 200);
      if (std::find(seen.begin(), seen.end(), c.values[k]) != seen.end()) continue;
      if (auto guess = detail::closest_name(c.values[k], seen); !guess.empty())
        message += fmt::format(" Did you mean {}={}?", c.slice.keys[k], guess);
      std::vector<std::string> shown(seen.begin(),
                                     seen.begin() + std::min<std::size_t>(12, seen.size()));
      message += fmt::format(" Values of {} in the cases: {}{}", c.slice.keys[k],
                             shown.empty() ? "none" : fmt::format("{}", fmt::join(shown, ", ")),
                             seen.size() > shown.size() ? ", …" : "");
    }
    problems.add(InputError(c.where, message));
  }
}

// A dimension no case can be scored on measures nothing ("n=0"): said with the scorer's reason.
void check_dimensions(const Suite& suite, const CheckedData& data, Problems& problems) {
  std::vector<DimensionScorer> scorers;
  try {
    scorers = build_scorers(suite);
  } catch (const InputError& e) {
    problems.add(e);
    return;
  }
  const bool answered = !data.responses.empty();
  for (const DimensionScorer& d : scorers) {
    if (d.scorer->uses_judge() || d.info->graded_by_people || d.info->scores_failed_calls) continue;
    std::map<std::string, std::size_t> reasons;
    bool scored = false;
    for (std::size_t i = 0; i < data.cases.size() && !scored; ++i) {
      Response placeholder;
      const Response* r = &placeholder;
      if (answered) {
        if (i >= data.responses.size() || data.responses[i].is_error()) continue;
        r = &data.responses[i];
      } else {
        placeholder.id = data.cases[i].id;
      }
      const Score s = d.scorer->score(data.cases[i], *r);
      if (s.status == ScoreStatus::not_applicable)
        ++reasons[s.evidence];
      else
        scored = true;
    }
    if (scored || reasons.empty()) continue;
    const auto most =
        std::max_element(reasons.begin(), reasons.end(),
                         [](const auto& a, const auto& b) { return a.second < b.second; });
    const std::string& why = most->first;
    // Without answers only what the cases lack is certain (a reference, a label).
    const bool about_cases = why.find("reference") != std::string::npos ||
                             why.find("expected_label") != std::string::npos ||
                             why.find("should_refuse") != std::string::npos;
    if (!answered && !about_cases) continue;
    std::string message = fmt::format(
        "no case can be scored on '{}' ({}): \"{}\" for {} case{}, so the run would report n=0.",
        d.spec->name, d.spec->scorer, why, most->second, most->second == 1 ? "" : "s");
    if (why.find("reference") != std::string::npos) {
      const std::vector<std::string> keys = keys_of(data.cases);
      const auto* k = std::find_first_of(std::begin(kReferenceLookalikes),
                                         std::end(kReferenceLookalikes), keys.begin(), keys.end());
      if (k != std::end(kReferenceLookalikes))
        message += fmt::format(" The cases have '{}': the field qualbar reads is 'reference'.", *k);
      else
        message += " Give the cases a 'reference' (docs/data-formats.md).";
    }
    problems.add(InputError(d.spec->where, message));
  }
}

}  // namespace

void check_suite_fits_data(const Suite& suite, const CheckedData& data, Problems& problems) {
  if (data.cases.empty()) return;
  check_slices(suite, data.cases, problems);
  check_critical_slices(suite, data.cases, problems);
  check_dimensions(suite, data, problems);
}

}  // namespace qb
