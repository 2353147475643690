#include "qualbar/suite/suite.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "qualbar/io/dataset.hpp"
#include "qualbar/providers/chat_settings.hpp"
#include "qualbar/providers/provider.hpp"
#include "qualbar/scorers/scorer.hpp"
#include "qualbar/suite/yaml_json.hpp"
#include "qualbar/suite/yaml_reader.hpp"
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

std::vector<BarLimit> parse_limits(const YamlReader& p, const YAML::Node& node,
                                   const std::string& field, Aggregation aggregation,
                                   bool allow_per_slice) {
  if (!node.IsMap()) p.fail(node, field, "expected a map of limits such as {min: 0.85}");
  const auto stats = bar_stats(aggregation);
  std::vector<std::string> known;
  for (const auto& s : stats) {
    const std::string prefix = s == "estimate" ? "" : s + "_";
    known.push_back(prefix + "min");
    known.push_back(prefix + "max");
  }
  if (allow_per_slice) known.push_back("per_slice");
  for (const auto& kv : node) {
    const auto key = kv.first.as<std::string>();
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    // A limit of another kind of dimension deserves an explanation, not just "unknown field".
    for (Aggregation other : {Aggregation::rate, Aggregation::quantiles, Aggregation::total}) {
      if (other == aggregation || (other == Aggregation::rate && aggregation == Aggregation::mean))
        continue;
      for (const auto& st : bar_stats(other)) {
        const std::string prefix = st == "estimate" ? "" : st + "_";
        if (key != prefix + "min" && key != prefix + "max") continue;
        p.fail(kv.first, field + "." + key,
               fmt::format("this dimension is {}, so its limits are {}; '{}' is for {}",
                           describe(aggregation),
                           fmt::join(std::vector<std::string>(
                                         known.begin(), known.end() - (allow_per_slice ? 1 : 0)),
                                     ", "),
                           key, describe(other)));
      }
    }
  }
  p.check_keys(node, field, known);
  std::vector<BarLimit> out;
  for (const auto& kv : node) {
    const auto key = kv.first.as<std::string>();
    if (key == "per_slice") continue;
    BarLimit b;
    b.key = key;
    b.is_max = key.ends_with("max");
    const std::string stat = key.size() > 4 ? key.substr(0, key.size() - 4) : "";
    b.stat = stat.empty() ? "estimate" : stat;
    b.limit = p.number(kv.second, field + "." + key);
    out.push_back(b);
  }
  return out;
}

SliceSpec parse_slice_keys(const YamlReader& p, const YAML::Node& node, const std::string& field) {
  SliceSpec s;
  if (node.IsScalar()) {
    s.keys.push_back(node.as<std::string>());
  } else if (node.IsSequence() && node.size() > 0) {
    for (const auto& k : node) s.keys.push_back(p.string(k, field));
  } else {
    p.fail(node, field, "expected a slice key such as 'category', or a list of keys to cross");
  }
  for (const auto& k : s.keys) {
    if (k.empty()) p.fail(node, field, "a slice key is empty");
  }
  return s;
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
  if (s.judge.IsMap()) {
    out += fmt::format("judge {} {}\n", s.judge["model"] ? s.judge["model"].as<std::string>() : "",
                       s.judge["base_url"] ? s.judge["base_url"].as<std::string>() : "");
  }
  for (const auto& f : s.fairness) {
    out += fmt::format("fairness {} across {} positive {} max_gap {} min_ratio {} min_cases {}\n",
                       f.dimension, f.across, f.positive.value_or("-"),
                       f.max_gap ? fmt::format("{}", *f.max_gap) : "-",
                       f.min_ratio ? fmt::format("{}", *f.min_ratio) : "-", f.min_cases);
  }
  return out;
}

// yaml-cpp accepts a quoted scalar that is never closed and swallows the rest of the file into
// it (a bar would vanish without a word): every quoted scalar must close before the text ends.
void check_quotes(const YAML::Node& node, std::string_view text, const std::string& file) {
  if (node.IsMap()) {
    for (const auto& kv : node) {
      check_quotes(kv.first, text, file);
      check_quotes(kv.second, text, file);
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) check_quotes(item, text, file);
  } else if (node.IsScalar() && node.Tag() == "!") {
    const YAML::Mark m = node.Mark();
    if (m.pos < 0 || static_cast<std::size_t>(m.pos) >= text.size()) return;
    const char quote = text[static_cast<std::size_t>(m.pos)];
    if (quote != '"' && quote != '\'') return;
    for (std::size_t i = static_cast<std::size_t>(m.pos) + 1; i < text.size(); ++i) {
      if (quote == '"' && text[i] == '\\') {
        ++i;
      } else if (text[i] == quote) {
        if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
          ++i;  // '' is an escaped single quote
          continue;
        }
        return;
      }
    }
    throw InputError(Location{file, m.line + 1, m.column + 1, ""},
                     fmt::format("this quoted text is never closed: add the closing {}", quote));
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

// The suite's `monitor` map: production sampling and alerts.
static void read_monitor(const YamlReader& p, const YAML::Node& m, Suite& s) {
  MonitorSettings& out = s.monitor;
  if (!m.IsMap())
    p.fail(m, "monitor", "expected a map such as {sample_rate: 0.01, stratify_by: [category]}");
  p.check_keys(m, "monitor",
               {"sample_rate", "min_per_window", "stratify_by", "salt", "baseline_windows",
                "baseline_run", "min_graded", "tolerance", "alpha", "cusum_h", "cusum_k",
                "psi_alert", "dimensions"});
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
                                  std::pair{"min_graded", &out.min_graded}}) {
    if (m[key]) *into = static_cast<std::size_t>(p.integer(m[key], field(key), 1));
  }
  if (m["stratify_by"]) {
    out.stratify_by.clear();
    const YAML::Node list = m["stratify_by"];
    if (list.IsScalar()) {
      out.stratify_by.push_back(p.string(list, field("stratify_by")));
    } else if (list.IsSequence()) {
      for (const auto& k : list) out.stratify_by.push_back(p.string(k, field("stratify_by")));
    } else {
      p.fail(list, field("stratify_by"), "expected a field or a list, such as [category]");
    }
  }
  if (m["salt"]) out.salt = p.string(m["salt"], field("salt"));
  if (m["baseline_run"]) out.baseline_run = p.string(m["baseline_run"], field("baseline_run"));
  if (m["tolerance"]) {
    out.tolerance = p.number(m["tolerance"], field("tolerance"));
    if (!(out.tolerance >= 0 && out.tolerance < 1))
      p.fail(m["tolerance"], field("tolerance"), "must be between 0 and 1 (a drop in pass rate)");
  }
  if (m["alpha"]) out.alpha = p.fraction(m["alpha"], field("alpha"));
  for (const auto& [key, into] : {std::pair{"cusum_h", &out.cusum_h}, std::pair{"cusum_k", &out.cusum_k},
                                  std::pair{"psi_alert", &out.psi_alert}}) {
    if (m[key]) *into = p.positive(m[key], field(key));
  }
  if (m["dimensions"]) {
    const YAML::Node list = m["dimensions"];
    if (!list.IsSequence())
      p.fail(list, field("dimensions"), "expected a list of the suite's dimensions, such as [no_pii]");
    for (const auto& d : list) {
      const std::string name = p.string(d, field("dimensions"));
      const DimensionSpec* spec = s.find_dimension(name);
      if (spec == nullptr || spec->builtin)
        p.fail(d, field("dimensions"), fmt::format("'{}' is not a dimension of this suite", name));
      out.dimensions.push_back(name);
    }
  }
}

// The suite's `limits` map (docs/data-formats.md, "Limits").
static void read_limits(const YamlReader& p, const YAML::Node& m, Limits& out) {
  if (!m.IsMap())
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
static void read_judge_check(const YamlReader& p, const YAML::Node& jc, JudgeCheckSettings& out) {
  if (!jc.IsMap())
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

Suite parse_suite(std::string_view yaml_text, const std::string& file,
                  const std::filesystem::path& dir) {
  YamlReader p(file, dir);
  const YAML::Node root = p.load(yaml_text);
  check_quotes(root, yaml_text, file);
  if (!root.IsMap())
    throw InputError(Location{file, 1, 1, ""},
                     "a suite is a YAML map with fields such as name, datasets and dimensions");
  p.check_keys(root, "", kTopLevelFields);

  Suite s;
  s.file = file;
  s.dir = dir;
  s.source_text = std::string(yaml_text);
  s.hash = content_hash(yaml_text);

  auto require = [&](const char* key) {
    const YAML::Node n = root[key];
    if (!n)
      throw InputError(Location{file, 1, 1, key}, fmt::format("is required (see docs/suite.md)"));
    return n;
  };

  const YAML::Node version = require("schema_version");
  s.schema_version = static_cast<int>(p.number(version, "schema_version"));
  if (s.schema_version != kSuiteSchemaVersion) {
    p.fail(version, "schema_version",
           fmt::format("this qualbar reads suite schema version {}, not {}", kSuiteSchemaVersion,
                       s.schema_version));
  }
  s.name = p.string(require("name"), "name");
  if (root["description"]) s.description = p.string(root["description"], "description");

  const YAML::Node datasets = require("datasets");
  if (datasets.IsScalar()) {
    s.datasets.push_back(p.resolve(datasets.as<std::string>()));
  } else if (datasets.IsSequence() && datasets.size() > 0) {
    for (const auto& d : datasets) s.datasets.push_back(p.resolve(p.string(d, "datasets")));
  } else {
    p.fail(datasets, "datasets", "expected a dataset path or a list of them");
  }

  if (const YAML::Node sys = root["system"]) {
    if (!sys.IsMap())
      p.fail(sys, "system",
             "expected a map such as {provider: replay, responses: responses.jsonl}");
    s.system.where = p.at(sys, "system");
    s.system.node = sys;
    const ProviderEntry* provider = nullptr;
    if (sys["provider"]) {
      s.system.provider = p.string(sys["provider"], "system.provider");
      try {
        provider = &provider_registry().get(s.system.provider);
      } catch (const InputError& e) {
        p.fail(sys["provider"], "system.provider", e.what());
      }
    } else {
      provider = &provider_registry().get(s.system.provider);
    }
    // Each provider names the settings it reads; the rest are typos or another provider's.
    std::vector<std::string> known = {"provider", "model"};
    known.insert(known.end(), provider->fields.begin(), provider->fields.end());
    known.push_back("max_output_bytes");  // every provider's answers are held to it
    p.check_keys(sys, "system", known);
    if (sys["responses"])
      s.system.responses = p.resolve(p.string(sys["responses"], "system.responses"));
    if (sys["model"]) s.system.model = p.string(sys["model"], "system.model");
    if (const YAML::Node cmd = sys["command"]) {
      if (cmd.IsScalar()) {
        s.system.command = {"/bin/sh", "-c", cmd.as<std::string>()};
      } else if (cmd.IsSequence() && cmd.size() > 0) {
        for (const auto& part : cmd) s.system.command.push_back(p.string(part, "system.command"));
      } else {
        p.fail(cmd, "system.command",
               "expected a program and its arguments, e.g. [python3, model.py]");
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

  // Dimensions, each with its scorer built once here so bad arguments are reported at their line.
  const YAML::Node dims = require("dimensions");
  if (!dims.IsMap() || dims.size() == 0)
    p.fail(dims, "dimensions", "expected a map of dimension name to {scorer: ...}");
  p.check_unique_keys(dims, "dimensions");
  std::map<std::string, Aggregation> aggregations;
  std::vector<std::string> judged;  // dimensions whose scorer asks the judge
  for (const auto& kv : dims) {
    DimensionSpec d;
    d.name = kv.first.as<std::string>();
    const std::string field = "dimensions." + d.name;
    d.where = p.at(kv.first, field);
    if (!valid_dimension_name(d.name)) {
      p.fail(kv.first, field,
             "a dimension name is lower case letters, digits, '_' and '-', starting with a letter");
    }
    const YAML::Node spec = kv.second;
    if (spec.IsMap()) {
      p.check_keys(spec, field, {"scorer", "args", "threshold", "description"});
      if (!spec["scorer"])
        p.fail(kv.first, field + ".scorer",
               "is required: which scorer measures this dimension (qualbar list scorers)");
    } else if (!spec.IsScalar()) {
      p.fail(spec, field, "expected a scorer name or a map {scorer: ..., args: ...}");
    }
    // Never assign one YAML::Node to another: yaml-cpp would overwrite the referenced node.
    const YAML::Node scorer_node = spec.IsMap() ? spec["scorer"] : spec;
    d.scorer = p.string(scorer_node, field + ".scorer");
    const ScorerEntry* entry = nullptr;
    try {
      entry = &scorer_registry().get(d.scorer);
    } catch (const InputError& e) {
      p.fail(scorer_node, field + ".scorer", e.what());
    }
    if (spec.IsMap()) {
      if (spec["description"])
        d.description = p.string(spec["description"], field + ".description");
      if (spec["threshold"]) {
        if (entry->info.kind != ScoreKind::graded) {
          p.fail(
              spec["threshold"], field + ".threshold",
              fmt::format("'{}' is {}, so it takes no threshold (thresholds are for 0–1 scores "
                          "such as token-f1)",
                          d.scorer,
                          entry->info.kind == ScoreKind::binary ? "pass/fail" : "a measurement"));
        }
        const double t = p.number(spec["threshold"], field + ".threshold");
        if (t < 0.0 || t > 1.0)
          p.fail(spec["threshold"], field + ".threshold",
                 fmt::format("must be between 0 and 1, got {}", t));
        d.threshold = t;
      }
      if (const YAML::Node args = spec["args"]) {
        if (!args.IsMap()) p.fail(args, field + ".args", "expected a map of arguments");
        d.args_json = yaml_to_json(args).dump();
      }
      try {
        Args a(d.args_json);
        if (construct(*entry, a)->uses_judge()) judged.push_back(d.name);
      } catch (const ArgError& e) {
        const YAML::Node args = spec["args"];
        const YAML::Node at = args && args[e.field()] ? args[e.field()] : (args ? args : kv.first);
        p.fail(at, field + ".args." + e.field(), e.what());
      }
    } else {
      try {
        Args a("");
        if (construct(*entry, a)->uses_judge()) judged.push_back(d.name);
      } catch (const ArgError& e) {
        p.fail(kv.first, field + ".args." + e.field(), e.what());
      }
    }
    if (d.name == kErrorsDimension && d.scorer != "error-rate") {
      p.fail(kv.first, field, "'errors' is the built-in error-rate dimension; choose another name");
    }
    aggregations[d.name] = aggregation_of(entry->info, d.threshold);
    s.dimensions.push_back(std::move(d));
  }
  if (!s.find_dimension(kErrorsDimension)) {
    DimensionSpec e;
    e.name = kErrorsDimension;
    e.scorer = "error-rate";
    e.description = "Share of cases whose model call failed or has no response.";
    e.builtin = true;
    aggregations[e.name] = Aggregation::rate;
    s.dimensions.push_back(std::move(e));
  }
  std::vector<std::string> dimension_names;
  for (const auto& d : s.dimensions) dimension_names.push_back(d.name);
  auto check_dimension = [&](const YAML::Node& node, const std::string& name,
                             const std::string& field) {
    if (s.find_dimension(name)) return;
    std::string message = fmt::format("there is no dimension '{}'.", name);
    if (auto guess = detail::closest_name(name, dimension_names); !guess.empty())
      message += fmt::format(" Did you mean '{}'?", guess);
    message += fmt::format(" Dimensions: {}", fmt::join(dimension_names, ", "));
    p.fail(node, field, message);
  };

  // The judge: its fields are checked here; its settings (and key) are read when a run needs them.
  if (const YAML::Node judge = root["judge"]) {
    if (!judge.IsMap())
      p.fail(judge, "judge",
             "expected a map such as {base_url: https://api.openai.com/v1, model: gpt-4o-mini}");
    std::vector<std::string> known = chat_setting_fields();
    known.insert(known.begin(), "model");
    p.check_keys(judge, "judge", known);
    if (!judge["model"]) p.fail(judge, "judge.model", "is required: the model that judges");
    (void)p.string(judge["model"], "judge.model");
    if (judge["base_url"]) (void)p.string(judge["base_url"], "judge.base_url");
    s.judge = judge;
  }
  for (const auto& name : judged) {
    if (s.judge.IsMap()) break;
    p.fail(dims[name], "dimensions." + name,
           fmt::format("'{}' asks a judge model, and the suite has no `judge:` section (e.g. "
                       "judge: {{base_url: https://api.openai.com/v1, model: gpt-4o-mini, "
                       "api_key_env: OPENAI_API_KEY}})",
                       s.find_dimension(name)->scorer));
  }

  // Arguments naming another dimension (calibration's `against`).
  for (const auto& d : s.dimensions) {
    const ScorerInfo& info = scorer_registry().get(d.scorer).info;
    if (info.dimension_arg.empty() || d.args_json.empty()) continue;
    const auto args = nlohmann::json::parse(d.args_json);
    const auto it = args.find(info.dimension_arg);
    if (it == args.end() || !it->is_string()) continue;  // the scorer itself reported it
    const std::string target = it->get<std::string>();
    const YAML::Node node = dims[d.name]["args"][info.dimension_arg];
    const std::string field = "dimensions." + d.name + ".args." + info.dimension_arg;
    check_dimension(node, target, field);
    if (target == d.name) p.fail(node, field, "a dimension cannot be measured against itself");
    if (scorer_registry().get(s.find_dimension(target)->scorer).info.kind ==
        ScoreKind::measurement) {
      p.fail(node, field,
             fmt::format("'{}' is a measurement; name a pass/fail or 0–1 dimension (what counts "
                         "as correct)",
                         target));
    }
  }

  if (const YAML::Node slices = root["slices"]) {
    if (!slices.IsSequence())
      p.fail(slices, "slices",
             "expected a list of slice keys, e.g. [category, language, [category, language]]");
    for (const auto& sl : slices) s.slices.push_back(parse_slice_keys(p, sl, "slices"));
  } else {
    s.slices = {SliceSpec{{"category"}}, SliceSpec{{"language"}}};
  }

  if (const YAML::Node bars = root["bars"]) {
    if (!bars.IsMap())
      p.fail(bars, "bars",
             "expected a map of dimension name to limits, e.g. {correctness: {min: 0.85}}");
    p.check_unique_keys(bars, "bars");
    for (const auto& kv : bars) {
      const auto dim = kv.first.as<std::string>();
      const std::string field = "bars." + dim;
      check_dimension(kv.first, dim, field);
      DimensionBars b;
      b.where = p.at(kv.first, field);
      b.overall = parse_limits(p, kv.second, field, aggregations[dim], true);
      if (const YAML::Node ps = kv.second["per_slice"]) {
        b.per_slice = parse_limits(p, ps, field + ".per_slice", aggregations[dim], false);
      }
      s.bars[dim] = std::move(b);
    }
  }

  if (const YAML::Node crit = root["critical_slices"]) {
    if (!crit.IsSequence())
      p.fail(crit, "critical_slices", "expected a list such as [category=refund-dispute]");
    for (const auto& item : crit) {
      CriticalSlice c;
      c.where = p.at(item, "critical_slices");
      if (item.IsMap()) {
        p.check_keys(item, "critical_slices", {"slice", "bars"});
        if (!item["slice"])
          p.fail(item, "critical_slices.slice", "is required, e.g. slice: category=refund-dispute");
      }
      const YAML::Node label = item.IsMap() ? item["slice"] : item;
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
      if (item.IsMap() && item["bars"]) {
        const YAML::Node cb = item["bars"];
        if (!cb.IsMap())
          p.fail(cb, "critical_slices.bars", "expected a map of dimension name to limits");
        for (const auto& kv : cb) {
          const auto dim = kv.first.as<std::string>();
          check_dimension(kv.first, dim, "critical_slices.bars." + dim);
          c.bars[dim] =
              parse_limits(p, kv.second, "critical_slices.bars." + dim, aggregations[dim], false);
        }
      }
      // A critical slice is always reported, even when `slices` does not list its keys.
      const bool listed = std::any_of(s.slices.begin(), s.slices.end(),
                                      [&](const SliceSpec& sl) { return sl.keys == c.slice.keys; });
      if (!listed) s.slices.push_back(c.slice);
      s.critical_slices.push_back(std::move(c));
    }
  }

  if (const YAML::Node useful = root["useful"]) {
    if (!useful.IsSequence())
      p.fail(useful, "useful", "expected a list of dimensions a useful response passes");
    for (const auto& u : useful) {
      const std::string name = p.string(u, "useful");
      check_dimension(u, name, "useful");
      if (aggregations[name] != Aggregation::rate ||
          !scorer_registry().get(s.find_dimension(name)->scorer).info.higher_is_better) {
        p.fail(
            u, "useful",
            fmt::format("'{}' is not a pass/fail dimension, so a response cannot pass it", name));
      }
      s.useful.push_back(name);
    }
  } else {
    for (const auto& d : s.dimensions) {
      const bool higher_is_better = scorer_registry().get(d.scorer).info.higher_is_better;
      if (!d.builtin && higher_is_better && aggregations[d.name] == Aggregation::rate)
        s.useful.push_back(d.name);
    }
  }

  if (const YAML::Node tol = root["tolerances"]) {
    if (!tol.IsMap())
      p.fail(tol, "tolerances", "expected a map of dimension to the drop tolerated, e.g. {faithfulness: 0.02}");
    p.check_unique_keys(tol, "tolerances");
    for (const auto& kv : tol) {
      const auto dim = kv.first.as<std::string>();
      check_dimension(kv.first, dim, "tolerances." + dim);
      const double t = p.number(kv.second, "tolerances." + dim);
      if (!(t >= 0)) p.fail(kv.second, "tolerances." + dim, "must be 0 or more");
      s.tolerances[dim] = t;
    }
  }

  if (const YAML::Node fair = root["fairness"]) {
    if (!fair.IsSequence())
      p.fail(fair, "fairness",
             "expected a list such as [{dimension: approved_correctly, across: segment, "
             "min_ratio: 0.8}]");
    for (const auto& item : fair) {
      if (!item.IsMap())
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
      check_dimension(item["dimension"], f.dimension, "fairness.dimension");
      const ScorerInfo& info = scorer_registry().get(s.find_dimension(f.dimension)->scorer).info;
      if (info.kind == ScoreKind::measurement) {
        p.fail(item["dimension"], "fairness.dimension",
               fmt::format("'{}' is a measurement; fairness compares pass rates of a pass/fail or "
                           "0–1 dimension",
                           f.dimension));
      }
      f.across = p.string(item["across"], "fairness.across");
      if (f.across.empty()) p.fail(item["across"], "fairness.across", "is empty");
      if (item["positive"]) {
        if (info.analysis != "classification") {
          p.fail(item["positive"], "fairness.positive",
                 fmt::format("true- and false-positive rates need a classifier: '{}' is not a "
                             "label-match dimension",
                             f.dimension));
        }
        f.positive = p.string(item["positive"], "fairness.positive");
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
      s.fairness.push_back(std::move(f));
    }
  }

  if (const YAML::Node jc = root["judge_check"]) read_judge_check(p, jc, s.judge_check);
  if (const YAML::Node l = root["limits"]) read_limits(p, l, s.limits);
  if (const YAML::Node m = root["monitor"]) read_monitor(p, m, s);
  if (s.monitor.salt.empty()) s.monitor.salt = s.name;

  if (root["confidence"]) s.confidence = p.fraction(root["confidence"], "confidence");
  s.judge_check.confidence = s.confidence;
  if (root["power"]) s.power = p.fraction(root["power"], "power");
  if (root["min_effect"]) s.min_effect = p.fraction(root["min_effect"], "min_effect");
  if (root["store"]) s.store = p.resolve(p.string(root["store"], "store"));

  s.bars_hash = content_hash(canonical_bars(s));
  return s;
}

Suite load_suite(const std::string& path) {
  const std::string text = read_file(path);
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  Suite s = parse_suite(text, path, dir.empty() ? std::filesystem::path(".") : dir);
  // Paths are checked here, not in parse_suite: a stored run re-renders without its files.
  YAML::Node root = YAML::Load(text);
  const YAML::Node ds = root["datasets"];
  for (std::size_t i = 0; i < s.datasets.size(); ++i) {
    if (!std::filesystem::exists(s.datasets[i])) {
      const YAML::Node n = ds.IsSequence() ? ds[i] : ds;
      throw InputError(Location{path, n.Mark().line + 1, n.Mark().column + 1, "datasets"},
                       fmt::format("the dataset file '{}' does not exist", s.datasets[i]));
    }
  }
  if (!s.system.responses.empty() && !std::filesystem::exists(s.system.responses)) {
    const YAML::Node n = root["system"]["responses"];
    throw InputError(Location{path, n.Mark().line + 1, n.Mark().column + 1, "system.responses"},
                     fmt::format("the responses file '{}' does not exist", s.system.responses));
  }
  return s;
}

}  // namespace qb
