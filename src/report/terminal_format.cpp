// terminal: the verdict, each dimension overall, then the worst slices first.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "qualbar/report/format.hpp"
#include "qualbar/util/text.hpp"
#include "report/terminal_table.hpp"

namespace qb {
namespace {

using term::Style;
using term::Table;
using term::width;

// Rates in points without "%" ("[83.9, 92.6]"), as the column header says; a missing end says why.
std::string cell_interval_text(const Cell& c, const DimensionResult& d, double confidence) {
  if (std::isnan(c.interval.lo) && std::isnan(c.interval.hi)) return "";
  auto v = [&](double x, bool upper) {
    if (std::isnan(x)) return missing_end_text(c, d, confidence, upper);
    if (d.aggregation == Aggregation::rate) return fixed_text(100.0 * x, 1);
    return format_value(x, d);
  };
  return fmt::format("[{}, {}]", v(c.interval.lo, false), v(c.interval.hi, true));
}

// A cell's status; `compact` for a table too wide for the terminal, explained by compact_legend.
std::string status_text(const Cell& c, const Style& st, bool compact) {
  const bool uncertain =
      std::any_of(c.bars.begin(), c.bars.end(), [](const BarCheck& b) { return b.uncertain; });
  const std::string note =
      !uncertain ? "" : compact ? st.dim("?") : st.dim(" (interval spans the bar)");
  switch (c.status) {
    case CellStatus::fail:
      return st.red("FAIL") + note;
    case CellStatus::pass:
      return st.green("pass") + note;
    case CellStatus::too_small:
      if (compact) return st.yellow("too\u00a0small");  // one word: it never wraps
      if (!std::isfinite(c.min_detectable_drop.value_or(0)))
        return st.yellow("too small: cannot show any drop");
      return st.yellow(fmt::format("too small: shows only drops ≥ {:.0f} pts",
                                   100.0 * c.min_detectable_drop.value_or(0)));
    case CellStatus::no_bar:
      return st.dim("no bar");
    case CellStatus::no_data:
      return st.dim("no data");
  }
  return "";
}

// What the compact statuses of a table say, for the lines under it.
std::vector<std::string> compact_legend(const std::vector<const Cell*>& cells, double min_effect) {
  bool uncertain = false, small = false;
  for (const Cell* c : cells) {
    uncertain = uncertain || std::any_of(c->bars.begin(), c->bars.end(),
                                         [](const BarCheck& b) { return b.uncertain; });
    small = small || c->status == CellStatus::too_small;
  }
  std::vector<std::string> out;
  if (uncertain)
    out.emplace_back("pass? FAIL?: the interval spans the bar, so more cases could turn it");
  if (small) {
    out.push_back(fmt::format("too small: too few cases to show a {:.0f}-point drop; --wide "
                              "shows the smallest drop each could show",
                              100.0 * min_effect));
  }
  return out;
}

// A table of cells, with compact statuses and their legend when the full ones would not fit.
void print_cell_table(std::ostream& out, const Style& st, std::size_t max_width,
                      const std::vector<std::string>& header,
                      const std::vector<std::vector<std::string>>& rows,
                      const std::vector<const Cell*>& cells, double min_effect) {
  const auto table = [&](bool compact) {
    Table t(header);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      std::vector<std::string> row = rows[i];
      row.push_back(status_text(*cells[i], st, compact));
      t.add(std::move(row));
    }
    return t;
  };
  const Table full = table(false);
  if (max_width == 0 || full.natural_width() <= max_width) {
    full.print(out, st, "", max_width);
    return;
  }
  table(true).print(out, st, "", max_width);
  for (const auto& line : compact_legend(cells, min_effect))
    out << term::wrapped(st.dim(line), max_width, "", "  ");
}

// Slices: failing cells first (critical first), then the quality results furthest below overall.
void print_worst_slices(std::ostream& out, const Style& st, const Report& r, std::size_t width,
                        const std::string& interval_header) {
  const std::vector<SliceRow> rows = worst_slices(r);
  const std::size_t limit = std::min<std::size_t>(rows.size(), 15);
  if (limit > 0) {
    out << '\n'
        << st.bold(fmt::format("WORST SLICES FIRST ({} of {}; --format json has every slice)",
                               limit, rows.size()))
        << '\n';
    std::vector<std::vector<std::string>> table;
    std::vector<const Cell*> cells;
    bool any_critical = false;
    for (std::size_t i = 0; i < limit; ++i) {
      const auto& [d, c, gap] = rows[i];
      any_critical = any_critical || c->critical;
      table.push_back({d->name, c->label() + (c->critical ? "\u00a0★" : ""), std::to_string(c->n),
                       estimate_text(*c, *d), cell_interval_text(*c, *d, r.confidence),
                       bars_text(*c, *d)});
      cells.push_back(c);
    }
    print_cell_table(out, st, width,
                     {"DIMENSION", "SLICE", "N", "ESTIMATE", interval_header, "BAR", "STATUS"},
                     table, cells, r.min_effect);
    if (any_critical)
      out << st.dim("★ critical slice: it must meet its bars or the run fails") << '\n';
  }
}

void write_terminal(const ReportInput& in, std::ostream& out) {
  const Report& r = in.report;
  const Style st{in.color};
  const RunInfo& run = r.run;
  out << st.bold(term::one_line(fmt::format("qualbar · {} · model {}", r.suite_name, run.model)))
      << '\n';
  out << term::wrapped(st.dim(term::one_line(
                           fmt::format("run {} · {} · {} cases · intervals at {:.0f}% confidence",
                                       run.id, run.started_at, r.n_cases, 100.0 * r.confidence))),
                       in.width, "", "")
      << '\n';

  if (r.passed) {
    out << st.green("PASS") << " — every bar is met.\n\n";
  } else {
    out << st.red("FAIL")
        << fmt::format(" — {} bar{} missed:\n", r.failures.size(),
                       r.failures.size() == 1 ? "" : "s");
    const std::size_t shown = std::min<std::size_t>(r.failures.size(), 10);
    for (std::size_t i = 0; i < shown; ++i)
      out << term::wrapped(term::one_line(failure_text(r.failures[i], r)), in.width, "  ✗ ",
                           "    ");
    if (shown < r.failures.size())
      out << fmt::format("  … and {} more (--format json lists all)\n", r.failures.size() - shown);
    out << '\n';
  }

  const std::string interval_header = fmt::format("{:g}% INTERVAL", 100.0 * r.confidence);
  {
    std::vector<std::vector<std::string>> rows;
    std::vector<const Cell*> cells;
    for (const auto& d : r.dimensions) {
      const Cell& c = d.overall;
      rows.push_back({d.name, estimate_text(c, d), cell_interval_text(c, d, r.confidence),
                      std::to_string(c.n), bars_text(c, d)});
      cells.push_back(&c);
    }
    print_cell_table(out, st, in.width,
                     {"DIMENSION", "OVERALL", interval_header, "N", "BAR", "STATUS"}, rows, cells,
                     r.min_effect);
  }
  for (const auto& note : report_notices(r))
    out << '\n' << term::wrapped(st.yellow(term::one_line(note)), in.width, st.yellow("! "), "  ");

  print_worst_slices(out, st, r, in.width, interval_header);

  for (const auto& f : r.fairness) {
    const std::string& dim = r.dimensions[f.dimension].name;
    out << '\n'
        << st.bold(fmt::format("FAIRNESS: {} across {} ({} groups, compared when n ≥ {})", dim,
                               f.across, f.groups.size(), f.min_cases))
        << (f.bars.empty() ? ""
            : f.passed     ? "  " + st.green("pass")
                           : "  " + st.red("FAIL"))
        << '\n';
    for (const auto& c : f.comparisons) {
      out << fmt::format("  {}: {} ({}) to {} ({}): gap {} points [{}, {}]", c.metric,
                         percent(c.low_rate), term::one_line(c.low), percent(c.high_rate),
                         term::one_line(c.high), fixed_text(100.0 * c.gap, 1),
                         fixed_text(100.0 * c.gap_interval.lo, 1),
                         fixed_text(100.0 * c.gap_interval.hi, 1));
      if (c.metric != "false-positive rate" && std::isfinite(c.ratio))
        out << fmt::format(", ratio {} [{}, {}]", fixed_text(c.ratio, 2),
                           fixed_text(c.ratio_interval.lo, 2),
                           std::isfinite(c.ratio_interval.hi)
                               ? fixed_text(c.ratio_interval.hi, 2)
                               : std::string("none: the lowest group has no passes"));
      out << '\n';
    }
    if (std::isfinite(f.equalized_odds))
      out << fmt::format("  equalised odds: the larger of the two gaps is {:.1f} points\n",
                         100.0 * f.equalized_odds);
    if (f.comparisons.empty())
      out << fmt::format("  fewer than two groups have {} cases: nothing to compare\n",
                         f.min_cases);
    for (const auto& b : f.bars) {
      const bool ratio = b.key == "min_ratio";
      out << fmt::format(
          "  {} {} {} {}: {}\n", b.passed ? "✓" : "✗", b.stat, ratio ? "ratio ≥" : "gap ≤",
          ratio ? fmt::format("{:.2f}", b.limit) : fmt::format("{:.1f} points", 100.0 * b.limit),
          ratio ? fmt::format("{:.2f}", b.observed)
                : fmt::format("{:.1f} points", 100.0 * b.observed));
    }
    std::size_t shown = 0;
    for (const auto& g : f.groups) {
      if (shown++ == 6) {
        out << fmt::format("  … and {} more groups (--format json lists all)\n",
                           f.groups.size() - 6);
        break;
      }
      out << fmt::format("  {}={}: {:.1f}% [{:.1f}%, {:.1f}%] (n={}){}\n", f.across,
                         term::one_line(g.value), 100.0 * g.pass_rate, 100.0 * g.interval.lo,
                         100.0 * g.interval.hi, g.n, g.compared ? "" : ", too few to compare");
    }
  }

  for (const auto& d : r.dimensions) {
    for (const Analysis* a : d.analyses()) {
      out << '\n' << st.bold(term::one_line(a->title)) << '\n';
      for (const auto& line : a->lines)
        out << term::wrapped(term::one_line(line), in.width, "  ", "    ");
    }
  }

  std::size_t small = 0, sized = 0;
  for (const auto& d : r.dimensions) {
    for (const auto& c : d.cells) {
      if (!c.min_detectable_drop) continue;
      ++sized;
      small += c.too_small ? 1 : 0;
    }
  }
  if (small > 0) {
    out << '\n'
        << term::wrapped(st.yellow(fmt::format(
                             "{} of {} slice results have too few cases to show a {:.0f}-point "
                             "drop (at {:.0f}% confidence, {:.0f}% power): a pass there is not "
                             "evidence of quality.",
                             small, sized, 100.0 * r.min_effect, 100.0 * r.confidence,
                             100.0 * in.suite.power)),
                         in.width, "", "");
  }
  const double error_rate =
      r.n_cases ? static_cast<double>(r.n_errors) / static_cast<double>(r.n_cases) : 0.0;
  out << '\n'
      << term::wrapped(fmt::format("Errors: {} of {} cases ({:.1f}%) failed or had no response; "
                                   "each counts as a failure on every quality dimension.",
                                   r.n_errors, r.n_cases, 100.0 * error_rate),
                       in.width, "", "");
}

const ReportFormatRegistrar terminal_format_registrar{ReportFormatEntry{
    "terminal", "A readable summary: the verdict, each dimension, then the worst slices first.",
    ".txt", write_terminal}};

}  // namespace
}  // namespace qb
