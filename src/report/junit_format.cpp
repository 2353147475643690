// junit: JUnit XML for CI test panels (GitHub Actions, GitLab, Jenkins). One testcase per
// dimension × slice cell that has a bar and per fairness bar; a missed bar is a <failure> with the
// sentence the terminal prints. Every string is escaped for XML 1.0.
#include <cmath>
#include <cstdio>
#include <ctime>

#include <fmt/format.h>

#include "qualbar/report/format.hpp"
#include "qualbar/report/xml.hpp"
#include "qualbar/util/text.hpp"

namespace qb {
namespace {

std::string xml(std::string_view raw, bool attribute = true) { return xml_escape(raw, attribute); }

// Seconds between two RFC 3339 UTC times ("2026-11-27T09:39:06.015Z"), 0 when either is unreadable.
double seconds_between(const std::string& from, const std::string& to) {
  auto parse = [](const std::string& s, double& out) {
    std::tm tm{};
    double sec = 0;
    if (std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%lf", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                    &tm.tm_hour, &tm.tm_min, &sec) != 6)
      return false;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    out = static_cast<double>(timegm(&tm)) + sec;
    return true;
  };
  double a = 0, b = 0;
  if (!parse(from, a) || !parse(to, b) || b < a) return 0.0;
  return b - a;
}

std::string interval_or_dash(const Cell& c, const DimensionResult& d, double confidence) {
  std::string t = interval_text(c, d, confidence);
  return t.empty() ? "—" : t;
}

struct TestCase {
  std::string classname, name;
  std::vector<std::string> failures;  // the sentences of the missed bars
  std::string body;                   // estimate, interval and bars
};

void write_junit(const ReportInput& in, std::ostream& out) {
  const Report& r = in.report;
  const RunInfo& run = r.run;
  std::vector<TestCase> cases;

  // The report's failures, by where they were missed, to give each testcase its sentences.
  auto sentences = [&](std::optional<std::size_t> dim, const std::string& where,
                       const std::string& key) {
    std::vector<std::string> out;
    for (const auto& f : r.failures) {
      if (f.dimension == dim && f.where == where && (key.empty() || f.bar.key == key))
        out.push_back(failure_text(f, r));
    }
    return out;
  };

  for (std::size_t di = 0; di < r.dimensions.size(); ++di) {
    const DimensionResult& d = r.dimensions[di];
    auto add = [&](const Cell& c) {
      if (c.bars.empty()) return;
      TestCase t;
      t.classname = r.suite_name + "." + d.name;
      t.name = d.name + " · " + c.label();  // stable across runs: CI panels track it by name
      t.body = fmt::format("{}: {} {} (n={})", d.estimate_name, format_value(c.estimate, d),
                           interval_or_dash(c, d, r.confidence), c.n);
      for (const auto& b : c.bars) {
        t.body += fmt::format("\nbar {} ({}): observed {}, {}", bar_text(b, d), b.source,
                              format_stat(b.stat, b.observed, d), b.passed ? "met" : "missed");
      }
      if (c.status == CellStatus::fail) t.failures = sentences(di, c.label(), "");
      if (c.status == CellStatus::fail && t.failures.empty())
        t.failures.push_back(t.name + ": bar missed");
      cases.push_back(std::move(t));
    };
    add(d.overall);
    for (const auto& c : d.cells) add(c);
  }

  for (const auto& f : r.fairness) {
    const std::string& dim = r.dimensions[f.dimension].name;
    for (const auto& b : f.bars) {
      const bool ratio = b.key == "min_ratio";
      TestCase t;
      t.classname = r.suite_name + "." + dim + ".fairness";
      t.name = fmt::format("{} · fairness across {} · {} {}", dim, f.across, b.stat,
                           ratio ? "ratio" : "gap");
      t.body = ratio ? fmt::format("ratio {:.2f}, bar ≥ {:.2f}", b.observed, b.limit)
                     : fmt::format("gap {:.1f} points, bar ≤ {:.1f} points", 100.0 * b.observed,
                                   100.0 * b.limit);
      if (!b.passed) t.failures = sentences(f.dimension, "across " + f.across, b.key);
      if (!b.passed && t.failures.empty()) t.failures.push_back(t.name + ": bar missed");
      cases.push_back(std::move(t));
    }
  }

  // A critical slice without cases has no cell: it is a failed testcase of its own.
  for (const auto& f : r.failures) {
    if (f.dimension) continue;
    TestCase t;
    t.classname = r.suite_name + ".critical_slices";
    t.name = "critical slice · " + f.where;
    t.body = "no case of the dataset falls in this slice";
    t.failures.push_back(failure_text(f, r));
    cases.push_back(std::move(t));
  }

  std::size_t failures = 0;
  for (const auto& t : cases) failures += t.failures.empty() ? 0 : 1;
  const double time = seconds_between(run.started_at, run.ended_at);

  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << fmt::format(
      "<testsuites name=\"qualbar\" tests=\"{}\" failures=\"{}\" errors=\"0\" "
      "time=\"{:.3f}\">\n",
      cases.size(), failures, time);
  out << fmt::format(
      "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" "
      "skipped=\"0\" time=\"{:.3f}\" timestamp=\"{}\" hostname=\"{}\">\n",
      xml(r.suite_name), cases.size(), failures, time, xml(run.started_at), xml(run.host));
  out << "    <properties>\n";
  const std::pair<const char*, std::string> props[] = {{"run_id", run.id},
                                                       {"model", run.model},
                                                       {"provider", run.provider},
                                                       {"suite_hash", run.suite_hash},
                                                       {"bars_hash", run.bars_hash},
                                                       {"dataset_hash", run.dataset_hash},
                                                       {"qualbar_version", run.qualbar_version}};
  for (const auto& [name, value] : props)
    out << fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", name, xml(value));
  out << "    </properties>\n";
  for (const auto& t : cases) {
    out << fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"0\"", xml(t.classname),
                       xml(t.name));
    if (t.failures.empty()) {
      out << "/>\n";
      continue;
    }
    std::string body = t.body;
    for (std::size_t i = 1; i < t.failures.size(); ++i) body += "\nalso: " + t.failures[i];
    out << fmt::format(
        ">\n      <failure message=\"{}\" type=\"bar\">{}</failure>\n    </testcase>\n",
        xml(t.failures.front()), xml(body, false));
  }
  out << fmt::format(
      "    <system-out>{}</system-out>\n",
      xml(fmt::format("run {} · model {} · {} cases, {} errors · suite hash {} · qualbar {}",
                      run.id, run.model, r.n_cases, r.n_errors, run.suite_hash,
                      run.qualbar_version)));
  out << "  </testsuite>\n</testsuites>\n";
}

const ReportFormatRegistrar junit_format_registrar{ReportFormatEntry{
    "junit", "JUnit XML for CI test panels: one testcase per bar-checked cell and fairness bar.",
    ".xml", write_junit}};

}  // namespace
}  // namespace qb
