#pragma once
// The scorer interface: one case and its response in, one Score out. A scorer is one small file
// that registers itself with QB_REGISTER_SCORER; `qualbar list scorers` prints the registry.

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "qualbar/core/case.hpp"
#include "qualbar/core/registry.hpp"
#include "qualbar/core/response.hpp"
#include "qualbar/core/score.hpp"

namespace qb {

struct ScorerInfo {
  std::string summary;
  ScoreKind kind = ScoreKind::binary;
  bool higher_is_better = true;
  Aggregation measurement_aggregation = Aggregation::quantiles;  // for measurement scorers
  std::string unit;                  // "ms", "USD"; "" for quality scores
  std::string primary_arg;           // the argument an assertion's "value" fills ("" = none)
  bool scores_failed_calls = false;  // sees error cases (error-rate); others get Score::failed_call
  std::string analysis;  // the report's analysis of such a dimension ("classification"; "" none)
  // An argument that names another dimension of the suite ("against"): the suite loader checks it
  // names a pass/fail or 0–1 dimension other than this one.
  std::string dimension_arg;
  // Only people grade it (the `people` scorer): never scored on production records, and its
  // weeks are due for review.
  bool graded_by_people = false;
  // Why `not-<name>` means nothing for this scorer, completing "<name> ..." ("" when it can be
  // negated). Measurements, error rates and scorers graded by people are never negated anyway.
  std::string not_negatable;
};

class JudgeContext;

class Scorer {
 public:
  virtual ~Scorer() = default;
  // A scorer that asks a model (a judge) makes every call before any case is scored: prepare()
  // gets all the cases and their responses (failed calls included, to be skipped) and the suite's
  // judge; score() then reads what the judge said. Others have nothing to prepare.
  virtual void prepare(std::span<const Case> /*cases*/, std::span<const Response> /*responses*/,
                       JudgeContext& /*judge*/) {}
  // True when this scorer, as configured, asks the judge (judge; faithfulness with method judge):
  // the suite must then have a `judge`, and it can only be a dimension, not a case's check.
  [[nodiscard]] virtual bool uses_judge() const { return false; }
  [[nodiscard]] virtual Score score(const Case& c, const Response& r) const = 0;
};

// A bad argument: the caller adds the location (suite.yaml line, dataset line) it came from.
class ArgError : public std::runtime_error {
 public:
  ArgError(std::string field, const std::string& message)
      : std::runtime_error(message), field_(std::move(field)) {}
  [[nodiscard]] const std::string& field() const { return field_; }

 private:
  std::string field_;
};

// Typed, checked access to a scorer's arguments (a JSON object). Every getter marks its key used;
// finish() rejects keys nobody asked for, suggesting the closest known one.
class Args {
 public:
  explicit Args(std::string json_object);  // "" = no arguments
  ~Args();
  Args(const Args&) = delete;
  Args& operator=(const Args&) = delete;

  [[nodiscard]] bool has(const std::string& key) const;
  [[nodiscard]] std::optional<std::string> string(const std::string& key);
  [[nodiscard]] std::optional<double> number(const std::string& key);
  [[nodiscard]] std::optional<bool> boolean(const std::string& key);
  // A string or a list of strings.
  [[nodiscard]] std::optional<std::vector<std::string>> strings(const std::string& key);
  // Any JSON value, minified.
  [[nodiscard]] std::optional<std::string> json(const std::string& key);
  void finish() const;
  // Throws "unknown argument 'patern'. Did you mean 'pattern'?" when an argument nobody read is
  // close to `field` (which the scorer just reported missing or wrong); otherwise does nothing.
  void explain_misspelling(const std::string& field) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct ScorerEntry {
  std::string name;
  ScorerInfo info;
  std::function<std::unique_ptr<Scorer>(Args&)> make;
};

Registry<ScorerEntry>& scorer_registry();

// Builds a scorer from its entry, then rejects arguments it did not read. When construction
// fails, an unknown (perhaps misspelt) argument is reported first.
std::unique_ptr<Scorer> construct(const ScorerEntry& entry, Args& args);

// Builds a scorer from its name (registered, or `not-<name>`: scorer_entry) and arguments (a JSON
// object, "" for none).
// Throws ArgError for bad arguments and InputError for an unknown name.
std::unique_ptr<Scorer> make_scorer(const std::string& name, const std::string& args_json);

// Where a scorer is named: as a suite's dimension, or as a check in a case's `assert` list.
enum class ScorerUse { dimension, check };

// Why `not-<entry>` cannot be used there, as a sentence starting with the scorer's name ("" when
// it can): a negated pass/fail scorer passes when the scorer fails; a negated 0–1 check passes
// below its threshold, so a 0–1 scorer is negated only as a check.
std::string negation_refusal(const ScorerEntry& entry, ScorerUse use);

// A name as written: the registered scorer, and whether a `not-` prefix negates it. Throws
// InputError for an unknown name ("Did you mean ...").
struct ScorerName {
  const ScorerEntry* entry = nullptr;
  bool negated = false;
};
ScorerName resolve_scorer_name(const std::string& name);
// Throws InputError when `name` negates a scorer that cannot be negated in `use`, saying why.
void require_negatable(const ScorerName& name, ScorerUse use);

// The entry of a dimension's scorer: a registered one, or `not-<name>` (built on first use, its
// values inverted: a pass/fail dimension whose passes are what the suite wants). Throws as
// resolve_scorer_name and require_negatable; find_scorer_entry returns nullptr instead.
const ScorerEntry& scorer_entry(const std::string& name);
const ScorerEntry* find_scorer_entry(const std::string& name);

struct ScorerRegistrar {
  explicit ScorerRegistrar(ScorerEntry entry) { scorer_registry().add(std::move(entry)); }
};

}  // namespace qb

#define QB_SCORER_CAT2(a, b) a##b
#define QB_SCORER_CAT(a, b) QB_SCORER_CAT2(a, b)
// QB_REGISTER_SCORER("name", info, factory) — one line at the end of a scorer's file.
#define QB_REGISTER_SCORER(NAME, INFO, FACTORY)                                         \
  static const ::qb::ScorerRegistrar QB_SCORER_CAT(qb_scorer_registrar_, __COUNTER__) { \
    ::qb::ScorerEntry { NAME, INFO, FACTORY }                                           \
  }
