// markdown: a pull-request comment. The verdict and the missed bars first, then one compact table
// of every dimension, the worst slices, analyses, fairness, errors and the run's audit line. Every
// string from a dataset, a model or the suite is escaped, and the comment stays within
// kMaxCharacters (GitHub rejects a longer comment): the least important rows go first.
#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "qualbar/report/format.hpp"
#include "qualbar/report/markdown.hpp"
#include "qualbar/util/text.hpp"

namespace qb {
namespace {

constexpr std::size_t kMaxCharacters = 65000;
constexpr std::size_t kMaxValue = 200;    // code points of one escaped value (a slice, a label)
constexpr std::size_t kMaxLine = 400;     // code points of one sentence or analysis line
constexpr std::size_t kTopFailures = 20;  // failed bars kept longest when the comment is cut
constexpr std::size_t kWorstSlices = 10;
constexpr std::size_t kAnalysisLines = 5;
constexpr std::size_t kFairnessGroups = 6;

std::string md(std::string_view raw, std::size_t max = kMaxValue) {
  return markdown_escape(raw, max);
}

// Text for a code block: control characters become spaces, and it is cut at `max` code points.
std::string literal(std::string_view raw, std::size_t max) {
  const std::string text = to_valid_utf8(raw);
  std::string out;
  std::size_t points = 0;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c & 0xC0) != 0x80 && points++ == max) {
      out += "…";
      break;
    }
    out += c < 0x20 || c == 0x7F ? ' ' : ch;
  }
  return out;
}

// A fence no line can close: one backtick more than the longest run in the lines, at least three.
std::string code_fence(const std::vector<std::string>& lines) {
  std::size_t longest = 0;
  for (const auto& line : lines) {
    std::size_t run = 0;
    for (char c : line) {
      run = c == '`' ? run + 1 : 0;
      longest = std::max(longest, run);
    }
  }
  return std::string(std::max<std::size_t>(3, longest + 1), '`');
}

std::string status_text(const Cell& c) {
  switch (c.status) {
    case CellStatus::fail:
      return "❌ fail";
    case CellStatus::pass:
      return "✅ pass";
    case CellStatus::too_small:
      return "⚠️ too few cases";
    case CellStatus::no_bar:
      return "no bar";
    case CellStatus::no_data:
      return "no data";
  }
  return "";
}

std::string row(const std::vector<std::string>& cells) {
  return fmt::format("| {} |\n", fmt::join(cells, " | "));
}

// The comment as sections of rows. When it is too long, rows are cut lowest priority first (the
// last of equals first); a section whose rows are all cut goes with its heading.
struct Section {
  std::string what;  // named in the note about cuts: "failed bars", "worst slices"
  std::string head;
  std::string tail;
  bool always = false;  // kept even without rows (the verdict, the audit line)
  std::size_t kept = 0, total = 0;
};

struct Unit {
  std::size_t section;
  int priority;
  std::string text;
  bool kept = true;
};

class Comment {
 public:
  std::size_t section(std::string what, std::string head, std::string tail = "\n",
                      bool always = false) {
    sections_.push_back({std::move(what), std::move(head), std::move(tail), always, 0, 0});
    return sections_.size() - 1;
  }
  void add(std::size_t s, int priority, std::string text) {
    ++sections_[s].kept;
    ++sections_[s].total;
    units_.push_back({s, priority, std::move(text)});
  }

  std::string render(std::size_t limit) {
    std::size_t length = 0;
    for (const auto& s : sections_)
      length += shown(s) ? code_points(s.head) + code_points(s.tail) : 0;
    for (const auto& u : units_) length += code_points(u.text);
    std::vector<std::size_t> order(units_.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      if (units_[a].priority != units_[b].priority) return units_[a].priority < units_[b].priority;
      return a > b;
    });
    for (std::size_t next = 0; length + code_points(note()) > limit && next < order.size();
         ++next) {
      Unit& u = units_[order[next]];
      Section& s = sections_[u.section];
      u.kept = false;
      length -= code_points(u.text);
      --s.kept;
      if (!shown(s)) length -= code_points(s.head) + code_points(s.tail);
    }
    std::string out;
    for (std::size_t i = 0; i < sections_.size(); ++i) {
      if (!shown(sections_[i])) continue;
      out += sections_[i].head;
      for (const auto& u : units_)
        if (u.section == i && u.kept) out += u.text;
      out += sections_[i].tail;
    }
    return out + note();
  }

 private:
  static bool shown(const Section& s) { return s.always || s.kept > 0; }

  std::string note() const {
    std::vector<std::string> cut;
    for (const auto& s : sections_) {
      if (s.kept == s.total) continue;
      cut.push_back(s.kept == 0 ? fmt::format("{} ({})", s.what, s.total)
                                : fmt::format("{} of {} {}", s.total - s.kept, s.total, s.what));
    }
    if (cut.empty()) return "";
    return fmt::format(
        "\n✂️ Cut to stay within {} characters: {}. `--format json` has everything.\n",
        kMaxCharacters, fmt::join(cut, ", "));
  }

  std::vector<Section> sections_;
  std::vector<Unit> units_;
};

std::string pts(double v) { return fixed_text(100.0 * v, 1); }

void fairness_section(Comment& doc, const Report& r) {
  if (r.fairness.empty()) return;
  const std::size_t s = doc.section("fairness results", "### Fairness\n\n");
  for (const auto& f : r.fairness) {
    std::string text =
        fmt::format("- {} **{}** across **{}** ({} groups, compared when n ≥ {})\n",
                    f.bars.empty() ? "•"
                    : f.passed     ? "✅"
                                   : "❌",
                    md(r.dimensions[f.dimension].name), md(f.across), f.groups.size(), f.min_cases);
    for (const auto& c : f.comparisons) {
      text += fmt::format("  - {}: {} ({}) to {} ({}): gap {} points [{}, {}]", md(c.metric),
                          percent(c.low_rate), md(c.low), percent(c.high_rate), md(c.high),
                          pts(c.gap), pts(c.gap_interval.lo), pts(c.gap_interval.hi));
      if (c.metric != "false-positive rate" && std::isfinite(c.ratio))
        text += fmt::format(", ratio {:.2f}", c.ratio);
      text += '\n';
    }
    for (const auto& b : f.bars) {
      const bool ratio = b.key == "min_ratio";
      text += fmt::format("  - {} {} {} {}: {}\n", b.passed ? "✅" : "❌", md(b.stat),
                          ratio ? "ratio ≥" : "gap ≤",
                          ratio ? fmt::format("{:.2f}", b.limit) : pts(b.limit) + " points",
                          ratio ? fmt::format("{:.2f}", b.observed) : pts(b.observed) + " points");
    }
    std::vector<std::string> groups;
    for (std::size_t i = 0; i < f.groups.size() && i < kFairnessGroups; ++i) {
      const auto& g = f.groups[i];
      groups.push_back(fmt::format("{} {} (n={})", md(g.value), percent(g.pass_rate), g.n));
    }
    if (!groups.empty()) {
      text += fmt::format("  - lowest groups: {}{}\n", fmt::join(groups, "; "),
                          f.groups.size() > kFairnessGroups ? "; …" : "");
    }
    doc.add(s, 20, std::move(text));
  }
}

void write_markdown(const ReportInput& in, std::ostream& out) {
  const Report& r = in.report;
  const RunInfo& run = r.run;
  Comment doc;

  const std::size_t n_fail = r.failures.size();
  const std::string about =
      md(r.suite_name) + (run.model.empty() ? "" : " · model " + md(run.model));
  const std::string verdict = r.passed ? fmt::format("## ✅ qualbar: every bar met · {}\n\n", about)
                                       : fmt::format("## ❌ qualbar: {} bar{} missed · {}\n\n",
                                                     n_fail, n_fail == 1 ? "" : "s", about);
  doc.section("verdict", verdict, "", true);

  if (!r.failures.empty()) {
    const std::size_t s = doc.section("failed bars", "### Failed bars\n\n");
    for (std::size_t i = 0; i < r.failures.size(); ++i) {
      const Failure& f = r.failures[i];
      doc.add(s, i < kTopFailures ? 90 : 30,
              fmt::format("{}. {}{}\n", i + 1, f.critical ? "★ " : "",
                          md(failure_text(f, r), kMaxLine)));
    }
  }

  if (const auto notices = report_notices(r); !notices.empty()) {
    const std::size_t s = doc.section("notices", "");
    for (const auto& note : notices)
      doc.add(s, 80, fmt::format("> ⚠️ {}\n\n", md(note, kMaxLine)));
  }

  const std::string interval_header = fmt::format("{:g}% interval", 100.0 * r.confidence);
  const std::size_t dims = doc.section(
      "dimension rows", "### Dimensions overall\n\n" +
                            row({"dimension", "estimate", interval_header, "n", "bar", "status"}) +
                            "|---|---:|---|---:|---|---|\n");
  for (const auto& d : r.dimensions) {
    const Cell& c = d.overall;
    doc.add(dims, 70,
            row({"**" + md(d.name) + "**", md(estimate_text(c, d)),
                 md(interval_text(c, d, r.confidence)), std::to_string(c.n), md(bars_text(c, d)),
                 status_text(c)}));
  }

  const auto slices = worst_slices(r);
  if (!slices.empty()) {
    const std::size_t shown = std::min(slices.size(), kWorstSlices);
    bool any_critical = false;
    for (std::size_t i = 0; i < shown; ++i) any_critical = any_critical || slices[i].c->critical;
    const std::size_t s = doc.section(
        "worst slices",
        fmt::format("### Worst slices ({} of {})\n\n", shown, slices.size()) +
            row({"dimension", "slice", "n", "estimate", interval_header, "bar", "status"}) +
            "|---|---|---:|---:|---|---|---|\n",
        any_critical ? "\n★ critical slice: it must meet its bars or the run fails.\n\n" : "\n");
    for (std::size_t i = 0; i < shown; ++i) {
      const auto& [d, c, gap] = slices[i];
      doc.add(s, 50,
              row({md(d->name), (c->critical ? "★ " : "") + md(c->label()), std::to_string(c->n),
                   md(estimate_text(*c, *d)), md(interval_text(*c, *d, r.confidence)),
                   md(bars_text(*c, *d)), status_text(*c)}));
    }
  }

  bool any_analysis = false;
  for (const auto& d : r.dimensions) any_analysis = any_analysis || !d.analyses().empty();
  if (any_analysis) {
    const std::size_t s = doc.section("analyses", "### Analyses\n\n", "");
    for (const auto& d : r.dimensions) {
      for (const Analysis* a : d.analyses()) {
        // The lines are column-aligned: a code block keeps them so, and shows them literally.
        const auto& lines = a->lines;
        std::vector<std::string> shown;
        for (std::size_t i = 0; i < lines.size() && i < kAnalysisLines; ++i)
          shown.push_back(literal(lines[i], kMaxLine));
        if (lines.size() > kAnalysisLines)
          shown.push_back(fmt::format("… {} more lines", lines.size() - kAnalysisLines));
        const std::string fence = code_fence(shown);
        doc.add(s, 10,
                fmt::format("**{}**\n{}text\n{}\n{}\n\n", md(a->title, kMaxLine), fence,
                            fmt::join(shown, "\n"), fence));
      }
    }
  }

  fairness_section(doc, r);

  const std::size_t errors = doc.section("errors line", "", "");
  doc.add(errors, 85,
          fmt::format(
              "**Errors:** {} of {} cases ({}) failed or had no response; each counts as "
              "a failure on every quality dimension.\n\n",
              r.n_errors, r.n_cases,
              r.n_cases ? percent(static_cast<double>(r.n_errors) / static_cast<double>(r.n_cases))
                        : "—"));

  std::vector<std::string> audit;
  auto field = [&](const char* what, const std::string& value) {
    if (!value.empty()) audit.push_back(fmt::format("{} {}", what, md(value)));
  };
  field("run", run.id);
  field("model", run.model);
  field("suite", r.suite_name);
  field("suite hash", run.suite_hash);
  field("bars hash", run.bars_hash);
  field("dataset hash", run.dataset_hash);
  field("qualbar", run.qualbar_version);
  audit.push_back(fmt::format("{:g}% intervals", 100.0 * r.confidence));
  doc.section("audit line", fmt::format("<sub>{}</sub>\n", fmt::join(audit, " · ")), "", true);

  out << doc.render(kMaxCharacters);
}

const ReportFormatRegistrar markdown_format_registrar{ReportFormatEntry{
    "markdown",
    "A pull-request comment: the verdict, missed bars, dimensions, worst slices (GitHub Markdown).",
    ".md", write_markdown}};

}  // namespace
}  // namespace qb
