#include "qualbar/compare/compare_html.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "qualbar/util/text.hpp"
#include "qualbar/util/word_diff.hpp"
#include "report/html_escape.hpp"

namespace qb {
namespace {

using html::text;

constexpr std::size_t kChartSlices = 30;

// The changed cases' two outputs side by side, with what one has and the other lacks marked.
constexpr const char* kCompareStyle =
    ".sbs{table-layout:fixed}.sbs td,.sbs th{width:50%}"
    ".sbs td.text,.sbs td.evidence,.changed-case p.text{max-width:none}"
    ".sbs del{background:#fdecea;color:var(--fail)}"
    ".sbs ins{background:#e9f5ea;color:var(--pass);text-decoration:none;font-weight:600}"
    ".changed-case{margin:14px 0 22px}.changed-case p{margin:4px 0}";

bool is_rate(const CompareDimension& d) { return d.estimate_name == "pass rate"; }

std::string value(double v, const CompareDimension& d, bool signed_ = false) {
  if (!std::isfinite(v)) return "—";
  if (is_rate(d)) return signed_ ? signed_text(100.0 * v, 1) + " pts" : percent(v);
  const std::string unit = d.unit.empty() ? "" : " " + d.unit;
  return signed_ ? fmt::format("{:+.4g}{}", v, unit) : fmt::format("{:.4g}{}", v, unit);
}

const char* verdict_class(Verdict v) {
  switch (v) {
    case Verdict::regression:
      return "fail";
    case Verdict::improvement:
      return "pass";
    case Verdict::too_few:
      return "small";
    case Verdict::no_change:
      break;
  }
  return "none";
}

// One row per cell (overall first, then the slices: regressions, improvements, the rest): the
// difference B − A as a dot with its interval, against the zero line.
std::string diff_chart(const CompareDimension& d) {
  std::vector<const CompareCell*> rows = {&d.overall};
  for (const auto& c : d.cells) {
    if (rows.size() == kChartSlices) break;
    if (c.verdict != Verdict::too_few) rows.push_back(&c);
  }
  double lo = 0, hi = 0;
  for (const auto* c : rows) {
    for (const double v : {c->diff, c->interval.lo, c->interval.hi})
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  }
  if (hi - lo <= 0) hi = lo + 1e-9;
  const double pad = (hi - lo) * 0.05;
  lo -= pad;
  hi += pad;
  const int label_w = 260, plot_w = 420, row_h = 22, top = 24;
  const int width = label_w + plot_w + 140;
  const int height = top + row_h * static_cast<int>(rows.size()) + 8;
  const auto x = [&](double v) { return label_w + (v - lo) / (hi - lo) * plot_w; };
  std::string s = fmt::format(
      "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" "
      "xmlns=\"http://www.w3.org/2000/svg\"><title>{}: B − A per slice</title>",
      width, height, width, height, text(d.name));
  s += fmt::format(
      "<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#757575\" "
      "stroke-dasharray=\"3 3\"/><text x=\"{0:.1f}\" y=\"14\" font-size=\"11\" "
      "text-anchor=\"middle\" fill=\"#5f6368\">no change</text>",
      x(0), top - 4, height - 4);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const CompareCell& c = *rows[i];
    const int y = top + row_h * static_cast<int>(i) + row_h / 2;
    const std::string colour = c.verdict == Verdict::regression    ? "#c62828"
                               : c.verdict == Verdict::improvement ? "#2e7d32"
                                                                   : "#757575";
    s += fmt::format(
        "<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\" fill=\"{}\">{}{}</text>",
        label_w - 8, y + 4, c.verdict == Verdict::regression ? "#c62828" : "#1c1c1c",
        text(c.label()), c.critical ? " ★" : "");
    if (std::isfinite(c.interval.lo) && std::isfinite(c.interval.hi))
      s += fmt::format("<line x1=\"{:.1f}\" y1=\"{}\" x2=\"{:.1f}\" y2=\"{}\" stroke=\"{}\"/>",
                       x(c.interval.lo), y, x(c.interval.hi), y, colour);
    if (std::isfinite(c.diff))
      s += fmt::format("<circle cx=\"{:.1f}\" cy=\"{}\" r=\"5\" fill=\"{}\"/>", x(c.diff), y,
                       colour);
    s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#5f6368\">{} · n={}</text>",
                     label_w + plot_w + 10, y + 4, text(value(c.diff, d, true)), c.n);
  }
  return s + "</svg>";
}

// One output, its words the other output lacks in `tag` (del in A's column, ins in B's); a run of
// such words is one element, the white space between them inside it.
std::string marked_words(const std::vector<DiffPiece>& pieces, std::string_view tag) {
  std::string s;
  bool open = false;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    // Words and white space alternate: an unmarked piece between two marked words is a space.
    const bool marked =
        pieces[i].changed || (open && i + 1 < pieces.size() && pieces[i + 1].changed);
    if (marked && !open) s += fmt::format("<{}>", tag);
    if (!marked && open) s += fmt::format("</{}>", tag);
    open = marked;
    s += text(pieces[i].text);
  }
  if (open) s += fmt::format("</{}>", tag);
  return s;
}

std::string output_cell(const FlipSide& side, const std::vector<DiffPiece>& pieces,
                        std::string_view tag) {
  if (side.failed_call && side.output.empty()) return "<em>the call failed</em>";
  return marked_words(pieces, tag);
}

std::string changed_case_html(const FlippedCase& c) {
  const bool worse = c.flip == Flip::pass_to_fail;
  std::string s = fmt::format(
      "<div class=\"changed-case\"><p><span class=\"status {}\">{}</span> <strong "
      "class=\"id\">{}</strong>",
      worse ? "fail" : "pass", worse ? "pass → fail" : "fail → pass", text(c.id));
  if (!c.critical_slices.empty())
    s += " <span class=\"crit\">critical</span>" +
         text(fmt::format("{}", fmt::join(c.critical_slices, ", ")));
  s += "</p>\n<p class=\"text\"><b>input</b> " + text(c.input) + "</p>\n";
  if (c.reference) s += "<p class=\"text\"><b>reference</b> " + text(*c.reference) + "</p>\n";
  const WordDiff diff = word_diff(c.a.output, c.b.output);
  s += fmt::format(
      "<table class=\"sbs\"><thead><tr><th>A (baseline): {}</th><th>B (candidate): {}</th></tr>"
      "</thead><tbody>\n<tr><td class=\"text\">{}</td><td class=\"text\">{}</td></tr>\n"
      "<tr><td class=\"evidence\">{}</td><td class=\"evidence\">{}</td></tr>\n</tbody></table>"
      "</div>\n",
      worse ? "pass" : "fail", worse ? "fail" : "pass", output_cell(c.a, diff.a, "del"),
      output_cell(c.b, diff.b, "ins"), text(c.a.evidence), text(c.b.evidence));
  return s;
}

std::string changed_cases_html(const Comparison& cmp) {
  if (cmp.changed_cases.empty()) return "";
  std::size_t total = 0;
  for (const ChangedCases& d : cmp.changed_cases) total += d.changed();
  std::string s = "<section id=\"changed-cases\"><h2>Cases that changed</h2>\n";
  s += fmt::format(
      "<p class=\"meta\">The paired cases whose verdict differs between A and B on a pass/fail "
      "dimension: all counted, {}</p>\n",
      cmp.list_cases == 0
          ? std::string("none shown (--cases N shows N of each dimension).")
          : fmt::format("the first {} of each dimension shown (pass → fail first, cases in a "
                        "critical slice first). In each pair of outputs, the words only A has are "
                        "struck through and the words only B has are highlighted.",
                        cmp.list_cases));
  if (total == 0) return s + "<p>No case changed its verdict.</p></section>\n";
  for (const ChangedCases& d : cmp.changed_cases) {
    if (d.changed() == 0) continue;
    s += fmt::format(
        "<h3>{} <span class=\"note\">{} changed: {} pass → fail, {} fail → pass</span></h3>\n",
        text(d.dimension), d.changed(), d.pass_to_fail, d.fail_to_pass);
    for (const FlippedCase& c : d.listed) s += changed_case_html(c);
    if (!d.listed.empty() && d.skipped + d.listed.size() < d.changed())
      s += fmt::format("<p class=\"note\">{} more not shown (--cases {} shows them all).</p>\n",
                       d.changed() - d.skipped - d.listed.size(), d.changed());
  }
  return s + "</section>\n";
}

}  // namespace

std::string comparison_html(const Comparison& cmp, const std::string& suite_name) {
  std::vector<std::string> regressed;
  for (const auto& d : cmp.dimensions)
    if (d.verdict == Verdict::regression) regressed.push_back(d.name);
  std::string s;
  s += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
       "'unsafe-inline'; img-src data:; script-src 'none'; base-uri 'none'; form-action "
       "'none'\">\n<meta name=\"referrer\" content=\"no-referrer\">\n"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  s += fmt::format("<title>{} · compare · {}</title>\n", regressed.empty() ? "PASS" : "FAIL",
                   text(suite_name));
  s += "<style>" + std::string(html::page_style()) + kCompareStyle +
       "</style>\n</head>\n<body>\n<main>\n";
  s += fmt::format("<h1>{} · {} against {}</h1>\n", text(suite_name), text(cmp.b.model),
                   text(cmp.a.model));
  s += fmt::format(
      "<p class=\"meta\">A (baseline) {} · {} → B (candidate) {} · {} · paired on {} cases ({} "
      "only in A, {} only in B) · p-values adjusted across each dimension's slices ({}) · "
      "intervals at {:g}%</p>\n",
      text(cmp.a.id), text(cmp.a.model), text(cmp.b.id), text(cmp.b.model), cmp.paired, cmp.only_a,
      cmp.only_b, cmp.adjust == Adjustment::holm ? "Holm" : "Benjamini–Hochberg",
      100.0 * cmp.confidence);
  s += fmt::format("<section id=\"verdict\" class=\"verdict {}\">\n",
                   regressed.empty() ? "pass" : "fail");
  if (regressed.empty()) {
    s += "<div class=\"big\">NO REGRESSION</div> B is not significantly worse than A on any "
         "dimension, overall or in a critical slice.\n";
  } else {
    s += fmt::format("<div class=\"big\">REGRESSION</div> B is worse than A on: {}\n",
                     text(fmt::format("{}", fmt::join(regressed, ", "))));
  }
  if (cmp.bars_differ)
    s += "<p><strong>⚠ The bars differ</strong> between the two runs: B's suite is used.</p>\n";
  if (cmp.suites_differ && !cmp.bars_differ)
    s += "<p>⚠ The suites differ (their bars do not).</p>\n";
  if (cmp.datasets_differ)
    s += fmt::format(
        "<p><strong>⚠ The datasets differ</strong>: only the {} shared cases are "
        "compared.</p>\n",
        cmp.paired);
  s += "</section>\n";

  s += "<section id=\"overview\"><table><thead><tr><th>dimension</th><th class=\"num\">A</th>"
       "<th class=\"num\">B</th><th class=\"num\">B − A</th><th class=\"num\">interval</th>"
       "<th>test</th><th class=\"num\">p (adj.)</th><th>verdict</th></tr></thead><tbody>\n";
  for (std::size_t i = 0; i < cmp.dimensions.size(); ++i) {
    const auto& d = cmp.dimensions[i];
    const CompareCell& c = d.overall;
    s += fmt::format(
        "<tr><td><a href=\"#dim-{}\">{}</a></td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">[{}, {}]</td><td>{}</td><td class=\"num\">{}"
        "</td><td class=\"{}\">{}</td></tr>\n",
        i, text(d.name), text(value(c.a, d)), text(value(c.b, d)), text(value(c.diff, d, true)),
        text(value(c.interval.lo, d, true)), text(value(c.interval.hi, d, true)), text(c.test),
        std::isfinite(c.p_adjusted) ? fmt::format("{:.3g}", c.p_adjusted) : "—",
        verdict_class(d.verdict),
        text(d.verdict == Verdict::regression && c.verdict != Verdict::regression
                 ? std::string("regression (critical slice)")
                 : std::string(to_string(c.verdict))));
  }
  s += "</tbody></table></section>\n";

  for (std::size_t i = 0; i < cmp.dimensions.size(); ++i) {
    const auto& d = cmp.dimensions[i];
    s += fmt::format("<section id=\"dim-{}\"><h2>{} <span class=\"{}\">{}</span></h2>\n", i,
                     text(d.name), verdict_class(d.verdict), text(to_string(d.verdict)));
    s += diff_chart(d);
    s += "<details><summary>every slice</summary><table><thead><tr><th>slice</th>"
         "<th class=\"num\">n</th><th class=\"num\">A</th><th class=\"num\">B</th>"
         "<th class=\"num\">B − A</th><th class=\"num\">p (adj.)</th><th>verdict</th></tr>"
         "</thead><tbody>\n";
    for (const auto& c : d.cells) {
      s += fmt::format(
          "<tr><td>{}{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td "
          "class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td "
          "class=\"{}\">{}</td></tr>\n",
          text(c.label()), c.critical ? " ★" : "", c.n, text(value(c.a, d)), text(value(c.b, d)),
          text(value(c.diff, d, true)),
          std::isfinite(c.p_adjusted) ? fmt::format("{:.3g}", c.p_adjusted) : "—",
          verdict_class(c.verdict), text(to_string(c.verdict)));
    }
    s += "</tbody></table></details></section>\n";
  }
  s += changed_cases_html(cmp);
  s += fmt::format(
      "<footer>A {} (suite {}, bars {}, dataset {}) · B {} (suite {}, bars {}, "
      "dataset {})</footer>\n</main>\n</body>\n</html>\n",
      text(cmp.a.id), text(cmp.a.suite_hash), text(cmp.a.bars_hash), text(cmp.a.dataset_hash),
      text(cmp.b.id), text(cmp.b.suite_hash), text(cmp.b.bars_hash), text(cmp.b.dataset_hash));
  return s;
}

}  // namespace qb
