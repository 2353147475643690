#include "qualbar/suite/suite.hpp"

// Parsing, without any registry: the shape of every field, numbers and their ranges, the names of
// dimensions where the suite refers to them. What the scorers and providers must say (a scorer
// exists, a threshold suits it, a bar suits its kind, a provider reads this field) is checked by
// bind_suite (src/bind/suite_binder.cpp), which reports at the same places.

#include <algorithm>

#include <fmt/format.h>

#include "qualbar/core/registry.hpp"
#include "qualbar/util/files.hpp"

namespace qb {
namespace {

const std::vector<std::string> kTopLevelFields = {
    "schema_version", "name",       "description", "datasets",        "system",
    "dimensions",     "slices",     "bars",        "critical_slices", "useful",
    "confidence",     "power",      "min_effect",  "store",           "fairness",
    "judge",          "tolerances", "judge_check", "monitor",         "limits"};

// [a-z][a-z0-9_-]*
bool valid_dimension_name(const std::string& name) {
  if (name.empty() || name[0] < 'a' || name[0] > 'z') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

// A map of limits as written; bind_suite checks each key against the dimension's kind.
// `per_slice` (in a dimension's own bars) is read by the caller.
std::vector<BarLimit> parse_limits(const ConfigReader& p, const ConfigNode& node,
                                   const std::string& field, bool allow_per_slice) {
  if (!node.is_map()) p.fail(node, field, "expected a map of limits such as {min: 0.85}");
  p.check_unique_keys(node, field);
  std::vector<BarLimit> out;
  for (const auto& [k, v] : node.members()) {
    const std::string& key = k.scalar();
    if (key == "per_slice" && allow_per_slice) continue;
    BarLimit b;
    b.key = key;
    b.is_max = key.ends_with("max");
    const std::string stat = key.size() > 4 ? key.substr(0, key.size() - 4) : "";
    b.stat = stat.empty() ? "estimate" : stat;
    b.where = p.at(k, field + "." + key);
    b.limit = p.number(v, field + "." + key);
    out.push_back(std::move(b));
  }
  return out;
}

SliceSpec parse_slice_keys(const ConfigReader& p, const ConfigNode& node,
                           const std::string& field) {
  SliceSpec s;
  if (node.is_scalar()) {
    s.keys.push_back(node.scalar());
  } else if (node.is_sequence() && node.size() > 0) {
    for (const auto& k : node.items()) s.keys.push_back(p.string(k, field));
  } else {
    p.fail(node, field, "expected a slice key such as 'category', or a list of keys to cross");
  }
  for (const auto& k : s.keys) {
    if (k.empty()) p.fail(node, field, "a slice key is empty");
  }
  s.where = p.at(node, field);
  return s;
}

// Fails at `node` when the suite has no dimension `name`, suggesting the closest.
void check_dimension(const ConfigReader& p, const Suite& s, const ConfigNode& node,
                     const std::string& name, const std::string& field) {
  if (s.find_dimension(name)) return;
  std::vector<std::string> names;
  for (const auto& d : s.dimensions) names.push_back(d.name);
  std::string message = fmt::format("there is no dimension '{}'.", name);
  if (auto guess = detail::closest_name(name, names); !guess.empty())
    message += fmt::format(" Did you mean '{}'?", guess);
  message += fmt::format(" Dimensions: {}", fmt::join(names, ", "));
  p.fail(node, field, message);
}

void parse_system(const ConfigReader& p, const ConfigNode& sys, Suite& s) {
  if (!sys.is_map())
    p.fail(sys, "system", "expected a map such as {provider: replay, responses: responses.jsonl}");
  s.system.where = p.at(sys, "system");
  s.system.settings = sys;
  if (const ConfigNode& provider = sys["provider"]) {
    s.system.provider = p.string(provider, "system.provider");
    s.system.provider_where = p.at(provider, "system.provider");
  }
  if (const ConfigNode& responses = sys["responses"]) {
    s.system.responses = p.resolve(p.string(responses, "system.responses"));
    s.system.responses_where = p.at(responses, "system.responses");
  }
  if (sys["model"]) s.system.model = p.string(sys["model"], "system.model");
  if (const ConfigNode& cmd = sys["command"]) {
    if (cmd.is_scalar()) {
      s.system.command = {"/bin/sh", "-c", cmd.scalar()};
    } else if (cmd.is_sequence() && cmd.size() > 0) {
      for (const auto& part : cmd.items())
        s.system.command.push_back(p.string(part, "system.command"));
    } else {
      p.fail(cmd, "system.command", "expected a program and its arguments, e.g. [python3, model.py]");
    }
  }
  if (sys["timeout_s"]) {
    s.system.timeout_s = p.number(sys["timeout_s"], "system.timeout_s");
    if (!(s.system.timeout_s > 0))
      p.fail(sys["timeout_s"], "system.timeout_s", "must be more than 0 seconds");
  }
  if (sys["max_output_bytes"]) {
    s.limits.max_output_bytes = static_cast<std::size_t>(
        p.integer(sys["max_output_bytes"], "system.max_output_bytes", 1));
  }
  if (s.system.provider == "command" && s.system.command.empty()) {
    p.fail(sys, "system.command",
           "is required by the command provider: the program to start, e.g. [python3, model.py]");
  }
}

DimensionSpec parse_dimension(const ConfigReader& p, const ConfigNode& key,
                              const ConfigNode& spec) {
  DimensionSpec d;
  d.name = key.scalar();
  const std::string field = "dimensions." + d.name;
  d.where = p.at(key, field);
  d.spec_where = p.at(spec, field);
  if (!valid_dimension_name(d.name)) {
    p.fail(key, field,
           "a dimension name is lower case letters, digits, '_' and '-', starting with a letter");
  }
  if (spec.is_map()) {
    p.check_keys(spec, field, {"scorer", "args", "threshold", "description"});
    if (!spec["scorer"])
      p.fail(key, field + ".scorer",
             "is required: which scorer measures this dimension (qualbar list scorers)");
  } else if (!spec.is_scalar()) {
    p.fail(spec, field, "expected a scorer name or a map {scorer: ..., args: ...}");
  }
  const ConfigNode& scorer = spec.is_map() ? spec["scorer"] : spec;
  d.scorer = p.string(scorer, field + ".scorer");
  d.scorer_where = p.at(scorer, field + ".scorer");
  if (spec.is_map()) {
    if (spec["description"]) d.description = p.string(spec["description"], field + ".description");
    if (const ConfigNode& t = spec["threshold"]) {
      d.threshold_where = p.at(t, field + ".threshold");
      const double v = p.number(t, field + ".threshold");
      if (v < 0.0 || v > 1.0)
        p.fail(t, field + ".threshold", fmt::format("must be between 0 and 1, got {}", v));
      d.threshold = v;
    }
    if (const ConfigNode& args = spec["args"]) {
      if (!args.is_map()) p.fail(args, field + ".args", "expected a map of arguments");
      d.args = args;
      d.args_json = config_json(args);
    }
  }
  if (d.name == kErrorsDimension && d.scorer != "error-rate")
    p.fail(key, field, "'errors' is the built-in error-rate dimension; choose another name");
  return d;
}

void parse_dimensions(const ConfigReader& p, const ConfigNode& dims, Suite& s) {
  if (!dims.is_map() || dims.size() == 0)
    p.fail(dims, "dimensions", "expected a map of dimension name to {scorer: ...}");
  p.check_unique_keys(dims, "dimensions");
  for (const auto& [key, spec] : dims.members()) s.dimensions.push_back(parse_dimension(p, key, spec));
  if (!s.find_dimension(kErrorsDimension)) {
    DimensionSpec e;
    e.name = kErrorsDimension;
    e.scorer = "error-rate";
    e.description = "Share of cases whose model call failed or has no response.";
    e.builtin = true;
    s.dimensions.push_back(std::move(e));
  }
}

// The judge: its shape here; its fields against the chat settings when the suite is bound, its
// settings (and key) when a run needs them.
void parse_judge(const ConfigReader& p, const ConfigNode& judge, Suite& s) {
  if (!judge.is_map())
    p.fail(judge, "judge",
           "expected a map such as {base_url: https://api.openai.com/v1, model: gpt-4o-mini}");
  if (!judge["model"]) p.fail(judge, "judge.model", "is required: the model that judges");
  (void)p.string(judge["model"], "judge.model");
  if (judge["base_url"]) (void)p.string(judge["base_url"], "judge.base_url");
  s.judge = judge;
}

void parse_bars(const ConfigReader& p, const ConfigNode& bars, Suite& s) {
  if (!bars.is_map())
    p.fail(bars, "bars",
           "expected a map of dimension name to limits, e.g. {correctness: {min: 0.85}}");
  p.check_unique_keys(bars, "bars");
  for (const auto& [key, limits] : bars.members()) {
    const std::string& dim = key.scalar();
    const std::string field = "bars." + dim;
    check_dimension(p, s, key, dim, field);
    DimensionBars b;
    b.where = p.at(key, field);
    b.overall = parse_limits(p, limits, field, true);
    if (const ConfigNode& ps = limits["per_slice"])
      b.per_slice = parse_limits(p, ps, field + ".per_slice", false);
    s.bars[dim] = std::move(b);
  }
}

void parse_critical_slices(const ConfigReader& p, const ConfigNode& root, Suite& s) {
  const auto check_dimension = [&](const ConfigNode& node, const std::string& name,
                                   const std::string& field) {
    qb::check_dimension(p, s, node, name, field);
  };
  if (const ConfigNode& crit = root["critical_slices"]) {
    if (!crit.is_sequence())
      p.fail(crit, "critical_slices", "expected a list such as [category=refund-dispute]");
    for (const auto& item : crit.items()) {
      CriticalSlice c;
      c.where = p.at(item, "critical_slices");
      if (item.is_map()) {
        p.check_keys(item, "critical_slices", {"slice", "bars"});
        if (!item["slice"])
          p.fail(item, "critical_slices.slice", "is required, e.g. slice: category=refund-dispute");
      }
      const ConfigNode& label = item.is_map() ? item["slice"] : item;
      const std::string text = p.string(label, "critical_slices");
      // "key=value" or "key=value × key2=value2" (also "&" or "," between parts).
      std::string rest;
      for (std::size_t i = 0; i < text.size();) {
        std::size_t matched = 0;
        for (const std::string_view sep : {" × ", "&", ","})
          if (std::string_view(text).substr(i).starts_with(sep)) matched = sep.size();
        if (matched > 0) {
          rest += '\n';
          i += matched;
        } else {
          rest += text[i++];
        }
      }
      std::size_t start = 0;
      while (start <= rest.size()) {
        const std::size_t end = std::min(rest.find('\n', start), rest.size());
        std::string part = rest.substr(start, end - start);
        part.erase(0, part.find_first_not_of(' '));
        part.erase(part.find_last_not_of(' ') + 1);
        const std::size_t eq = part.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == part.size()) {
          p.fail(label, "critical_slices",
                 fmt::format("'{}' is not of the form key=value (e.g. category=refund-dispute)",
                             text));
        }
        c.slice.keys.push_back(part.substr(0, eq));
        c.values.push_back(part.substr(eq + 1));
        start = end + 1;
      }
      if (item.is_map() && item["bars"]) {
        const ConfigNode& cb = item["bars"];
        if (!cb.is_map())
          p.fail(cb, "critical_slices.bars", "expected a map of dimension name to limits");
        for (const auto& [key, limits] : cb.members()) {
          const std::string& dim = key.scalar();
          check_dimension(key, dim, "critical_slices.bars." + dim);
          c.bars[dim] = parse_limits(p, limits, "critical_slices.bars." + dim, false);
        }
      }
      // A critical slice is always reported, even when `slices` does not list its keys.
      const bool listed = std::any_of(s.slices.begin(), s.slices.end(),
                                      [&](const SliceSpec& sl) { return sl.keys == c.slice.keys; });
      if (!listed) s.slices.push_back(c.slice);
      s.critical_slices.push_back(std::move(c));
    }
  }

}

void parse_useful(const ConfigReader& p, const ConfigNode& useful, Suite& s) {
  if (!useful.is_sequence())
    p.fail(useful, "useful", "expected a list of dimensions a useful response passes");
  s.useful_written = true;
  for (const auto& u : useful.items()) {
    const std::string name = p.string(u, "useful");
    check_dimension(p, s, u, name, "useful");
    s.useful.push_back(name);
    s.useful_where.push_back(p.at(u, "useful"));
  }
}

void parse_tolerances(const ConfigReader& p, const ConfigNode& tol, Suite& s) {
  if (!tol.is_map())
    p.fail(tol, "tolerances",
           "expected a map of dimension to the drop tolerated, e.g. {faithfulness: 0.02}");
  p.check_unique_keys(tol, "tolerances");
  for (const auto& [key, value] : tol.members()) {
    const std::string& dim = key.scalar();
    check_dimension(p, s, key, dim, "tolerances." + dim);
    const double t = p.number(value, "tolerances." + dim);
    if (!(t >= 0)) p.fail(value, "tolerances." + dim, "must be 0 or more");
    s.tolerances[dim] = t;
  }
}

FairnessSpec parse_fairness_item(const ConfigReader& p, const ConfigNode& item, const Suite& s) {
  if (!item.is_map())
    p.fail(item, "fairness", "expected a map such as {dimension: ..., across: segment}");
  p.check_keys(item, "fairness",
               {"dimension", "across", "positive", "max_gap", "min_ratio", "min_cases"});
  FairnessSpec f;
  f.where = p.at(item, "fairness");
  for (const char* key : {"dimension", "across"}) {
    if (!item[key])
      p.fail(item, fmt::format("fairness.{}", key),
             "is required: `dimension` names the quality measured, `across` the slice key "
             "whose groups are compared (a case field or a metadata key)");
  }
  f.dimension = p.string(item["dimension"], "fairness.dimension");
  f.dimension_where = p.at(item["dimension"], "fairness.dimension");
  check_dimension(p, s, item["dimension"], f.dimension, "fairness.dimension");
  f.across = p.string(item["across"], "fairness.across");
  if (f.across.empty()) p.fail(item["across"], "fairness.across", "is empty");
  if (item["positive"]) {
    f.positive = p.string(item["positive"], "fairness.positive");
    f.positive_where = p.at(item["positive"], "fairness.positive");
  }
  if (item["max_gap"]) {
    f.max_gap = p.number(item["max_gap"], "fairness.max_gap");
    if (!(*f.max_gap >= 0 && *f.max_gap <= 1))
      p.fail(item["max_gap"], "fairness.max_gap", "must be between 0 and 1 (a difference of rates)");
  }
  if (item["min_ratio"]) {
    f.min_ratio = p.number(item["min_ratio"], "fairness.min_ratio");
    if (!(*f.min_ratio > 0 && *f.min_ratio <= 1))
      p.fail(item["min_ratio"], "fairness.min_ratio",
             "must be more than 0 and at most 1 (the four-fifths rule is 0.8)");
  }
  if (item["min_cases"])
    f.min_cases = static_cast<std::size_t>(p.integer(item["min_cases"], "fairness.min_cases", 1));
  return f;
}

void parse_fairness(const ConfigReader& p, const ConfigNode& fair, Suite& s) {
  if (!fair.is_sequence())
    p.fail(fair, "fairness",
           "expected a list such as [{dimension: approved_correctly, across: segment, "
           "min_ratio: 0.8}]");
  for (const auto& item : fair.items()) s.fairness.push_back(parse_fairness_item(p, item, s));
}

// The suite's `monitor` map: production sampling and alerts.
void read_monitor(const ConfigReader& p, const ConfigNode& m, Suite& s) {
  MonitorSettings& out = s.monitor;
  if (!m.is_map())
    p.fail(m, "monitor", "expected a map such as {sample_rate: 0.01, stratify_by: [category]}");
  p.check_keys(m, "monitor",
               {"sample_rate", "min_per_window", "expected_loss", "stratify_by", "salt",
                "baseline_windows",
                "baseline_run", "min_graded", "pool_weeks", "grading_grace_weeks", "merge_weeks",
                "resolve_weeks", "tolerance", "alpha", "cusum_h", "cusum_k", "psi_alert",
                "latency_tolerance", "cost_tolerance", "detect_language", "dimensions"});
  out.where = p.at(m, "monitor");
  const auto field = [](const char* key) { return std::string("monitor.") + key; };
  if (m["sample_rate"]) {
    out.sample_rate = p.number(m["sample_rate"], field("sample_rate"));
    if (!(out.sample_rate > 0 && out.sample_rate <= 1))
      p.fail(m["sample_rate"], field("sample_rate"),
             "must be more than 0 and at most 1 (0.01 keeps 1% of records)");
  }
  for (const auto& [key, into] : {std::pair{"min_per_window", &out.min_per_window},
                                  std::pair{"baseline_windows", &out.baseline_windows},
                                  std::pair{"min_graded", &out.min_graded},
                                  std::pair{"pool_weeks", &out.pool_weeks},
                                  std::pair{"merge_weeks", &out.merge_weeks},
                                  std::pair{"resolve_weeks", &out.resolve_weeks}}) {
    if (m[key]) *into = static_cast<std::size_t>(p.integer(m[key], field(key), 1));
  }
  out.min_per_window_written = static_cast<bool>(m["min_per_window"]);
  if (m["expected_loss"]) {
    out.expected_loss = p.number(m["expected_loss"], field("expected_loss"));
    if (!(out.expected_loss >= 0 && out.expected_loss < 1))
      p.fail(m["expected_loss"], field("expected_loss"),
             "must be at least 0 and below 1 (0.15: 15% of sampled records give no grade)");
  }
  if (m["stratify_by"]) {
    out.stratify_by.clear();
    const ConfigNode& list = m["stratify_by"];
    if (list.is_scalar()) {
      out.stratify_by.push_back(p.string(list, field("stratify_by")));
    } else if (list.is_sequence()) {
      for (const auto& k : list.items()) out.stratify_by.push_back(p.string(k, field("stratify_by")));
    } else {
      p.fail(list, field("stratify_by"), "expected a field or a list, such as [category]");
    }
  }
  if (m["grading_grace_weeks"]) {
    out.grading_grace_weeks = static_cast<std::size_t>(
        p.integer(m["grading_grace_weeks"], field("grading_grace_weeks"), 0));
  }
  if (m["salt"]) out.salt = p.string(m["salt"], field("salt"));
  if (m["detect_language"])
    out.detect_language = p.boolean(m["detect_language"], field("detect_language"));
  if (m["baseline_run"]) out.baseline_run = p.string(m["baseline_run"], field("baseline_run"));
  if (m["tolerance"]) {
    out.tolerance = p.number(m["tolerance"], field("tolerance"));
    if (!(out.tolerance >= 0 && out.tolerance < 1))
      p.fail(m["tolerance"], field("tolerance"), "must be between 0 and 1 (a drop in pass rate)");
  }
  if (m["alpha"]) out.alpha = p.fraction(m["alpha"], field("alpha"));
  for (const auto& [key, into] : {std::pair{"cusum_h", &out.cusum_h}, std::pair{"cusum_k", &out.cusum_k},
                                  std::pair{"psi_alert", &out.psi_alert},
                                  std::pair{"latency_tolerance", &out.latency_tolerance},
                                  std::pair{"cost_tolerance", &out.cost_tolerance}}) {
    if (m[key]) *into = p.positive(m[key], field(key));
  }
  if (m["dimensions"]) {
    const ConfigNode& list = m["dimensions"];
    if (!list.is_sequence())
      p.fail(list, field("dimensions"), "expected a list of the suite's dimensions, such as [no_pii]");
    for (const auto& d : list.items()) {
      const std::string name = p.string(d, field("dimensions"));
      const DimensionSpec* spec = s.find_dimension(name);
      if (spec == nullptr || spec->builtin)
        p.fail(d, field("dimensions"), fmt::format("'{}' is not a dimension of this suite", name));
      out.dimensions.push_back(name);
    }
  }
}


// The suite's `limits` map (docs/data-formats.md, "Limits").
void read_limits(const ConfigReader& p, const ConfigNode& m, Limits& out) {
  if (!m.is_map())
    p.fail(m, "limits",
           "expected a map such as {max_line_bytes: 67108864, max_slice_values: 1000}");
  p.check_keys(m, "limits", {"max_line_bytes", "max_json_depth", "max_slice_values"});
  const auto count = [&](const char* key, std::size_t& into, long long min) {
    if (m[key])
      into = static_cast<std::size_t>(p.integer(m[key], std::string("limits.") + key, min));
  };
  count("max_line_bytes", out.max_line_bytes, 1024);
  count("max_json_depth", out.max_json_depth, 2);
  count("max_slice_values", out.max_slice_values, 2);
}


// The suite's `judge_check` map: thresholds for `qualbar judge-check`.
void read_judge_check(const ConfigReader& p, const ConfigNode& jc, JudgeCheckSettings& out) {
  if (!jc.is_map())
    p.fail(jc, "judge_check", "expected a map such as {min_kappa: 0.6, max_bias: 0.05}");
  p.check_keys(jc, "judge_check",
               {"min_kappa", "max_bias", "min_items", "max_position_flips", "verbosity_alpha",
                "max_verbosity_gap", "drift_tolerance", "drift_baseline_windows",
                "min_window_items"});
  const auto share = [&](const char* key, double& into, double lo) {
    if (!jc[key]) return;
    const std::string field = std::string("judge_check.") + key;
    into = p.number(jc[key], field);
    if (!(into >= lo && into <= 1))
      p.fail(jc[key], field, fmt::format("must be between {:g} and 1", lo));
  };
  const auto count = [&](const char* key, std::size_t& into) {
    if (jc[key])
      into = static_cast<std::size_t>(p.integer(jc[key], std::string("judge_check.") + key, 1));
  };
  share("min_kappa", out.min_kappa, -1);
  share("max_bias", out.max_bias, 0);
  share("max_position_flips", out.max_position_flips, 0);
  share("max_verbosity_gap", out.max_verbosity_gap, 0);
  share("drift_tolerance", out.drift_tolerance, 0);
  if (jc["verbosity_alpha"]) out.verbosity_alpha = p.fraction(jc["verbosity_alpha"], "judge_check.verbosity_alpha");
  count("min_items", out.min_items);
  count("drift_baseline_windows", out.drift_baseline_windows);
  count("min_window_items", out.min_window_items);
}


// schema_version, name, description and datasets (none for a monitor-only suite).
void parse_head(const ConfigReader& p, const ConfigNode& root, Suite& s) {
  const auto require = [&](const char* key) -> const ConfigNode& {
    const ConfigNode& n = root[key];
    if (!n) throw InputError(Location{s.file, 1, 1, key}, "is required (see docs/suite.md)");
    return n;
  };
  const ConfigNode& version = require("schema_version");
  s.schema_version = static_cast<int>(p.number(version, "schema_version"));
  if (s.schema_version != kSuiteSchemaVersion) {
    p.fail(version, "schema_version",
           fmt::format("this qualbar reads suite schema version {}, not {}", kSuiteSchemaVersion,
                       s.schema_version));
  }
  s.name = p.string(require("name"), "name");
  if (root["description"]) s.description = p.string(root["description"], "description");

  // A suite for production only (a `monitor` map) needs no dataset: its cases are the records.
  if (!root["datasets"] && root["monitor"]) return;
  const ConfigNode& datasets = require("datasets");
  if (datasets.is_scalar()) {
    s.datasets.push_back(p.resolve(datasets.scalar()));
    s.datasets_where.push_back(p.at(datasets, "datasets"));
  } else if (datasets.is_sequence() && datasets.size() > 0) {
    for (const auto& d : datasets.items()) {
      s.datasets.push_back(p.resolve(p.string(d, "datasets")));
      s.datasets_where.push_back(p.at(d, "datasets"));
    }
  } else {
    p.fail(datasets, "datasets", "expected a dataset path or a list of them");
  }
}

}  // namespace

std::string SliceSpec::name() const { return fmt::format("{}", fmt::join(keys, " × ")); }

std::string CriticalSlice::label() const {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < slice.keys.size(); ++i)
    parts.push_back(slice.keys[i] + "=" + values[i]);
  return fmt::format("{}", fmt::join(parts, " × "));
}

const DimensionSpec* Suite::find_dimension(std::string_view name) const {
  for (const auto& d : dimensions) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

Suite parse_suite(std::string_view yaml_text, const std::string& file,
                  const std::filesystem::path& dir) {
  const ConfigReader p(file, dir);
  const ConfigNode root = p.load(yaml_text);
  if (!root.is_map())
    throw InputError(Location{file, 1, 1, ""},
                     "a suite is a YAML map with fields such as name, datasets and dimensions");
  p.check_keys(root, "", kTopLevelFields);

  Suite s;
  s.file = file;
  s.dir = dir;
  s.source_text = std::string(yaml_text);
  s.hash = content_hash(yaml_text);
  parse_head(p, root, s);
  if (const ConfigNode& sys = root["system"]) parse_system(p, sys, s);
  if (!root["dimensions"])
    throw InputError(Location{file, 1, 1, "dimensions"}, "is required (see docs/suite.md)");
  parse_dimensions(p, root["dimensions"], s);
  if (const ConfigNode& judge = root["judge"]) parse_judge(p, judge, s);
  if (const ConfigNode& slices = root["slices"]) {
    if (!slices.is_sequence())
      p.fail(slices, "slices",
             "expected a list of slice keys, e.g. [category, language, [category, language]]");
    for (const auto& sl : slices.items()) s.slices.push_back(parse_slice_keys(p, sl, "slices"));
  } else {
    s.slices = {SliceSpec{{"category"}}, SliceSpec{{"language"}}};
  }
  if (const ConfigNode& bars = root["bars"]) parse_bars(p, bars, s);
  parse_critical_slices(p, root, s);
  if (const ConfigNode& useful = root["useful"]) parse_useful(p, useful, s);
  if (const ConfigNode& tol = root["tolerances"]) parse_tolerances(p, tol, s);
  if (const ConfigNode& fair = root["fairness"]) parse_fairness(p, fair, s);
  if (const ConfigNode& jc = root["judge_check"]) read_judge_check(p, jc, s.judge_check);
  if (const ConfigNode& l = root["limits"]) read_limits(p, l, s.limits);
  if (const ConfigNode& m = root["monitor"]) read_monitor(p, m, s);
  if (s.monitor.salt.empty()) s.monitor.salt = s.name;

  if (root["confidence"]) s.confidence = p.fraction(root["confidence"], "confidence");
  s.judge_check.confidence = s.confidence;
  if (root["power"]) s.power = p.fraction(root["power"], "power");
  if (root["min_effect"]) s.min_effect = p.fraction(root["min_effect"], "min_effect");
  if (root["store"]) s.store = p.resolve(p.string(root["store"], "store"));
  return s;
}

}  // namespace qb
