#include "qualbar/store/run_bundle.hpp"

#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/core/error.hpp"
#include "qualbar/io/dataset.hpp"
#include "qualbar/metrics/report_codec.hpp"
#include "qualbar/store/store.hpp"
#include "qualbar/util/secret.hpp"

namespace qb {
namespace {

using nlohmann::json;

nlohmann::ordered_json run_info_json(const RunInfo& i) {
  return {{"id", i.id},
          {"suite_name", i.suite_name},
          {"suite_hash", i.suite_hash},
          {"bars_hash", i.bars_hash},
          {"dataset_hash", i.dataset_hash},
          {"model", i.model},
          {"provider", i.provider},
          {"provider_json", i.provider_json},
          {"qualbar_version", i.qualbar_version},
          {"started_at", i.started_at},
          {"ended_at", i.ended_at},
          {"host", i.host},
          {"user", i.user},
          {"status", std::string(to_string(i.status))},
          {"n_cases", i.n_cases},
          {"n_errors", i.n_errors},
          {"passed", i.passed},
          {"labels", i.labels},
          {"note", i.note},
          {"git_commit", i.git_commit}};
}

// A score's value as JSON: a number, or "nan", "inf", "-inf", which JSON cannot hold.
nlohmann::ordered_json score_value(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

// One line of a bundle being read: its number for messages and typed access to its fields.
class BundleLine {
 public:
  BundleLine(std::string_view text, const std::string& where, std::size_t number)
      : where_(where), number_(number) {
    try {
      j_ = json::parse(text);
    } catch (const json::parse_error& e) {
      std::string why = e.what();
      if (const auto at = why.find("] "); at != std::string::npos) why = why.substr(at + 2);
      throw fail("", "not valid JSON: " + why);
    }
    if (!j_.is_object()) throw fail("", "expected a JSON object");
  }

  [[nodiscard]] InputError fail(const std::string& field, const std::string& why) const {
    return InputError(fmt::format("{} line {}: {}{}", where_, number_,
                                  field.empty() ? "" : "field '" + field + "': ", why));
  }
  [[nodiscard]] const json& at(const json& in, const std::string& key,
                               const std::string& field) const {
    const auto it = in.find(key);
    if (it == in.end()) throw fail(field, "missing");
    return *it;
  }
  [[nodiscard]] std::string text(const json& in, const std::string& key,
                                 const std::string& prefix = "") const {
    const json& v = at(in, key, prefix + key);
    if (!v.is_string()) throw fail(prefix + key, "expected a string");
    return v.get<std::string>();
  }
  [[nodiscard]] std::size_t count(const json& in, const std::string& key,
                                  const std::string& prefix = "") const {
    const json& v = at(in, key, prefix + key);
    if (!v.is_number_unsigned()) throw fail(prefix + key, "expected a whole number");
    return v.get<std::size_t>();
  }
  [[nodiscard]] std::vector<std::string> texts(const json& in, const std::string& key,
                                               const std::string& prefix = "") const {
    const json& v = at(in, key, prefix + key);
    if (!v.is_array()) throw fail(prefix + key, "expected an array of strings");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_string())
        throw fail(fmt::format("{}{}[{}]", prefix, key, i), "expected a string");
      out.push_back(v[i].get<std::string>());
    }
    return out;
  }
  [[nodiscard]] const json& doc() const { return j_; }

 private:
  json j_;
  const std::string& where_;
  std::size_t number_;
};

RunInfo read_run_info(const BundleLine& l, const json& r) {
  if (!r.is_object()) throw l.fail("run", "expected an object");
  RunInfo i;
  const std::string p = "run.";
  i.id = l.text(r, "id", p);
  if (i.id.empty() || i.id.size() > 128 || i.id.find_first_of(" /\\\n\t") != std::string::npos)
    throw l.fail("run.id", "expected a run id (1 to 128 characters, no space or slash)");
  if (i.id.rfind("latest", 0) == 0) throw l.fail("run.id", "'latest…' names the newest runs");
  if (i.id.rfind("m-", 0) == 0) throw l.fail("run.id", "'m-…' names a monitor, not a run");
  i.suite_name = l.text(r, "suite_name", p);
  i.suite_hash = l.text(r, "suite_hash", p);
  i.bars_hash = l.text(r, "bars_hash", p);
  i.dataset_hash = l.text(r, "dataset_hash", p);
  i.model = l.text(r, "model", p);
  i.provider = l.text(r, "provider", p);
  i.provider_json = l.text(r, "provider_json", p);
  i.qualbar_version = l.text(r, "qualbar_version", p);
  i.started_at = l.text(r, "started_at", p);
  i.ended_at = l.text(r, "ended_at", p);
  i.host = l.text(r, "host", p);
  i.user = l.text(r, "user", p);
  const std::string status = l.text(r, "status", p);
  if (status != to_string(RunStatus::complete))
    throw l.fail("run.status", "'" + status + "': only a complete run can be bundled");
  i.status = RunStatus::complete;
  i.n_cases = l.count(r, "n_cases", p);
  i.n_errors = l.count(r, "n_errors", p);
  if (!l.at(r, "passed", "run.passed").is_boolean())
    throw l.fail("run.passed", "expected true or false");
  i.passed = r["passed"].get<bool>();
  i.labels = l.texts(r, "labels", p);
  for (std::size_t k = 0; k < i.labels.size(); ++k)
    check_run_label(i.labels[k], fmt::format("field 'run.labels[{}]'", k));
  i.note = l.text(r, "note", p);
  check_run_note(i.note, "field 'run.note'");
  i.git_commit = l.text(r, "git_commit", p);
  return i;
}

void read_header(const BundleLine& l, RunBundle& b) {
  const json& h = l.doc();
  const std::string schema = l.text(h, "schema");
  if (schema != kRunBundleSchema)
    throw l.fail("schema", fmt::format("'{}': this qualbar reads {}", schema, kRunBundleSchema));
  b.run.info = read_run_info(l, l.at(h, "run", "run"));
  b.run.suite_file = l.text(h, "suite_file");
  b.run.suite_text = l.text(h, "suite_text");
  b.run.dimensions = l.texts(h, "dimensions");
  if (b.run.dimensions.empty()) throw l.fail("dimensions", "a run has at least one dimension");
  const std::string content = l.text(h, "content");
  if (content != "full" && content != "withheld")
    throw l.fail("content", "'" + content + "': expected 'full' or 'withheld'");
  b.withheld = content == "withheld";
  const json& slices = l.at(h, "slices", "slices");
  if (!slices.is_array()) throw l.fail("slices", "expected an array");
  for (std::size_t s = 0; s < slices.size(); ++s) {
    const std::string p = fmt::format("slices[{}].", s);
    if (!slices[s].is_object()) throw l.fail(fmt::format("slices[{}]", s), "expected an object");
    CaseSlices cs;
    cs.slice = l.text(slices[s], "slice", p);
    cs.values = l.texts(slices[s], "values", p);
    cs.offsets.push_back(0);
    b.slices.push_back(std::move(cs));
  }
  const std::size_t n = l.count(h, "cases");
  if (n != b.run.info.n_cases)
    throw l.fail("cases", fmt::format("{} cases, but run.n_cases says {}", n, b.run.info.n_cases));
}

void read_report(const BundleLine& l, RunBundle& b, const std::string& where) {
  const json& report = l.at(l.doc(), "report", "report");
  if (!report.is_object()) throw l.fail("report", "expected the encoded report, an object");
  try {
    const Report decoded = decode_report(report.dump(), where + " report");
    b.run.report = encode_report(decoded);
  } catch (const RunError& e) {
    throw l.fail("report", e.what());
  }
}

Score read_bundle_score(const BundleLine& l, const json& s, const std::string& field) {
  if (!s.is_array() || s.size() != 3 || !s[1].is_string() || !s[2].is_string())
    throw l.fail(field, "expected [value, status, evidence]");
  Score out;
  if (s[0].is_number()) {
    out.value = s[0].get<double>();
  } else if (s[0] == "nan" || s[0] == "inf" || s[0] == "-inf") {
    const std::string v = s[0].get<std::string>();
    out.value = v == "nan" ? std::numeric_limits<double>::quiet_NaN()
                           : (v == "inf" ? 1.0 : -1.0) * std::numeric_limits<double>::infinity();
  } else {
    throw l.fail(field + "[0]", "expected a number");
  }
  const std::string status = s[1].get<std::string>();
  bool known = false;
  for (const ScoreStatus k : {ScoreStatus::scored, ScoreStatus::not_applicable, ScoreStatus::error,
                              ScoreStatus::ungraded}) {
    if (status == to_string(k)) out.status = k, known = true;
  }
  if (!known) throw l.fail(field + "[1]", "'" + status + "' is not a score status");
  out.evidence = s[2].get<std::string>();
  return out;
}

// One case line: its dataset line (or hash), its answer, its scores, failures and cells.
void read_case(const BundleLine& l, RunBundle& b, std::size_t i, const std::string& where) {
  const json& c = l.doc();
  const std::string id = l.text(c, "id");
  std::string line;
  if (b.withheld) {
    line =
        json{{"id", id}, {"input", "(withheld: sha256 " + l.text(c, "case_sha256") + ")"}}.dump();
  } else {
    line = l.text(c, "case");
    json parsed;
    try {
      parsed = json::parse(line);
    } catch (const json::parse_error&) {
      throw l.fail("case", "expected the case's dataset line, a JSON object");
    }
    if (!parsed.is_object() || !parsed.contains("id") || parsed["id"] != id)
      throw l.fail("case", fmt::format("expected the dataset line of case '{}'", id));
  }
  auto responses = parse_responses(l.text(c, "response"), fmt::format("{} line {}", where, i + 3));
  if (responses.size() != 1 || responses[0].id != id)
    throw l.fail("response", fmt::format("expected one response, to case '{}'", id));
  if (b.withheld) responses[0].output = "(withheld: sha256 " + l.text(c, "output_sha256") + ")";
  const json& scores = l.at(c, "scores", "scores");
  const std::size_t dims = b.run.dimensions.size();
  if (!scores.is_array() || scores.size() != dims)
    throw l.fail("scores", fmt::format("expected one score per dimension ({})", dims));
  for (std::size_t d = 0; d < dims; ++d)
    b.run.scores.set(i, d, read_bundle_score(l, scores[d], fmt::format("scores[{}]", d)));
  const json& failing = l.at(c, "failing", "failing");
  if (!failing.is_array()) throw l.fail("failing", "expected an array of dimension positions");
  for (std::size_t k = 0; k < failing.size(); ++k) {
    if (!failing[k].is_number_unsigned() || failing[k].get<std::size_t>() >= dims)
      throw l.fail(fmt::format("failing[{}]", k),
                   fmt::format("expected a dimension position below {}", dims));
    b.failing[i * dims + failing[k].get<std::size_t>()] = 1;
  }
  const json& cells = l.at(c, "cells", "cells");
  if (!cells.is_array() || cells.size() != b.slices.size())
    throw l.fail("cells",
                 fmt::format("expected one array of cells per slice ({})", b.slices.size()));
  for (std::size_t s = 0; s < cells.size(); ++s) {
    CaseSlices& cs = b.slices[s];
    const std::string field = fmt::format("cells[{}]", s);
    if (!cells[s].is_array()) throw l.fail(field, "expected an array of value positions");
    for (const json& v : cells[s]) {
      if (!v.is_number_unsigned() || v.get<std::size_t>() >= cs.values.size())
        throw l.fail(field, fmt::format("expected value positions below {}", cs.values.size()));
      cs.ids.push_back(v.get<std::uint32_t>());
    }
    cs.offsets.push_back(static_cast<std::uint32_t>(cs.ids.size()));
  }
  b.run.case_lines.push_back(std::move(line));
  b.run.responses.push_back(std::move(responses[0]));
}

}  // namespace

void write_run_bundle(const RunBundle& b, std::ostream& out, bool withhold) {
  const StoredRun& r = b.run;
  const std::size_t n = r.case_lines.size(), dims = r.dimensions.size();
  json slices = json::array();
  for (const CaseSlices& s : b.slices) slices.push_back({{"slice", s.slice}, {"values", s.values}});
  // In this order: the schema first, so that `head -c 40` says what the file is.
  nlohmann::ordered_json header;
  header["schema"] = kRunBundleSchema;
  header["run"] = run_info_json(r.info);
  header["suite_file"] = r.suite_file;
  header["suite_text"] = r.suite_text;
  header["dimensions"] = r.dimensions;
  header["content"] = withhold ? "withheld" : "full";
  header["slices"] = std::move(slices);
  header["cases"] = n;
  const auto line = [&](const auto& j) {
    out << j.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
  };
  line(header);
  out << "{\"report\":" << r.report << "}\n";
  for (std::size_t i = 0; i < n; ++i) {
    nlohmann::ordered_json c;  // the id first, for a reader of the file
    c["id"] = r.responses[i].id;
    Response response = r.responses[i];
    if (withhold) {
      c["case_sha256"] = sha256_hex(r.case_lines[i]);
      c["output_sha256"] = sha256_hex(response.output);
      response.output.clear();
    } else {
      c["case"] = r.case_lines[i];
    }
    c["response"] = response_to_json(response);
    nlohmann::ordered_json scores = nlohmann::ordered_json::array(), failing = scores,
                           cells = scores;
    for (std::size_t d = 0; d < dims; ++d) {
      const ScoreView s = r.scores.at(i, d);
      // Evidence may quote the output (an unsupported claim): withheld with it.
      scores.push_back({score_value(s.value), std::string(to_string(s.status)),
                        withhold && !s.evidence.empty() ? "(withheld)" : std::string(s.evidence)});
      if (b.failing[i * dims + d] != 0) failing.push_back(d);
    }
    for (const CaseSlices& s : b.slices)
      cells.push_back(std::vector<std::uint32_t>(s.ids.begin() + s.offsets[i],
                                                 s.ids.begin() + s.offsets[i + 1]));
    c["scores"] = std::move(scores);
    c["failing"] = std::move(failing);
    c["cells"] = std::move(cells);
    line(c);
  }
}

RunBundle read_run_bundle(std::string_view text, const std::string& where) {
  RunBundle b;
  std::size_t number = 0, n = 0;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    std::string_view raw = text.substr(0, end);
    text.remove_prefix(std::min(text.size(), end + 1));
    ++number;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    const BundleLine l(raw, where, number);
    if (number == 1) {
      read_header(l, b);
      n = b.run.info.n_cases;
      b.run.scores = ScoreTable(n, b.run.dimensions.size());
      b.failing.assign(n * b.run.dimensions.size(), 0);
    } else if (number == 2) {
      read_report(l, b, where);
    } else if (number - 3 < n) {
      read_case(l, b, number - 3, where);
    } else {
      throw l.fail("", fmt::format("the header says {} cases; this line is one more", n));
    }
  }
  if (number == 0)
    throw InputError(where + ": empty; expected a " + std::string(kRunBundleSchema) + " bundle");
  if (b.run.case_lines.size() != n || b.run.report.empty())
    throw InputError(fmt::format("{}: cut short: the header says {} cases, {} are there", where, n,
                                 b.run.case_lines.size()));
  b.run.answered.assign(n, 1);
  return b;
}

bool same_run(const RunInfo& a, const RunInfo& b) {
  return a.id == b.id && a.suite_hash == b.suite_hash && a.dataset_hash == b.dataset_hash &&
         a.model == b.model && a.started_at == b.started_at && a.ended_at == b.ended_at &&
         a.n_cases == b.n_cases && a.n_errors == b.n_errors && a.passed == b.passed &&
         a.status == b.status;
}

void save_run_bundle(Store& store, const RunBundle& b) {
  const auto unit = store.begin();
  store.runs().save_run(b.run);  // the scores again below, with what pages filter them by
  RunResults results;
  results.scores = &b.run.scores;
  results.failing = b.failing;
  results.slices = b.slices;
  results.report = b.run.report;
  store.runs().finish_run(b.run.info, &results);
  unit->commit();
}

}  // namespace qb
