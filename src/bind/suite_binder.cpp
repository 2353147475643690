// bind_suite: the parsed suite against the registries. Every message here is one a user saw before
// parse and bind were split, at the same place (tests/cases pins them).
#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "qualbar/bind/bind.hpp"
#include "qualbar/core/registry.hpp"
#include "qualbar/providers/chat_settings.hpp"
#include "qualbar/providers/provider.hpp"
#include "qualbar/scorers/scorer.hpp"
#include "qualbar/util/files.hpp"

namespace qb {
namespace {

// The statistics a bar may limit, by how a dimension aggregates.
std::vector<std::string> bar_stats(Aggregation a) {
  switch (a) {
    case Aggregation::rate:
    case Aggregation::mean:
      return {"estimate"};
    case Aggregation::quantiles:
      return {"p50", "p90", "p95", "p99", "mean"};
    case Aggregation::total:
      return {"per_response", "per_useful", "total"};
  }
  return {};
}

std::string describe(Aggregation a) {
  switch (a) {
    case Aggregation::rate:
      return "a pass rate";
    case Aggregation::mean:
      return "a mean score";
    case Aggregation::quantiles:
      return "a measurement with percentiles (such as latency)";
    case Aggregation::total:
      return "a cost (totals per response and per useful response)";
  }
  return "";
}

Aggregation aggregation_of(const ScorerInfo& info, const std::optional<double>& threshold) {
  switch (info.kind) {
    case ScoreKind::binary:
      return Aggregation::rate;
    case ScoreKind::graded:
      return threshold ? Aggregation::rate : Aggregation::mean;
    case ScoreKind::measurement:
      return info.measurement_aggregation;
  }
  return Aggregation::rate;
}

const ScorerInfo& info_of(const DimensionSpec& d) { return scorer_entry(d.scorer).info; }

// The limits a dimension's bar may set: `min`/`max` of each of its statistics (and `per_slice` in
// its own bars). A limit of another kind of dimension is explained, anything else is unknown.
void check_limits(const std::vector<BarLimit>& limits, Aggregation aggregation,
                  bool allow_per_slice) {
  std::vector<std::string> known;
  for (const auto& st : bar_stats(aggregation)) {
    const std::string prefix = st == "estimate" ? "" : st + "_";
    known.push_back(prefix + "min");
    known.push_back(prefix + "max");
  }
  const std::vector<std::string> limits_only = known;
  if (allow_per_slice) known.push_back("per_slice");
  for (const BarLimit& b : limits) {
    if (std::find(known.begin(), known.end(), b.key) != known.end()) continue;
    for (Aggregation other : {Aggregation::rate, Aggregation::quantiles, Aggregation::total}) {
      if (other == aggregation || (other == Aggregation::rate && aggregation == Aggregation::mean))
        continue;
      for (const auto& st : bar_stats(other)) {
        const std::string prefix = st == "estimate" ? "" : st + "_";
        if (b.key != prefix + "min" && b.key != prefix + "max") continue;
        throw InputError(b.where,
                         fmt::format("this dimension is {}, so its limits are {}; '{}' is for {}",
                                     describe(aggregation), fmt::join(limits_only, ", "), b.key,
                                     describe(other)));
      }
    }
  }
  for (const BarLimit& b : limits) {
    if (std::find(known.begin(), known.end(), b.key) != known.end()) continue;
    std::string message = fmt::format("unknown field '{}'", b.key);
    if (auto guess = detail::closest_name(b.key, known); !guess.empty()) {
      message += fmt::format(". Did you mean '{}'?", guess);
    } else {
      message += fmt::format(". Known fields here: {}", fmt::join(known, ", "));
    }
    throw InputError(b.where, message);
  }
  // A pass rate or a mean of 0–1 scores is a fraction: `min: 85` would be a bar no run can meet.
  if (aggregation != Aggregation::rate && aggregation != Aggregation::mean) return;
  for (const BarLimit& b : limits) {
    if (b.limit >= 0 && b.limit <= 1) continue;
    std::string message = fmt::format(
        "{:g} is outside 0–1: this dimension is {}, and its limits are fractions", b.limit,
        describe(aggregation));
    if (b.limit > 1 && b.limit <= 100)
      message += fmt::format(" (did you mean {}: {:g}, for {:g}%?)", b.key, b.limit / 100, b.limit);
    throw InputError(b.where, message);
  }
}

// The system's fields are those its provider reads.
void bind_system(const ConfigReader& p, Suite& s) {
  const ProviderEntry* provider = nullptr;
  try {
    provider = &provider_registry().get(s.system.provider);
  } catch (const InputError& e) {
    throw InputError(s.system.provider_where, e.what());
  }
  if (!s.system.settings) return;
  std::vector<std::string> known = {"provider", "model"};
  known.insert(known.end(), provider->fields.begin(), provider->fields.end());
  known.push_back("max_output_bytes");  // every provider's answers are held to it
  p.check_keys(s.system.settings, "system", known);
}

// A dimension's scorer: it exists, takes the threshold and the arguments given, and tells
// whether it asks the judge.
void bind_dimension(DimensionSpec& d) {
  const ScorerEntry* entry = nullptr;
  try {
    entry = &scorer_entry(d.scorer);
  } catch (const InputError& e) {
    throw InputError(d.scorer_where, e.what());
  }
  if (d.threshold && entry->info.kind != ScoreKind::graded) {
    throw InputError(
        d.threshold_where,
        fmt::format("'{}' is {}, so it takes no threshold (thresholds are for 0–1 scores such as "
                    "token-f1)",
                    d.scorer, entry->info.kind == ScoreKind::binary ? "pass/fail" : "a measurement"));
  }
  try {
    Args a(d.args_json);
    d.judged = construct(*entry, a)->uses_judge();
  } catch (const ArgError& e) {
    const ConfigNode& arg = d.args[e.field()];
    const Location at = arg ? Location{d.where.file, arg.line(), arg.column(), ""}
                        : d.args ? Location{d.where.file, d.args.line(), d.args.column(), ""}
                                 : d.where;
    throw InputError(at.with_field(fmt::format("dimensions.{}.args.{}", d.name, e.field())),
                     e.what());
  }
  d.aggregation = aggregation_of(entry->info, d.threshold);
}

// Arguments naming another dimension (calibration's `against`).
void bind_dimension_args(const ConfigReader& p, const Suite& s) {
  for (const auto& d : s.dimensions) {
    const ScorerInfo& info = info_of(d);
    if (info.dimension_arg.empty()) continue;
    const ConfigNode& node = d.args[info.dimension_arg];
    if (!node.is_scalar()) continue;  // the scorer itself reported it
    const std::string& target = node.scalar();
    const std::string field = "dimensions." + d.name + ".args." + info.dimension_arg;
    const DimensionSpec* other = s.find_dimension(target);
    if (other == nullptr) {
      std::vector<std::string> names;
      for (const auto& x : s.dimensions) names.push_back(x.name);
      std::string message = fmt::format("there is no dimension '{}'.", target);
      if (auto guess = detail::closest_name(target, names); !guess.empty())
        message += fmt::format(" Did you mean '{}'?", guess);
      message += fmt::format(" Dimensions: {}", fmt::join(names, ", "));
      p.fail(node, field, message);
    }
    if (target == d.name) p.fail(node, field, "a dimension cannot be measured against itself");
    if (info_of(*other).kind == ScoreKind::measurement) {
      p.fail(node, field,
             fmt::format("'{}' is a measurement; name a pass/fail or 0–1 dimension (what counts "
                         "as correct)",
                         target));
    }
  }
}

void bind_judge(const ConfigReader& p, const Suite& s) {
  if (s.judge.is_map()) {
    std::vector<std::string> known = chat_setting_fields();
    known.insert(known.begin(), {"model", "grades"});
    p.check_keys(s.judge, "judge", known);
    return;
  }
  for (const auto& d : s.dimensions) {
    if (!d.judged) continue;
    throw InputError(d.spec_where,
                     fmt::format("'{}' asks a judge model, and the suite has no `judge:` section "
                                 "(e.g. judge: {{base_url: https://api.openai.com/v1, model: "
                                 "gpt-4o-mini, api_key_env: OPENAI_API_KEY}})",
                                 d.scorer));
  }
}

void bind_bars(Suite& s) {
  for (const auto& [dim, b] : s.bars) {
    const Aggregation a = s.find_dimension(dim)->aggregation;
    check_limits(b.overall, a, true);
    check_limits(b.per_slice, a, false);
  }
  for (const auto& c : s.critical_slices)
    for (const auto& [dim, limits] : c.bars) check_limits(limits, s.find_dimension(dim)->aggregation, false);
}

// `useful` as written must name pass/fail dimensions; unwritten, it is every one of them.
void bind_useful(Suite& s) {
  if (!s.useful_written) {
    for (const auto& d : s.dimensions) {
      if (!d.builtin && info_of(d).higher_is_better && d.aggregation == Aggregation::rate)
        s.useful.push_back(d.name);
    }
    return;
  }
  for (std::size_t i = 0; i < s.useful.size(); ++i) {
    const DimensionSpec& d = *s.find_dimension(s.useful[i]);
    if (d.aggregation != Aggregation::rate || !info_of(d).higher_is_better) {
      throw InputError(s.useful_where[i],
                       fmt::format("'{}' is not a pass/fail dimension, so a response cannot pass it",
                                   d.name));
    }
  }
}

void bind_fairness(const Suite& s) {
  for (const FairnessSpec& f : s.fairness) {
    const ScorerInfo& info = info_of(*s.find_dimension(f.dimension));
    if (info.kind == ScoreKind::measurement) {
      throw InputError(f.dimension_where,
                       fmt::format("'{}' is a measurement; fairness compares pass rates of a "
                                   "pass/fail or 0–1 dimension",
                                   f.dimension));
    }
    if (f.positive && info.analysis != "classification") {
      throw InputError(f.positive_where,
                       fmt::format("true- and false-positive rates need a classifier: '{}' is not "
                                   "a label-match dimension",
                                   f.dimension));
    }
  }
}

// Everything that decides pass or fail, written out canonically: layout and comments of the
// YAML do not change it; a changed threshold, scorer argument or bar does.
std::string canonical_bars(const Suite& s) {
  std::string out;
  for (const auto& d : s.dimensions) {
    out += fmt::format("dimension {} {} {} {}\n", d.name, d.scorer, d.args_json,
                       d.threshold ? fmt::format("{}", *d.threshold) : "-");
  }
  auto limits = [&](const std::vector<BarLimit>& ls) {
    std::string t;
    for (const auto& l : ls) t += fmt::format(" {}={}", l.key, l.limit);
    return t;
  };
  for (const auto& [dim, b] : s.bars)
    out += fmt::format("bar {}{} per_slice{}\n", dim, limits(b.overall), limits(b.per_slice));
  for (const auto& c : s.critical_slices) {
    out += "critical " + c.label();
    for (const auto& [dim, ls] : c.bars) out += fmt::format(" {}:{}", dim, limits(ls));
    out += "\n";
  }
  out += fmt::format("useful {}\n", fmt::join(s.useful, ","));
  for (const auto& [dim, t] : s.tolerances) out += fmt::format("tolerance {} {}\n", dim, t);
  // Judged dimensions depend on the judge: another judge model is another measurement.
  if (s.judge.is_map())
    out += fmt::format("judge {} {}\n", s.judge["model"].scalar(), s.judge["base_url"].scalar());
  for (const auto& f : s.fairness) {
    out += fmt::format("fairness {} across {} positive {} max_gap {} min_ratio {} min_cases {}\n",
                       f.dimension, f.across, f.positive.value_or("-"),
                       f.max_gap ? fmt::format("{}", *f.max_gap) : "-",
                       f.min_ratio ? fmt::format("{}", *f.min_ratio) : "-", f.min_cases);
  }
  return out;
}

}  // namespace

void bind_suite(Suite& s) {
  if (s.bound) return;
  const ConfigReader p(s.file, s.dir);
  bind_system(p, s);
  for (auto& d : s.dimensions) bind_dimension(d);
  bind_judge(p, s);
  bind_dimension_args(p, s);
  bind_bars(s);
  bind_useful(s);
  bind_fairness(s);
  s.bars_hash = content_hash(canonical_bars(s));
  s.bound = true;
}

Suite read_suite(std::string_view yaml_text, const std::string& file,
                 const std::filesystem::path& dir) {
  Suite s = parse_suite(yaml_text, file, dir);
  bind_suite(s);
  return s;
}

Suite load_suite(const std::string& path) {
  const std::string text = read_file(path);
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  Suite s = read_suite(text, path, dir.empty() ? std::filesystem::path(".") : dir);
  // Paths are checked here, not when parsing: a stored run re-renders without its files.
  for (std::size_t i = 0; i < s.datasets.size(); ++i) {
    if (!std::filesystem::exists(s.datasets[i]))
      throw InputError(s.datasets_where[i],
                       fmt::format("the dataset file '{}' does not exist", s.datasets[i]));
  }
  if (!s.system.responses.empty() && !std::filesystem::exists(s.system.responses)) {
    throw InputError(s.system.responses_where,
                     fmt::format("the responses file '{}' does not exist", s.system.responses));
  }
  return s;
}

}  // namespace qb
