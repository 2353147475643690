#pragma once
// suite.yaml in native types. The schema is documented in docs/suite.md. parse_suite() reads the
// text and checks everything that needs no registry (shapes, names, numbers, references between
// the suite's own parts); bind/bind.hpp then binds the suite to this build's scorers and
// providers (bind_suite, read_suite, load_suite). parse_suite() needs no file system: a stored run
// re-renders from its stored suite text.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qualbar/core/error.hpp"
#include "qualbar/core/limits.hpp"
#include "qualbar/core/score.hpp"
#include "qualbar/util/config.hpp"

namespace qb {

inline constexpr int kSuiteSchemaVersion = 1;
inline constexpr const char* kErrorsDimension = "errors";

struct DimensionSpec {
  std::string name;
  std::string scorer;
  std::string args_json;            // "" when none
  std::optional<double> threshold;  // graded scorers: a case passes when value >= threshold
  std::string description;
  bool builtin = false;  // added by qualbar (the errors dimension), not written by the user
  Location where;        // of its name
  // For the binder's messages: where the scorer and the threshold are written, and the `args`
  // map as written (an undefined node when there is none).
  Location spec_where;  // of what follows its name (a scorer, or a map)
  Location scorer_where;
  Location threshold_where;
  ConfigNode args;
  // Set by bind_suite from the scorer: how the dimension's cells sum up, and whether it asks the
  // judge.
  Aggregation aggregation = Aggregation::rate;
  bool judged = false;
};

// One limit: `<stat>_min` / `<stat>_max` in YAML; bare `min` / `max` is the estimate.
struct BarLimit {
  std::string key;   // as written: "min", "p95_max", "per_useful_max"
  std::string stat;  // "estimate", "p95", "per_useful", ...
  bool is_max = false;
  double limit = 0.0;
  Location where;  // of its key; bind_suite checks the key fits the dimension's kind
};

struct DimensionBars {
  std::vector<BarLimit> overall;    // gate the run
  std::vector<BarLimit> per_slice;  // every slice cell; a failing cell fails the run
  Location where;
};

// A slice key, or several crossed ("category" or "category × language").
struct SliceSpec {
  std::vector<std::string> keys;
  [[nodiscard]] std::string name() const;
  Location where = {};  // where the suite names it (no file: a default slice)
};

// A slice that must meet its bars or the run fails: `category=refund-dispute`.
struct CriticalSlice {
  SliceSpec slice;
  std::vector<std::string> values;                    // one per key
  std::map<std::string, std::vector<BarLimit>> bars;  // by dimension; empty = the overall bars
  [[nodiscard]] std::string label() const;            // "category=refund-dispute"
  Location where;
};

// Fairness across the values of one slice key (a customer segment, a protected attribute in
// metadata): the largest gap between groups in the dimension's pass rate (and, given the positive
// label of a classifier, in true- and false-positive rates), and the lowest-to-highest ratio.
struct FairnessSpec {
  std::string dimension;               // a pass/fail or 0–1 dimension
  Location dimension_where, positive_where;
  std::string across;                  // a slice key: a case field or a metadata key
  std::optional<std::string> positive;  // label-match dimensions: the positive class (TPR, FPR)
  std::optional<double> max_gap;       // bar: the pass-rate gap (and TPR/FPR gaps) at most this
  std::optional<double> min_ratio;     // bar: lowest / highest pass rate at least this (0.8)
  std::size_t min_cases = 20;  // a rate on fewer cases of a group is listed, not compared
  Location where;
};

struct SystemSpec {
  std::string provider = "replay";
  std::string responses;  // replay: path, resolved against the suite's folder
  std::string model;      // label; the replay provider falls back to the responses' "model"
  // command: the program and its arguments (a text is run by /bin/sh -c), started in the suite's
  // folder, and how long one answer may take.
  std::vector<std::string> command;
  double timeout_s = 30.0;
  Location where;        // of the `system` map, for messages
  Location provider_where;   // of `provider`
  Location responses_where;  // of `responses`
  ConfigNode settings;   // the `system` map as written: providers read their own settings from it
};

// The suite's `judge_check` map (docs/judge-check.md): when a judge can be trusted, with the
// defaults used when the suite does not say.
struct JudgeCheckSettings {
  double min_kappa = 0.6;      // below this the judge is not usable (overall or in a slice)
  double max_bias = 0.05;      // |judge − human| rate beyond this, interval excluding 0: correct it
  std::size_t min_items = 50;  // fewer items with both grades: too few to vouch for the judge
  double max_position_flips = 0.10;  // share of pairs whose verdict flips under swap
  double verbosity_alpha = 0.01;     // significance of the length effect (strict: a flag blocks)
  double max_verbosity_gap = 0.05;   // and its size: gap of the longest quarter minus the shortest
  double drift_tolerance = 0.05;     // agreement drop from the baseline window that alerts
  std::size_t drift_baseline_windows = 1;  // the first windows (with min_window_items) pooled
  std::size_t min_window_items = 30;  // a window with fewer items is listed, not tested
  double confidence = 0.95;
  std::uint64_t seed = 20261127;  // bootstrap seed: same data, same intervals
};

// The suite's `monitor` map (docs/monitor.md): how production traffic is sampled and when a
// change is an alert, with the defaults used when the suite does not say.
struct MonitorSettings {
  double sample_rate = 0.01;        // share of records kept whole, decided by a hash of the id
  // Each stratum gets at least this many sampled a week. Unless written, derived per stratum
  // (monitor/ingest.hpp, stratum_floor): twice min_graded after expected_loss every week for a
  // critical slice's stratum, min_graded over pool_weeks for the others.
  std::size_t min_per_window = 30;
  bool min_per_window_written = false;
  // The share of sampled records expected not to become a grade (failed calls, reviewers who
  // disagree or cannot judge): the floors are sized to cover it.
  double expected_loss = 0.15;
  std::vector<std::string> stratify_by = {"category"};  // record fields (or metadata keys)
  std::string salt;                 // of the sampling hash; "" = the suite's name
  std::size_t baseline_windows = 4;  // the first weeks with data, pooled, are the baseline
  std::string baseline_run;         // or a stored run: its rates are the baseline
  std::size_t min_graded = 30;      // a week with fewer graded items is listed, not tested
  // A slice whose typical week has fewer than min_graded graded items is tested on this many
  // weeks pooled (a rolling window), and says so.
  std::size_t pool_weeks = 4;
  // Weeks after a week closes before its missing grades are a gap `monitor status` fails on
  // (the most recent closed week may still be being graded).
  std::size_t grading_grace_weeks = 1;
  // Alerts on one signal (a dimension, an input distribution, an operational signal) join its
  // open incident; the incident resolves once the signal has been back within tolerance for
  // resolve_weeks weeks in a row, and an alert within merge_weeks of that reopens it.
  std::size_t merge_weeks = 4;
  std::size_t resolve_weeks = 2;
  double tolerance = 0.02;          // a week below the baseline by more than this (and
                                    // significantly) is an alert
  // Significance of the weekly, trend and input-drift tests. Strict because each is repeated
  // every week for every series, overall and per slice: with these defaults a flat 94% raises a
  // false quality incident in about 4% of half-years of the product's process (docs/monitor.md,
  // "How well the defaults work": bench/monitor_sim.cpp).
  double alpha = 0.0002;
  // CUSUM decision interval and allowance, in standard errors of a week's difference from the
  // baseline (the baseline's own error included); Page–Hinkley uses the same decision interval.
  // The allowance is wide because an estimated baseline is off by a little for good: a narrower
  // one adds that offset up week after week into false alarms.
  double cusum_h = 6.0;
  double cusum_k = 1.25;
  double psi_alert = 0.25;          // population stability index that alerts (input drift)
  // Operational signals: a rise of latency (p50, p95) or of cost per response by more than this
  // share of its baseline matters (the error and refusal rates use `tolerance`, in points).
  double latency_tolerance = 0.2;
  double cost_tolerance = 0.2;
  std::vector<std::string> dimensions;  // scored on every record; empty = every model-free one
  // A record without `language` gets the language CLD2 is sure of in its input (else its
  // output), for the language slice; unsure: no language, as before.
  bool detect_language = false;
  Location where;                   // of the `monitor` map, for messages
};

struct Suite {
  int schema_version = kSuiteSchemaVersion;
  std::string name;
  std::string description;
  std::string file;  // as given, for messages
  std::filesystem::path dir;
  std::vector<std::string> datasets;  // resolved paths
  std::vector<Location> datasets_where;
  SystemSpec system;
  std::vector<DimensionSpec> dimensions;  // user dimensions first, then built-ins
  std::vector<SliceSpec> slices;
  std::map<std::string, DimensionBars> bars;
  std::vector<CriticalSlice> critical_slices;
  std::vector<FairnessSpec> fairness;
  // Regression tolerances for `qualbar compare`: a drop of a dimension within this is not a
  // regression (a rate in points as a share, 0.02 = 2 points; a measurement in its unit).
  std::map<std::string, double> tolerances;
  // The judge model's settings as written (`judge:`, the fields of an openai system): read, with
  // its API key, only when a run needs it (providers/chat_settings.hpp), so re-rendering a stored
  // run needs no key. Undefined when the suite has no judge.
  ConfigNode judge;  // is_map() when the suite has one
  JudgeCheckSettings judge_check;  // when a judge is trusted (defaults unless the suite says)
  MonitorSettings monitor;         // production sampling and alerts (defaults unless it says)
  Limits limits;                   // `limits` and system.max_output_bytes (defaults unless set)
  // Dimensions a useful response passes (cost per useful response). As written, with where each
  // is written; when the suite does not say, bind_suite fills in every pass/fail dimension.
  std::vector<std::string> useful;
  std::vector<Location> useful_where;
  bool useful_written = false;
  double confidence = 0.95;  // of every interval, and the α (= 1 − confidence) of the size check
  double power = 0.80;       // of the minimum-detectable-effect check
  double min_effect = 0.10;  // a slice must be able to show a drop this large, else it is flagged
  std::string store;         // resolved path; "" = default
  std::string source_text;   // the YAML as read
  std::string hash;          // of source_text
  std::string bars_hash;     // of the bars and critical slices only, to compare runs' bars
  bool bound = false;        // bind_suite has run

  [[nodiscard]] const DimensionSpec* find_dimension(std::string_view name) const;
};

// Parses suite text without consulting any registry. `file` names it in messages; relative paths
// resolve against `dir`. The result is bound with bind_suite (bind/bind.hpp) before it is used.
Suite parse_suite(std::string_view yaml_text, const std::string& file,
                  const std::filesystem::path& dir);

}  // namespace qb
