// The report codec (qualbar/metrics/report_codec.hpp): a Report as compact JSON and back. Reading
// checks each field's presence and type where it is read, so an error names the field's path.
#include "qualbar/metrics/report_codec.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/core/error.hpp"
#include "qualbar/util/json_scan.hpp"

namespace qb {
namespace {

// Ordered: the stored text lists the fields in the structs' order, for people reading it.
using codec_json = nlohmann::ordered_json;

constexpr std::uint64_t kCodecVersion = 1;
// A report nests six levels deep; deeper text is damaged and is refused before the recursive
// parser sees it.
constexpr std::size_t kCodecMaxDepth = 32;
constexpr std::string_view kCodecDamaged = "the stored report is damaged or incomplete";

// ---- enums as stable names ---------------------------------------------------------------------

template <class E, std::size_t N>
using CodecNames = std::array<std::pair<E, std::string_view>, N>;

constexpr CodecNames<ScoreKind, 3> kCodecKinds{{
    {ScoreKind::binary, "binary"},
    {ScoreKind::graded, "graded"},
    {ScoreKind::measurement, "measurement"},
}};
constexpr CodecNames<Aggregation, 4> kCodecAggregations{{
    {Aggregation::rate, "rate"},
    {Aggregation::mean, "mean"},
    {Aggregation::quantiles, "quantiles"},
    {Aggregation::total, "total"},
}};
// CellStatus and RunStatus keep the names their own to_string gives (the JSON report's too).
const CodecNames<CellStatus, 5> kCodecCellStatuses{{
    {CellStatus::pass, to_string(CellStatus::pass)},
    {CellStatus::fail, to_string(CellStatus::fail)},
    {CellStatus::no_bar, to_string(CellStatus::no_bar)},
    {CellStatus::too_small, to_string(CellStatus::too_small)},
    {CellStatus::no_data, to_string(CellStatus::no_data)},
}};
const CodecNames<RunStatus, 5> kCodecRunStatuses{{
    {RunStatus::running, to_string(RunStatus::running)},
    {RunStatus::interrupted, to_string(RunStatus::interrupted)},
    {RunStatus::failed, to_string(RunStatus::failed)},
    {RunStatus::complete, to_string(RunStatus::complete)},
    {RunStatus::monitor, to_string(RunStatus::monitor)},
}};

template <class E, std::size_t N>
std::string codec_enum_name(const CodecNames<E, N>& names, E e) {
  for (const auto& [value, name] : names) {
    if (value == e) return std::string(name);
  }
  return std::to_string(static_cast<int>(e));  // not a named value: reads back as an error
}

// ---- writing -----------------------------------------------------------------------------------

codec_json codec_number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

codec_json codec_interval(const stats::Interval& i) {
  return codec_json::array({codec_number(i.lo), codec_number(i.hi)});
}

codec_json codec_strings(const std::vector<std::string>& v) {
  codec_json out = codec_json::array();
  for (const auto& s : v) out.push_back(s);
  return out;
}

codec_json codec_bar(const BarCheck& b) {
  codec_json j;
  j["key"] = b.key;
  j["stat"] = b.stat;
  j["is_max"] = b.is_max;
  j["limit"] = codec_number(b.limit);
  j["observed"] = codec_number(b.observed);
  j["passed"] = b.passed;
  j["uncertain"] = b.uncertain;
  j["source"] = b.source;
  return j;
}

codec_json codec_bars(const std::vector<BarCheck>& bars) {
  codec_json out = codec_json::array();
  for (const auto& b : bars) out.push_back(codec_bar(b));
  return out;
}

codec_json codec_cell(const Cell& c) {
  codec_json j;
  j["slice"] = c.slice;
  j["value"] = c.value;
  j["n"] = c.n;
  j["n_errors"] = c.n_errors;
  j["n_not_applicable"] = c.n_not_applicable;
  j["n_ungraded"] = c.n_ungraded;
  j["estimate"] = codec_number(c.estimate);
  j["interval"] = codec_interval(c.interval);
  codec_json stats = codec_json::array();
  for (const auto& [name, v] : c.stats) stats.push_back(codec_json::array({name, codec_number(v)}));
  j["stats"] = std::move(stats);
  j["min_detectable_drop"] =
      c.min_detectable_drop ? codec_number(*c.min_detectable_drop) : codec_json(nullptr);
  j["too_small"] = c.too_small;
  j["critical"] = c.critical;
  j["bars"] = codec_bars(c.bars);
  j["status"] = codec_enum_name(kCodecCellStatuses, c.status);
  return j;
}

codec_json codec_analysis(const std::optional<Analysis>& a) {
  if (!a) return nullptr;
  codec_json j;
  j["kind"] = a->kind;
  j["data_json"] = a->data_json;  // as text: its own formatting is kept byte for byte
  j["title"] = a->title;
  j["lines"] = codec_strings(a->lines);
  return j;
}

codec_json codec_dimension(const DimensionResult& d) {
  codec_json j;
  j["name"] = d.name;
  j["scorer"] = d.scorer;
  j["description"] = d.description;
  j["kind"] = codec_enum_name(kCodecKinds, d.kind);
  j["aggregation"] = codec_enum_name(kCodecAggregations, d.aggregation);
  j["higher_is_better"] = d.higher_is_better;
  j["unit"] = d.unit;
  j["threshold"] = d.threshold ? codec_number(*d.threshold) : codec_json(nullptr);
  j["estimate_name"] = d.estimate_name;
  j["overall"] = codec_cell(d.overall);
  codec_json cells = codec_json::array();
  for (const auto& c : d.cells) cells.push_back(codec_cell(c));
  j["cells"] = std::move(cells);
  j["ungraded_example"] = d.ungraded_example;
  j["analysis"] = codec_analysis(d.analysis);
  j["human_grades"] = codec_analysis(d.human_grades);
  return j;
}

codec_json codec_fairness_group(const FairnessGroup& g) {
  codec_json j;
  j["value"] = g.value;
  j["n"] = g.n;
  j["passes"] = g.passes;
  j["pass_rate"] = codec_number(g.pass_rate);
  j["interval"] = codec_interval(g.interval);
  j["positives"] = g.positives;
  j["true_positives"] = g.true_positives;
  j["negatives"] = g.negatives;
  j["false_positives"] = g.false_positives;
  j["tpr"] = codec_number(g.tpr);
  j["fpr"] = codec_number(g.fpr);
  j["compared"] = g.compared;
  return j;
}

codec_json codec_fairness_comparison(const FairnessComparison& c) {
  codec_json j;
  j["metric"] = c.metric;
  j["high"] = c.high;
  j["low"] = c.low;
  j["high_rate"] = codec_number(c.high_rate);
  j["low_rate"] = codec_number(c.low_rate);
  j["gap"] = codec_number(c.gap);
  j["gap_interval"] = codec_interval(c.gap_interval);
  j["ratio"] = codec_number(c.ratio);
  j["ratio_interval"] = codec_interval(c.ratio_interval);
  return j;
}

codec_json codec_fairness(const FairnessResult& f) {
  codec_json j;
  j["dimension"] = f.dimension;
  j["across"] = f.across;
  j["positive"] = f.positive ? codec_json(*f.positive) : codec_json(nullptr);
  j["min_cases"] = f.min_cases;
  codec_json groups = codec_json::array();
  for (const auto& g : f.groups) groups.push_back(codec_fairness_group(g));
  j["groups"] = std::move(groups);
  codec_json comparisons = codec_json::array();
  for (const auto& c : f.comparisons) comparisons.push_back(codec_fairness_comparison(c));
  j["comparisons"] = std::move(comparisons);
  j["equalized_odds"] = codec_number(f.equalized_odds);
  j["bars"] = codec_bars(f.bars);
  j["passed"] = f.passed;
  return j;
}

codec_json codec_failure(const Failure& f) {
  codec_json j;
  j["dimension"] = f.dimension ? codec_json(*f.dimension) : codec_json(nullptr);
  j["where"] = f.where;
  j["critical"] = f.critical;
  j["bar"] = codec_bar(f.bar);
  j["interval"] = codec_interval(f.interval);
  j["text"] = f.text;
  return j;
}

codec_json codec_run(const RunInfo& r) {
  codec_json j;
  j["id"] = r.id;
  j["suite_name"] = r.suite_name;
  j["suite_hash"] = r.suite_hash;
  j["bars_hash"] = r.bars_hash;
  j["dataset_hash"] = r.dataset_hash;
  j["model"] = r.model;
  j["provider"] = r.provider;
  j["provider_json"] = r.provider_json;
  j["qualbar_version"] = r.qualbar_version;
  j["started_at"] = r.started_at;
  j["ended_at"] = r.ended_at;
  j["host"] = r.host;
  j["user"] = r.user;
  j["status"] = codec_enum_name(kCodecRunStatuses, r.status);
  j["n_cases"] = r.n_cases;
  j["n_errors"] = r.n_errors;
  j["passed"] = r.passed;
  return j;
}

// ---- reading -----------------------------------------------------------------------------------

// A value in the parsed text and where it is: "dimensions[2].overall.interval" ("" for the root).
struct CodecNode {
  const codec_json& j;
  std::string path;
};

std::string_view codec_type_text(const codec_json& j) {
  switch (j.type()) {
    case codec_json::value_t::null:
      return "null";
    case codec_json::value_t::object:
      return "an object";
    case codec_json::value_t::array:
      return "an array";
    case codec_json::value_t::string:
      return "a string";
    case codec_json::value_t::boolean:
      return "a boolean";
    case codec_json::value_t::number_integer:
      return "a negative whole number";
    case codec_json::value_t::number_unsigned:
      return "a whole number";
    case codec_json::value_t::number_float:
      return "a number with a fraction";
    default:
      return "not a JSON value";
  }
}

class CodecReader {
 public:
  explicit CodecReader(const std::string& where) : where_(where) {}

  [[noreturn]] void fail(const std::string& path, std::string_view what) const {
    throw RunError(
        fmt::format("{}: the stored report{}{} {}", where_, path.empty() ? "" : "'s ", path, what));
  }
  void expect(const CodecNode& n, bool ok, std::string_view expected) const {
    if (!ok)
      fail(n.path,
           fmt::format("is {}, expected {}: {}", codec_type_text(n.j), expected, kCodecDamaged));
  }

  CodecNode field(const CodecNode& obj, const char* key) const {
    std::string path = obj.path.empty() ? std::string(key) : obj.path + "." + key;
    const auto it = obj.j.find(key);
    if (it == obj.j.end()) fail(path, fmt::format("is missing: {}", kCodecDamaged));
    return {*it, std::move(path)};
  }
  CodecNode as_object(CodecNode n) const {
    expect(n, n.j.is_object(), "an object");
    return n;
  }
  CodecNode object(const CodecNode& obj, const char* key) const {
    return as_object(field(obj, key));
  }
  CodecNode array(const CodecNode& obj, const char* key) const {
    CodecNode n = field(obj, key);
    expect(n, n.j.is_array(), "an array");
    return n;
  }
  static CodecNode item(const CodecNode& arr, std::size_t i) {
    return {arr.j[i], fmt::format("{}[{}]", arr.path, i)};
  }

  std::string text_of(const CodecNode& n) const {
    expect(n, n.j.is_string(), "a string");
    return n.j.get<std::string>();
  }
  std::string text(const CodecNode& obj, const char* key) const { return text_of(field(obj, key)); }
  bool flag(const CodecNode& obj, const char* key) const {
    const CodecNode n = field(obj, key);
    expect(n, n.j.is_boolean(), "true or false");
    return n.j.get<bool>();
  }
  std::size_t count_of(const CodecNode& n) const {
    expect(n, n.j.is_number_unsigned(), "a whole number >= 0");
    return static_cast<std::size_t>(n.j.get<std::uint64_t>());
  }
  std::size_t count(const CodecNode& obj, const char* key) const {
    return count_of(field(obj, key));
  }
  double number_of(const CodecNode& n) const {
    if (n.j.is_number()) return n.j.get<double>();
    if (n.j.is_string()) {
      const auto& s = n.j.get_ref<const std::string&>();
      if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
      if (s == "inf") return std::numeric_limits<double>::infinity();
      if (s == "-inf") return -std::numeric_limits<double>::infinity();
    }
    expect(n, false, "a number or \"nan\", \"inf\", \"-inf\"");
    return 0.0;
  }
  double number(const CodecNode& obj, const char* key) const { return number_of(field(obj, key)); }
  stats::Interval interval(const CodecNode& obj, const char* key) const {
    const CodecNode n = field(obj, key);
    expect(n, n.j.is_array() && n.j.size() == 2, "an array [lo, hi]");
    return {number_of(item(n, 0)), number_of(item(n, 1))};
  }
  std::vector<std::string> texts(const CodecNode& obj, const char* key) const {
    const CodecNode arr = array(obj, key);
    std::vector<std::string> out;
    out.reserve(arr.j.size());
    for (std::size_t i = 0; i < arr.j.size(); ++i) out.push_back(text_of(item(arr, i)));
    return out;
  }
  // Each item of the array `key`, read by `read(item)`.
  template <class T, class Read>
  std::vector<T> list(const CodecNode& obj, const char* key, Read read) const {
    const CodecNode arr = array(obj, key);
    std::vector<T> out;
    out.reserve(arr.j.size());
    for (std::size_t i = 0; i < arr.j.size(); ++i) out.push_back(read(item(arr, i)));
    return out;
  }
  template <class E, std::size_t N>
  E name(const CodecNode& obj, const char* key, const CodecNames<E, N>& names) const {
    const CodecNode n = field(obj, key);
    const std::string s = text_of(n);
    std::string known;
    for (const auto& [value, value_name] : names) {
      if (s == value_name) return value;
      known += (known.empty() ? "" : ", ") + std::string(value_name);
    }
    fail(n.path, fmt::format("is '{}', expected one of {}: the stored report was written by a "
                             "newer qualbar, or is damaged",
                             s, known));
  }

 private:
  const std::string& where_;
};

BarCheck codec_read_bar(const CodecReader& r, const CodecNode& n) {
  const CodecNode o = r.as_object(n);
  return BarCheck{.key = r.text(o, "key"),
                  .stat = r.text(o, "stat"),
                  .is_max = r.flag(o, "is_max"),
                  .limit = r.number(o, "limit"),
                  .observed = r.number(o, "observed"),
                  .passed = r.flag(o, "passed"),
                  .uncertain = r.flag(o, "uncertain"),
                  .source = r.text(o, "source")};
}

std::vector<BarCheck> codec_read_bars(const CodecReader& r, const CodecNode& obj) {
  return r.list<BarCheck>(obj, "bars", [&](const CodecNode& n) { return codec_read_bar(r, n); });
}

std::pair<std::string, double> codec_read_stat(const CodecReader& r, const CodecNode& n) {
  r.expect(n, n.j.is_array() && n.j.size() == 2, "a pair [name, value]");
  return {r.text_of(CodecReader::item(n, 0)), r.number_of(CodecReader::item(n, 1))};
}

Cell codec_read_cell(const CodecReader& r, const CodecNode& n) {
  const CodecNode o = r.as_object(n);
  Cell c;
  c.slice = r.text(o, "slice");
  c.value = r.text(o, "value");
  c.n = r.count(o, "n");
  c.n_errors = r.count(o, "n_errors");
  c.n_not_applicable = r.count(o, "n_not_applicable");
  c.n_ungraded = r.count(o, "n_ungraded");
  c.estimate = r.number(o, "estimate");
  c.interval = r.interval(o, "interval");
  c.stats = r.list<std::pair<std::string, double>>(
      o, "stats", [&](const CodecNode& s) { return codec_read_stat(r, s); });
  const CodecNode drop = r.field(o, "min_detectable_drop");
  if (!drop.j.is_null()) c.min_detectable_drop = r.number_of(drop);
  c.too_small = r.flag(o, "too_small");
  c.critical = r.flag(o, "critical");
  c.bars = codec_read_bars(r, o);
  c.status = r.name(o, "status", kCodecCellStatuses);
  return c;
}

std::optional<Analysis> codec_read_analysis(const CodecReader& r, const CodecNode& obj,
                                            const char* key) {
  const CodecNode n = r.field(obj, key);
  if (n.j.is_null()) return std::nullopt;
  const CodecNode o = r.as_object(n);
  return Analysis{.kind = r.text(o, "kind"),
                  .data_json = r.text(o, "data_json"),
                  .title = r.text(o, "title"),
                  .lines = r.texts(o, "lines")};
}

DimensionResult codec_read_dimension(const CodecReader& r, const CodecNode& n) {
  const CodecNode o = r.as_object(n);
  DimensionResult d;
  d.name = r.text(o, "name");
  d.scorer = r.text(o, "scorer");
  d.description = r.text(o, "description");
  d.kind = r.name(o, "kind", kCodecKinds);
  d.aggregation = r.name(o, "aggregation", kCodecAggregations);
  d.higher_is_better = r.flag(o, "higher_is_better");
  d.unit = r.text(o, "unit");
  const CodecNode threshold = r.field(o, "threshold");
  if (!threshold.j.is_null()) d.threshold = r.number_of(threshold);
  d.estimate_name = r.text(o, "estimate_name");
  d.overall = codec_read_cell(r, r.field(o, "overall"));
  d.cells = r.list<Cell>(o, "cells", [&](const CodecNode& c) { return codec_read_cell(r, c); });
  d.ungraded_example = r.text(o, "ungraded_example");
  d.analysis = codec_read_analysis(r, o, "analysis");
  d.human_grades = codec_read_analysis(r, o, "human_grades");
  return d;
}

FairnessGroup codec_read_fairness_group(const CodecReader& r, const CodecNode& n) {
  const CodecNode o = r.as_object(n);
  FairnessGroup g;
  g.value = r.text(o, "value");
  g.n = r.count(o, "n");
  g.passes = r.count(o, "passes");
  g.pass_rate = r.number(o, "pass_rate");
  g.interval = r.interval(o, "interval");
  g.positives = r.count(o, "positives");
  g.true_positives = r.count(o, "true_positives");
  g.negatives = r.count(o, "negatives");
  g.false_positives = r.count(o, "false_positives");
  g.tpr = r.number(o, "tpr");
  g.fpr = r.number(o, "fpr");
  g.compared = r.flag(o, "compared");
  return g;
}

FairnessComparison codec_read_fairness_comparison(const CodecReader& r, const CodecNode& n) {
  const CodecNode o = r.as_object(n);
  FairnessComparison c;
  c.metric = r.text(o, "metric");
  c.high = r.text(o, "high");
  c.low = r.text(o, "low");
  c.high_rate = r.number(o, "high_rate");
  c.low_rate = r.number(o, "low_rate");
  c.gap = r.number(o, "gap");
  c.gap_interval = r.interval(o, "gap_interval");
  c.ratio = r.number(o, "ratio");
  c.ratio_interval = r.interval(o, "ratio_interval");
  return c;
}

FairnessResult codec_read_fairness(const CodecReader& r, const CodecNode& n) {
  const CodecNode o = r.as_object(n);
  FairnessResult f;
  f.dimension = r.count(o, "dimension");
  f.across = r.text(o, "across");
  const CodecNode positive = r.field(o, "positive");
  if (!positive.j.is_null()) f.positive = r.text_of(positive);
  f.min_cases = r.count(o, "min_cases");
  f.groups = r.list<FairnessGroup>(
      o, "groups", [&](const CodecNode& g) { return codec_read_fairness_group(r, g); });
  f.comparisons = r.list<FairnessComparison>(
      o, "comparisons", [&](const CodecNode& c) { return codec_read_fairness_comparison(r, c); });
  f.equalized_odds = r.number(o, "equalized_odds");
  f.bars = codec_read_bars(r, o);
  f.passed = r.flag(o, "passed");
  return f;
}

Failure codec_read_failure(const CodecReader& r, const CodecNode& n) {
  const CodecNode o = r.as_object(n);
  Failure f;
  const CodecNode dimension = r.field(o, "dimension");
  if (!dimension.j.is_null()) f.dimension = r.count_of(dimension);
  f.where = r.text(o, "where");
  f.critical = r.flag(o, "critical");
  f.bar = codec_read_bar(r, r.field(o, "bar"));
  f.interval = r.interval(o, "interval");
  f.text = r.text(o, "text");
  return f;
}

RunInfo codec_read_run(const CodecReader& r, const CodecNode& o) {
  RunInfo run;
  run.id = r.text(o, "id");
  run.suite_name = r.text(o, "suite_name");
  run.suite_hash = r.text(o, "suite_hash");
  run.bars_hash = r.text(o, "bars_hash");
  run.dataset_hash = r.text(o, "dataset_hash");
  run.model = r.text(o, "model");
  run.provider = r.text(o, "provider");
  run.provider_json = r.text(o, "provider_json");
  run.qualbar_version = r.text(o, "qualbar_version");
  run.started_at = r.text(o, "started_at");
  run.ended_at = r.text(o, "ended_at");
  run.host = r.text(o, "host");
  run.user = r.text(o, "user");
  run.status = r.name(o, "status", kCodecRunStatuses);
  run.n_cases = r.count(o, "n_cases");
  run.n_errors = r.count(o, "n_errors");
  run.passed = r.flag(o, "passed");
  return run;
}

codec_json codec_parse(const CodecReader& r, std::string_view text) {
  if (const auto at = json_too_deep(text, kCodecMaxDepth)) {
    r.fail("", fmt::format("nests deeper than {} levels at byte {}: {}", kCodecMaxDepth, *at,
                           kCodecDamaged));
  }
  try {
    return codec_json::parse(text.begin(), text.end());
  } catch (const codec_json::parse_error& e) {
    // nlohmann's message after its "[json.exception.parse_error.101] " tag.
    std::string_view why = e.what();
    if (const auto end = why.find("] "); why.starts_with("[json.") && end != why.npos) {
      why.remove_prefix(end + 2);
    }
    r.fail("", fmt::format("is not JSON ({}): {}", why, kCodecDamaged));
  }
}

void codec_check_version(const CodecReader& r, const CodecNode& root) {
  const CodecNode v = r.field(root, "v");
  const std::size_t version = r.count_of(v);
  if (version > kCodecVersion) {
    r.fail(v.path, fmt::format("is {}, and this qualbar reads version {} at most: the report was "
                               "stored by a newer qualbar; read it with that version",
                               version, kCodecVersion));
  }
  if (version < 1) r.fail(v.path, fmt::format("is {}, expected 1: {}", version, kCodecDamaged));
}

}  // namespace

std::string encode_report(const Report& r) {
  codec_json j;
  j["v"] = kCodecVersion;
  j["run"] = codec_run(r.run);
  j["suite_name"] = r.suite_name;
  j["suite_file"] = r.suite_file;
  j["confidence"] = codec_number(r.confidence);
  j["min_effect"] = codec_number(r.min_effect);
  j["n_cases"] = r.n_cases;
  j["n_errors"] = r.n_errors;
  codec_json dimensions = codec_json::array();
  for (const auto& d : r.dimensions) dimensions.push_back(codec_dimension(d));
  j["dimensions"] = std::move(dimensions);
  codec_json fairness = codec_json::array();
  for (const auto& f : r.fairness) fairness.push_back(codec_fairness(f));
  j["fairness"] = std::move(fairness);
  codec_json failures = codec_json::array();
  for (const auto& f : r.failures) failures.push_back(codec_failure(f));
  j["failures"] = std::move(failures);
  j["passed"] = r.passed;
  j["warnings"] = codec_strings(r.warnings);
  return j.dump();
}

Report decode_report(std::string_view text, const std::string& where) {
  const CodecReader r(where);
  const codec_json j = codec_parse(r, text);
  const CodecNode root = r.as_object({j, ""});
  codec_check_version(r, root);
  Report out;
  out.run = codec_read_run(r, r.object(root, "run"));
  out.suite_name = r.text(root, "suite_name");
  out.suite_file = r.text(root, "suite_file");
  out.confidence = r.number(root, "confidence");
  out.min_effect = r.number(root, "min_effect");
  out.n_cases = r.count(root, "n_cases");
  out.n_errors = r.count(root, "n_errors");
  out.dimensions = r.list<DimensionResult>(
      root, "dimensions", [&](const CodecNode& n) { return codec_read_dimension(r, n); });
  out.fairness = r.list<FairnessResult>(
      root, "fairness", [&](const CodecNode& n) { return codec_read_fairness(r, n); });
  out.failures = r.list<Failure>(root, "failures",
                                 [&](const CodecNode& n) { return codec_read_failure(r, n); });
  out.passed = r.flag(root, "passed");
  out.warnings = r.texts(root, "warnings");
  return out;
}

}  // namespace qb
