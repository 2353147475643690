// `not-<scorer>`: which scorers can be negated, and the negated entries dimensions use.
#include <map>

#include <fmt/format.h>

#include "qualbar/core/error.hpp"
#include "qualbar/scorers/scorer.hpp"

namespace qb {
namespace {

constexpr std::string_view kNot = "not-";

// The scorer's pass is the negation's fail and the other way round; not-applicable, failed calls
// and ungraded cases stay what they are.
class Negated final : public Scorer {
 public:
  Negated(std::string name, std::unique_ptr<Scorer> scorer)
      : name_(std::move(name)), scorer_(std::move(scorer)) {}
  Score score(const Case& c, const Response& r) const override {
    Score s = scorer_->score(c, r);
    if (s.status != ScoreStatus::scored) return s;
    if (s.value < 1.0) return Score::pass();
    return Score::fail(s.evidence.empty() ? name_ + " passed" : std::move(s.evidence));
  }

 private:
  std::string name_;
  std::unique_ptr<Scorer> scorer_;
};

ScorerEntry negated_entry(const ScorerEntry& e) {
  ScorerInfo info;
  info.summary = fmt::format("The opposite of `{}`: passes when it fails.", e.name);
  info.kind = ScoreKind::binary;
  info.higher_is_better = true;  // the suite negates a scorer to count what it wants
  info.primary_arg = e.info.primary_arg;
  const std::string name = e.name;
  auto make = [name, make_base = e.make](Args& a) -> std::unique_ptr<Scorer> {
    std::unique_ptr<Scorer> base = make_base(a);
    // A judge's verdicts are compared with people's grades of the same dimension (judge-check);
    // inverted, they would be compared with the opposite question. Only `method` turns a
    // pass/fail scorer into a judged one.
    if (base->uses_judge()) {
      throw ArgError("method",
                     fmt::format("not-{} cannot ask the judge, whose verdicts are not negated: "
                                 "use {} with method: judge and read its rate the other way "
                                 "round, or leave method: judge out",
                                 name, name));
    }
    return std::make_unique<Negated>(name, std::move(base));
  };
  return ScorerEntry{std::string(kNot) + e.name, std::move(info), std::move(make)};
}

// Every scorer a dimension can negate, built once (after static registration, on first use).
const std::map<std::string, ScorerEntry>& negated_entries() {
  static const std::map<std::string, ScorerEntry> entries = [] {
    std::map<std::string, ScorerEntry> out;
    for (const ScorerEntry* e : scorer_registry().entries()) {
      if (negation_refusal(*e, ScorerUse::dimension).empty()) {
        ScorerEntry n = negated_entry(*e);
        out.emplace(n.name, std::move(n));
      }
    }
    return out;
  }();
  return entries;
}

}  // namespace

std::string negation_refusal(const ScorerEntry& e, ScorerUse use) {
  const ScorerInfo& info = e.info;
  if (info.kind == ScoreKind::measurement)
    return e.name + " is a measurement (a time or a cost), not a check that passes or fails";
  if (info.scores_failed_calls)
    return e.name + " counts failed calls; it does not check the output";
  if (info.graded_by_people)
    return e.name + " is graded by reviewers, whose grades are not negated";
  if (!info.not_negatable.empty()) return e.name + " " + info.not_negatable;
  if (info.kind == ScoreKind::graded && use == ScorerUse::dimension) {
    return fmt::format(
        "{} gives a 0–1 score, and a dimension negates only pass/fail scorers (in a case's assert "
        "list, not-{} passes below its threshold)",
        e.name, e.name);
  }
  return "";
}

ScorerName resolve_scorer_name(const std::string& name) {
  const Registry<ScorerEntry>& registry = scorer_registry();
  if (const ScorerEntry* e = registry.find(name)) return {e, false};
  if (!name.starts_with(kNot)) (void)registry.get(name);  // throws: unknown, did you mean
  const std::string base = name.substr(kNot.size());
  if (const ScorerEntry* e = registry.find(base)) return {e, true};
  std::string message = fmt::format("unknown scorer '{}'.", name);
  if (auto guess = detail::closest_name(base, registry.names()); !guess.empty())
    message += fmt::format(" Did you mean '{}{}'?", kNot, guess);
  message += fmt::format(" Available: {}", fmt::join(registry.names(), ", "));
  throw InputError(message);
}

void require_negatable(const ScorerName& name, ScorerUse use) {
  if (!name.negated) return;
  if (const std::string why = negation_refusal(*name.entry, use); !why.empty()) {
    throw InputError(fmt::format(
        "'{}{}' cannot be used: {} (qualbar list scorers says which scorers not- negates)", kNot,
        name.entry->name, why));
  }
}

const ScorerEntry* find_scorer_entry(const std::string& name) {
  if (const ScorerEntry* e = scorer_registry().find(name)) return e;
  const auto& negated = negated_entries();
  const auto it = negated.find(name);
  return it == negated.end() ? nullptr : &it->second;
}

const ScorerEntry& scorer_entry(const std::string& name) {
  if (const ScorerEntry* e = find_scorer_entry(name)) return *e;
  require_negatable(resolve_scorer_name(name), ScorerUse::dimension);  // throws, saying why
  throw InputError(fmt::format("unknown scorer '{}'", name));          // not reached
}

}  // namespace qb
