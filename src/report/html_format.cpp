// html: one self-contained page (inline CSS, inline SVG charts, one hashed script for the case
// search) that works offline and loads nothing. Security model: docs/report-html.md.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/report/format.hpp"
#include "qualbar/util/text.hpp"
#include "report/html_charts.hpp"
#include "report/html_escape.hpp"

namespace qb {
namespace {

using html::attr;
using html::status_class;
using html::text;

constexpr std::size_t kChartRows = 30;       // slices drawn per dimension (all are in the table)
constexpr std::size_t kMaxCaseRows = 5000;   // failing case × dimension rows in the table
constexpr std::size_t kOutputExcerpt = 300;  // bytes of output shown per failing case

// The case search. Changing one byte of it changes its hash: update kScriptHash (the browser
// test fails otherwise, as the page's Content-Security-Policy then blocks the script).
constexpr const char* kScript =
    "(function(){var q=document.getElementById('case-search');if(!q)return;"
    "var rows=document.querySelectorAll('#case-table tbody tr'),"
    "c=document.getElementById('case-count');"
    "q.addEventListener('input',function(){var s=q.value.toLowerCase(),n=0;"
    "for(var i=0;i<rows.length;i++){var m=rows[i].textContent.toLowerCase().indexOf(s)>=0;"
    "rows[i].hidden=!m;if(m)n++;}c.textContent=n;});"
    "document.body.setAttribute('data-search','ready');})();";
// base64(SHA-256(kScript))
constexpr const char* kScriptHash = "sha256-DksugJuEeIbSs+LWbRdfvkcAOCXmB89SD1rs6TzbLl8=";

std::string status_html(const Cell& c) {
  std::string word;
  switch (c.status) {
    case CellStatus::fail:
      word = "FAIL";
      break;
    case CellStatus::pass:
      word = "pass";
      break;
    case CellStatus::too_small:
      word = c.min_detectable_drop && std::isfinite(*c.min_detectable_drop)
                 ? fmt::format("too small (shows drops ≥ {:.0f} pts)", 100 * *c.min_detectable_drop)
                 : "too small";
      break;
    case CellStatus::no_bar:
      word = "no bar";
      break;
    case CellStatus::no_data:
      word = "no data";
      break;
  }
  const bool uncertain =
      std::any_of(c.bars.begin(), c.bars.end(), [](const BarCheck& b) { return b.uncertain; });
  return fmt::format("<span class=\"status {}\">{}</span>{}", status_class(c.status), text(word),
                     uncertain ? " <span class=\"note\">(interval spans the bar)</span>" : "");
}

std::string cell_row(const Cell& c, const DimensionResult& d, double confidence,
                     const std::string& first) {
  return fmt::format(
      "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
      "<td>{}</td><td>{}</td></tr>\n",
      first, c.n, text(estimate_text(c, d)), text(interval_text(c, d, confidence)),
      text(bars_text(c, d)), status_html(c));
}

std::string pct(const nlohmann::json& v) { return v.is_number() ? percent(v.get<double>()) : "—"; }
std::string fixed(const nlohmann::json& v, int digits = 3) {
  return v.is_number() ? fmt::format("{:.{}f}", v.get<double>(), digits) : "—";
}
std::string pct_interval(const nlohmann::json& v) {
  if (!v.is_array() || v.size() != 2) return "";
  return fmt::format("[{}, {}]", pct(v[0]), pct(v[1]));
}

void write_classification(const nlohmann::json& data, std::string& s) {
  s += "<table><thead><tr><th>class (weakest first)</th><th class=\"num\">n</th>"
       "<th class=\"num\">recall</th><th class=\"num\">interval</th><th class=\"num\">precision"
       "</th><th class=\"num\">F1</th><th class=\"num\">false-positive rate</th>"
       "<th class=\"num\">false-negative rate</th></tr></thead><tbody>\n";
  for (const auto& c : data.value("classes", nlohmann::json::array())) {
    s += fmt::format(
        "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td></tr>\n",
        text(c.value("label", "")), c.value("support", 0), pct(c["recall"]),
        pct_interval(c["recall_interval"]), pct(c["precision"]), fixed(c["f1"], 2),
        pct(c["false_positive_rate"]), pct(c["false_negative_rate"]));
  }
  s += "</tbody></table>\n";
  // The most frequent confusions, from the matrix' off-diagonal counts.
  struct Mix {
    std::string expected, predicted;
    long count;
  };
  std::vector<Mix> mixes;
  const auto labels = data.value("labels", nlohmann::json::array());
  const auto matrix = data.value("confusion", nlohmann::json::array());
  for (std::size_t r = 0; r < matrix.size() && r < labels.size(); ++r) {
    for (std::size_t c = 0; c < matrix[r].size() && c < labels.size(); ++c) {
      const long n = matrix[r][c].get<long>();
      if (r != c && n > 0) mixes.push_back({labels[r], labels[c], n});
    }
  }
  std::stable_sort(mixes.begin(), mixes.end(),
                   [](const Mix& a, const Mix& b) { return a.count > b.count; });
  if (!mixes.empty()) {
    s += "<p class=\"note\">Most frequent confusions (expected → predicted): ";
    for (std::size_t i = 0; i < mixes.size() && i < 8; ++i)
      s += fmt::format("{}{} → {} ×{}", i ? "; " : "", text(mixes[i].expected),
                       text(mixes[i].predicted), mixes[i].count);
    s += "</p>\n";
  }
  const auto macro = data.value("macro", nlohmann::json::object());
  s += fmt::format(
      "<p class=\"note\">macro F1 {} · accuracy {} · {} cases with an expected label</p>\n",
      fixed(macro.value("f1", nlohmann::json()), 2), pct(data.value("accuracy", nlohmann::json())),
      data.value("n", 0));
}

void write_calibration(const nlohmann::json& data, std::string& s) {
  s += "<div class=\"kv\">";
  s += fmt::format("<span><b>accuracy</b> {}</span><span><b>mean confidence</b> {}</span>",
                   pct(data["accuracy"]), pct(data["mean_confidence"]));
  s += fmt::format(
      "<span><b>ECE</b> {}</span><span><b>MCE</b> {}</span><span><b>Brier</b> {}"
      "</span><span><b>AUROC</b> {}</span></div>\n",
      fixed(data["ece"]), fixed(data["mce"]), fixed(data["brier"]), fixed(data["auroc"], 2));
  s += "<p class=\"note\">Bars: how often answers in each confidence bin were right (the number "
       "of answers above each bar; the dot is the bin's mean confidence). A well-calibrated "
       "model's bars touch the diagonal.</p>\n";
  s += html::reliability_diagram(data);
  const auto slices = data.value("slices", nlohmann::json::array());
  if (slices.empty()) return;
  s += "<table><thead><tr><th>slice (worst calibrated first)</th><th class=\"num\">n</th>"
       "<th class=\"num\">ECE</th><th class=\"num\">confidence</th><th class=\"num\">accuracy"
       "</th></tr></thead><tbody>\n";
  for (std::size_t i = 0; i < slices.size() && i < 8; ++i) {
    const auto& r = slices[i];
    s += fmt::format(
        "<tr><td>{}={}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
        text(r.value("slice", "")), text(r.value("value", "")), r.value("n", 0), fixed(r["ece"]),
        pct(r["mean_confidence"]), pct(r["accuracy"]));
  }
  s += "</tbody></table>\n";
}

void write_analysis(const Analysis& a, std::string& s) {
  s += fmt::format("<h3>{}</h3>\n", text(a.title));
  const auto data = nlohmann::json::parse(a.data_json, nullptr, false);
  if (a.kind == "classification" && data.is_object()) return write_classification(data, s);
  if (a.kind == "calibration" && data.is_object()) return write_calibration(data, s);
  s += "<ul class=\"note\">";
  for (const auto& line : a.lines) s += "<li>" + text(line) + "</li>";
  s += "</ul>\n";
}

void write_dimension(const ReportInput& in, std::size_t index, std::string& s) {
  const DimensionResult& d = in.report.dimensions[index];
  s += fmt::format("<section class=\"dimension\" id=\"dim-{}\">\n<h2>{} {}</h2>\n", index,
                   text(d.name), status_html(d.overall));
  s += fmt::format("<p class=\"meta\">{} · scorer {} · overall {} {} (n={})</p>\n",
                   text(d.description), text(d.scorer), text(estimate_text(d.overall, d)),
                   text(interval_text(d.overall, d, in.report.confidence)), d.overall.n);
  s += "<p class=\"legend\">each slice, worst first:<b class=\"l-fail\"></b>misses its bar"
       "<b class=\"l-pass\"></b>meets it<b class=\"l-small\"></b>too few cases to tell"
       "<b class=\"l-none\"></b>no bar<b class=\"l-bar\"></b>the slice's bar · whiskers: "
       "interval (an arrowhead: it goes on past the chart's edge) · ★ critical slice</p>\n";
  s += html::slice_chart(d, kChartRows, in.report.confidence);
  if (d.cells.size() > kChartRows)
    s += fmt::format("<p class=\"note\">{} more slices in the table below.</p>\n",
                     d.cells.size() - kChartRows);
  if (d.aggregation == Aggregation::quantiles && (d.scorer == "latency" || d.scorer == "ttft")) {
    std::vector<double> values;
    for (const auto& r : in.responses) {
      const auto& v = d.scorer == "latency" ? r.latency_ms : r.details().ttft_ms;
      if (v) values.push_back(*v);
    }
    const std::string chart = html::histogram(values, d);
    if (!chart.empty()) {
      s +=
          fmt::format("<h3>{}: distribution over {} responses</h3>\n", text(d.name), values.size());
      s += chart;
    }
  }
  for (const Analysis* a : d.analyses()) write_analysis(*a, s);
  s += fmt::format("<details><summary>every slice ({})</summary>\n", d.cells.size());
  s += "<table><thead><tr><th>slice</th><th class=\"num\">n</th><th class=\"num\">estimate</th>"
       "<th class=\"num\">interval</th><th>bar</th><th>status</th></tr></thead><tbody>\n";
  s += cell_row(d.overall, d, in.report.confidence, "<b>overall</b>");
  for (const auto& c : d.cells)
    s += cell_row(c, d, in.report.confidence, text(c.label()) + (c.critical ? " ★" : ""));
  s += "</tbody></table></details>\n</section>\n";
}

void write_fairness(const Report& r, std::string& s) {
  if (r.fairness.empty()) return;
  s += "<section id=\"fairness\"><h2>Fairness</h2>\n";
  for (const auto& f : r.fairness) {
    s += fmt::format("<h3>{} across {} {}</h3>\n<ul>", text(r.dimensions[f.dimension].name),
                     text(f.across),
                     f.bars.empty() ? ""
                     : f.passed     ? "<span class=\"status pass\">pass</span>"
                                    : "<span class=\"status fail\">FAIL</span>");
    for (const auto& c : f.comparisons) {
      s += "<li>" +
           text(fmt::format("{}: {} ({}) to {} ({}): gap {} points [{}, {}]", c.metric,
                            percent(c.low_rate), c.low, percent(c.high_rate), c.high,
                            fixed_text(100 * c.gap, 1), fixed_text(100 * c.gap_interval.lo, 1),
                            fixed_text(100 * c.gap_interval.hi, 1))) +
           "</li>";
    }
    s += "</ul>\n<table><thead><tr><th>group (lowest first)</th><th class=\"num\">n</th>"
         "<th class=\"num\">pass rate</th><th class=\"num\">interval</th></tr></thead><tbody>\n";
    for (const auto& g : f.groups)
      s += fmt::format(
          "<tr><td>{}{}</td><td class=\"num\">{}</td><td class=\"num\">{:.1f}%</td>"
          "<td class=\"num\">[{:.1f}%, {:.1f}%]</td></tr>\n",
          text(g.value), g.compared ? "" : " <span class=\"note\">(too few)</span>", g.n,
          100 * g.pass_rate, 100 * g.interval.lo, 100 * g.interval.hi);
    s += "</tbody></table>\n";
  }
  s += "</section>\n";
}

// A report drawn without its cases (a served run page): each pass/fail dimension's failing cases
// are a link to where they are read.
void write_failing_case_links(const ReportInput& in, std::string& s) {
  s += "<section id=\"failing-cases\"><h2>Failing cases</h2>\n<p>Each dimension's failing cases, "
       "with their input, output and the scorer's evidence, in the case explorer:</p>\n<ul>\n";
  for (const DimensionResult& dim : in.report.dimensions) {
    // The dimensions a case can fail (case_failed): pass rates, graded ones against their
    // threshold.
    if (dim.aggregation != Aggregation::rate || dim.name == kErrorsDimension) continue;
    s += fmt::format("<li><a href=\"{}?failing={}\">{}</a> (pass rate {:.1f}%, n={})</li>\n",
                     html::attr(in.cases_url), html::attr(dim.name), text(dim.name),
                     100 * dim.overall.estimate, dim.overall.n);
  }
  s += fmt::format("</ul>\n<p><a href=\"{}\">Every case</a></p></section>\n",
                   html::attr(in.cases_url));
}

void write_failing_cases(const ReportInput& in, std::string& s) {
  if (in.cases.empty() && !in.cases_url.empty()) return write_failing_case_links(in, s);
  const auto& dims = in.report.dimensions;
  std::string rows;
  std::size_t n = 0, total = 0;
  for (std::size_t d = 0; d < dims.size() && d < in.scores.n_dimensions(); ++d) {
    const DimensionResult& dim = dims[d];
    if (dim.name == kErrorsDimension) continue;
    for (std::size_t c = 0; c < in.cases.size() && c < in.scores.n_cases(); ++c) {
      const ScoreView v = in.scores.at(c, d);
      if (!case_failed(dim, v)) continue;
      ++total;
      if (n == kMaxCaseRows) continue;
      ++n;
      const Case& k = in.cases[c];
      const Response* r = c < in.responses.size() ? &in.responses[c] : nullptr;
      std::string slice = k.category;
      if (!k.language.empty()) slice += (slice.empty() ? "" : " · ") + k.language.str();
      rows += fmt::format(
          "<tr><td class=\"id\">{}</td><td>{}</td><td>{}</td><td class=\"text\">{}</td>"
          "<td class=\"evidence\">{}</td></tr>\n",
          text(k.id), text(dim.name), text(slice),
          r ? html::linkify(excerpt(to_valid_utf8(r->output), kOutputExcerpt)) : "",
          html::linkify(v.evidence));
    }
  }
  s += "<section id=\"failing-cases\"><h2>Failing cases</h2>\n";
  s += fmt::format(
      "<p class=\"meta\">Every case that failed a pass/fail dimension or whose call "
      "failed, with the scorer's evidence. {} rows{}.</p>\n",
      total,
      total > n ? fmt::format(" (the first {} shown; --format scores has all)", n) : std::string());
  if (n == 0) {
    s += "<p>No case failed.</p></section>\n";
    return;
  }
  s += fmt::format(
      "<p><input type=\"search\" id=\"case-search\" placeholder=\"Search id, "
      "dimension, output, evidence…\" aria-label=\"search failing cases\"> "
      "<span class=\"note\"><span id=\"case-count\">{}</span> shown</span></p>\n",
      n);
  s += "<table id=\"case-table\"><thead><tr><th>case</th><th>dimension</th><th>slice</th>"
       "<th>output</th><th>evidence</th></tr></thead><tbody>\n";
  s += rows;
  s += "</tbody></table></section>\n";
}

void write_html(const ReportInput& in, std::ostream& out) {
  const Report& r = in.report;
  const RunInfo& run = r.run;
  std::string s;
  s.reserve(1 << 18);
  s += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  s += fmt::format(
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; img-src data:; script-src '{}'; base-uri 'none'; "
      "form-action 'none'\">\n",
      kScriptHash);
  s += "<meta name=\"referrer\" content=\"no-referrer\">\n"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  s += fmt::format("<title>{} · {} · {}</title>\n", r.passed ? "PASS" : "FAIL", text(r.suite_name),
                   text(run.model));
  s += "<style>" + std::string(html::page_style()) + "</style>\n</head>\n<body>\n<main>\n";
  s += fmt::format("<h1>{} · model {}</h1>\n", text(r.suite_name), text(run.model));
  s += fmt::format(
      "<p class=\"meta\">run {} · {} · {} cases · {} errors · intervals at {:g}% confidence</p>\n",
      text(run.id), text(run.started_at), r.n_cases, r.n_errors, 100 * r.confidence);

  s += fmt::format("<section id=\"verdict\" class=\"verdict {}\">\n", r.passed ? "pass" : "fail");
  if (r.passed) {
    s += "<div class=\"big\">PASS</div> every bar is met.\n";
  } else {
    s += fmt::format("<div class=\"big\">FAIL — {} bar{} missed</div>\n<ol>\n", r.failures.size(),
                     r.failures.size() == 1 ? "" : "s");
    for (const auto& f : r.failures)
      s += fmt::format("<li>{}{}</li>\n", f.critical ? "<span class=\"crit\">CRITICAL</span>" : "",
                       text(failure_text(f, r)));
    s += "</ol>\n";
  }
  s += "</section>\n";
  for (const auto& note : report_notices(r))
    s += fmt::format("<p class=\"notice\">⚠ {}</p>\n", text(note));
  s += "<nav>";
  for (std::size_t i = 0; i < r.dimensions.size(); ++i)
    s += fmt::format("<a href=\"#dim-{}\">{}</a>", i, text(r.dimensions[i].name));
  if (!r.fairness.empty()) s += "<a href=\"#fairness\">fairness</a>";
  s += "<a href=\"#failing-cases\">failing cases</a></nav>\n";

  s += "<section id=\"overview\"><table><thead><tr><th>dimension</th><th class=\"num\">n</th>"
       "<th class=\"num\">overall</th><th class=\"num\">interval</th><th>bar</th><th>status</th>"
       "</tr></thead><tbody>\n";
  for (std::size_t i = 0; i < r.dimensions.size(); ++i) {
    const auto& d = r.dimensions[i];
    s += cell_row(d.overall, d, r.confidence,
                  fmt::format("<a href=\"#dim-{}\">{}</a>", i, text(d.name)));
  }
  s += "</tbody></table></section>\n";

  for (std::size_t i = 0; i < r.dimensions.size(); ++i) write_dimension(in, i, s);
  write_fairness(r, s);
  write_failing_cases(in, s);

  s += fmt::format(
      "<footer>qualbar {} · provider {} · suite {} (hash {}, bars {}) · dataset {} · {} → {} · "
      "{}@{}</footer>\n</main>\n",
      text(run.qualbar_version), text(run.provider), text(r.suite_file), text(run.suite_hash),
      text(run.bars_hash), text(run.dataset_hash), text(run.started_at), text(run.ended_at),
      text(run.user), text(run.host));
  s += "<script>" + std::string(kScript) + "</script>\n</body>\n</html>\n";
  out << s;
}

const ReportFormatRegistrar html_format_registrar{ReportFormatEntry{
    "html", "A self-contained HTML page: verdict, charts per slice, failing cases (no network).",
    ".html", write_html, /*needs_cases=*/true}};

}  // namespace
}  // namespace qb
