// qualbar compare: two stored runs of a suite, paired by case id, every dimension × slice, with
// significance and multiple-testing correction; exit 1 when the candidate regresses.
#include <array>
#include <cmath>
#include <iostream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/common.hpp"
#include "cli/compare_cases.hpp"
#include "qualbar/compare/compare.hpp"
#include "qualbar/compare/compare_html.hpp"
#include "qualbar/compare/compare_json.hpp"
#include "qualbar/report/markdown.hpp"
#include "qualbar/report/xml.hpp"
#include "qualbar/util/files.hpp"
#include "qualbar/util/text.hpp"
#include "report/terminal_table.hpp"

namespace qb::cli {
namespace {

struct CompareOptionsCli {
  std::string a, b;
  std::string suite;  // with a suite, a and b are responses files replayed against it
  std::string store;
  std::string adjust = "holm";
  OutputOptions output;
  std::size_t min_cases = 10;
  std::size_t cases = 3;  // changed cases listed per dimension
};

std::string number(double v, const CompareDimension& d, bool signed_ = false) {
  if (std::isnan(v)) return "—";
  if (d.estimate_name == "pass rate")
    return signed_ ? signed_text(100.0 * v, 1) + " pts" : percent(v);
  if (d.unit == "USD") {
    if (!signed_) return "$" + fixed_text(v, 5);
    const std::string sign = signed_text(v, 5);  // "+0.00000", never "-0.00000"
    return sign.substr(0, 1) + "$" + sign.substr(1);
  }
  const std::string unit = d.unit.empty() ? "" : " " + d.unit;
  return signed_ ? fmt::format("{:+.4g}{}", v, unit) : fmt::format("{:.4g}{}", v, unit);
}

std::string interval(const CompareCell& c, const CompareDimension& d) {
  if (std::isnan(c.interval.lo)) return "—";
  return fmt::format("[{}, {}]", number(c.interval.lo, d, true), number(c.interval.hi, d, true));
}

// A pull-request comment: the verdict, loud warnings, the dimensions, the slices that changed.
std::string to_markdown(const Comparison& cmp, const std::string& suite_name) {
  const auto m = [](std::string_view s) { return markdown_escape(s); };
  std::string out;
  std::vector<std::string> regressed;
  for (const auto& d : cmp.dimensions)
    if (d.verdict == Verdict::regression) regressed.push_back(m(d.name));
  out += regressed.empty()
             ? fmt::format("## ✅ qualbar compare: no regression · {}\n\n", m(suite_name))
             : fmt::format("## ❌ qualbar compare: regression on {} · {}\n\n",
                           fmt::join(regressed, ", "), m(suite_name));
  out += fmt::format("A (baseline) `{}` · {} → B (candidate) `{}` · {} · paired on {} cases\n\n",
                     m(cmp.a.id), m(cmp.a.model), m(cmp.b.id), m(cmp.b.model), cmp.paired);
  if (cmp.bars_differ)
    out += "> ⚠️ **The bars differ** between the two runs: B's suite is used.\n";
  if (cmp.datasets_differ)
    out += fmt::format(
        "> ⚠️ **The datasets differ**: {} cases only in A and {} only in B are left "
        "out.\n",
        cmp.only_a, cmp.only_b);
  if (cmp.bars_differ || cmp.datasets_differ) out += '\n';
  out += fmt::format("| dimension | A | B | B − A | {:g}% interval | p (adj.) | verdict |\n",
                     100.0 * cmp.confidence);
  out += "|---|---:|---:|---:|---|---:|---|\n";
  for (const auto& d : cmp.dimensions) {
    const CompareCell& c = d.overall;
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {}{} |\n", m(d.name), m(number(c.a, d)),
                       m(number(c.b, d)), m(number(c.diff, d, true)), m(interval(c, d)),
                       p_value_text(c.p_adjusted), d.verdict == Verdict::regression ? "❌ " : "",
                       d.verdict == Verdict::regression && c.verdict != Verdict::regression
                           ? std::string("regression (critical slice)")
                           : std::string(to_string(c.verdict)));
  }
  std::size_t shown = 0;
  std::string slices;
  for (const auto& d : cmp.dimensions) {
    for (const auto& c : d.cells) {
      if (c.verdict != Verdict::regression && c.verdict != Verdict::improvement) continue;
      if (shown++ == 20) break;
      slices += fmt::format("- {} **{}** {}{}: {} → {} ({}, p adj. {})\n",
                            c.verdict == Verdict::regression ? "❌" : "✅", m(d.name), m(c.label()),
                            c.critical ? " ★" : "", m(number(c.a, d)), m(number(c.b, d)),
                            m(number(c.diff, d, true)), p_value_text(c.p_adjusted));
    }
  }
  if (!slices.empty()) out += "\n**Slices that changed** (★ critical):\n\n" + slices;
  out += changed_cases_markdown(cmp);
  out += fmt::format("\n<sub>{} · p-values adjusted across each dimension's slices ({})</sub>\n",
                     "qualbar compare",
                     cmp.adjust == Adjustment::holm ? "Holm" : "Benjamini–Hochberg");
  return out;
}

// JUnit XML for CI test panels: one testcase per dimension × cell (overall and every slice with a
// verdict), failing on a regression that gates (overall or a critical slice).
std::string to_junit(const Comparison& cmp, const std::string& suite_name) {
  std::size_t tests = 0, failures = 0;
  std::string cases;
  for (const auto& d : cmp.dimensions) {
    const auto add = [&](const CompareCell& c, bool gates) {
      ++tests;
      const bool failed = gates && c.verdict == Verdict::regression;
      failures += failed ? 1 : 0;
      cases += fmt::format("    <testcase classname=\"{}.{}\" name=\"{} · {}\" time=\"0\">",
                           xml_escape(suite_name), xml_escape(d.name), xml_escape(d.name),
                           xml_escape(c.label()));
      const std::string what =
          fmt::format("{} {}: A {} → B {} ({} {}, {} p adj. {}): {}", d.name, c.label(),
                      number(c.a, d), number(c.b, d), number(c.diff, d, true), interval(c, d),
                      c.test, p_value_text(c.p_adjusted), to_string(c.verdict));
      if (failed) {
        cases += fmt::format("<failure message=\"{}\" type=\"regression\">{}</failure>",
                             xml_escape(what), xml_escape(what, false));
      } else {
        cases += fmt::format("<system-out>{}</system-out>", xml_escape(what, false));
      }
      cases += "</testcase>\n";
    };
    add(d.overall, true);
    for (const auto& c : d.cells) add(c, c.critical);
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"qualbar compare\" "
      "tests=\"{}\" failures=\"{}\" errors=\"0\">\n  <testsuite name=\"{}\" tests=\"{}\" "
      "failures=\"{}\" errors=\"0\">\n{}    <system-out>A {} ({}) against B {} ({}), paired "
      "on {} cases</system-out>\n  </testsuite>\n</testsuites>\n",
      tests, failures, xml_escape(suite_name), tests, failures, cases, xml_escape(cmp.a.id),
      xml_escape(cmp.a.model), xml_escape(cmp.b.id), xml_escape(cmp.b.model), cmp.paired);
}

// `width`: the terminal columns the table and the lines fit (0: no limit).
void print_terminal(const Comparison& cmp, const std::string& suite_name, std::ostream& out,
                    std::size_t width) {
  const term::Style st{false, width};
  // Lines carry names from data (the suite's, the models', slice values): one_line keeps their
  // control characters from reaching the terminal.
  const auto line = [&](const std::string& text, std::string_view first = "",
                        std::string_view rest = "  ") {
    out << term::wrapped(term::one_line(text), width, first, rest);
  };
  const auto& one = term::one_line;
  out << fmt::format("qualbar compare · {}\n", one(suite_name));
  out << fmt::format("A (baseline)   {} · {} · {} cases\n", one(cmp.a.id), one(cmp.a.model),
                     cmp.a.n_cases);
  out << fmt::format("B (candidate)  {} · {} · {} cases\n\n", one(cmp.b.id), one(cmp.b.model),
                     cmp.b.n_cases);
  if (cmp.bars_differ)
    line(fmt::format("⚠ THE BARS DIFFER: A was judged against bars {} and B against {}. The "
                     "comparison uses B's suite.",
                     cmp.a.bars_hash, cmp.b.bars_hash));
  if (cmp.suites_differ && !cmp.bars_differ)
    line(fmt::format("⚠ The suites differ (hash {} vs {}), though their bars are the same.",
                     cmp.a.suite_hash, cmp.b.suite_hash));
  if (cmp.datasets_differ)
    line(fmt::format("⚠ THE DATASETS DIFFER (hash {} vs {}): only the {} cases both have are "
                     "compared; {} only in A and {} only in B are left out.",
                     cmp.a.dataset_hash, cmp.b.dataset_hash, cmp.paired, cmp.only_a,
                     cmp.only_b));
  for (const auto& d : cmp.only_in_a_dimensions)
    line(fmt::format("⚠ dimension {} is only in A: not compared", d));
  for (const auto& d : cmp.only_in_b_dimensions)
    line(fmt::format("⚠ dimension {} is only in B: not compared", d));
  for (const auto& d : cmp.not_compared)
    line(fmt::format("{} is not compared (a calibration: compare its ECE in each run's report)",
                     d),
         "  ", "    ");
  if (cmp.bars_differ || cmp.suites_differ || cmp.datasets_differ ||
      !cmp.only_in_a_dimensions.empty() || !cmp.only_in_b_dimensions.empty() ||
      !cmp.not_compared.empty())
    out << '\n';

  std::vector<std::string> regressed;
  for (const auto& d : cmp.dimensions)
    if (d.verdict == Verdict::regression) regressed.push_back(d.name);
  if (regressed.empty()) {
    line("NO REGRESSION — B is not significantly worse than A on any dimension, overall or in a "
         "critical slice.");
  } else {
    line(fmt::format("REGRESSION — B is worse than A on {}: {}", regressed.size(),
                     fmt::join(regressed, ", ")));
  }
  out << '\n';
  const std::string ci = fmt::format("{:g}% INTERVAL", 100.0 * cmp.confidence);
  term::Table table({"DIMENSION", "A", "B", "B − A", ci, "p (adj.)", "VERDICT"});
  for (const auto& d : cmp.dimensions) {
    const CompareCell& c = d.overall;
    std::string verdict = d.verdict == Verdict::regression && c.verdict != Verdict::regression
                              ? "regression (critical slice)"
                              : std::string(to_string(c.verdict));
    // "no significant" stays on one line when the column wraps (a no-break space).
    if (verdict.starts_with("no significant")) verdict.replace(2, 1, "\u00a0");
    table.add({d.name, number(c.a, d), number(c.b, d), number(c.diff, d, true), interval(c, d),
               p_value_text(c.p_adjusted), verdict});
  }
  table.print(out, st);
  // The slices that changed, regressions first.
  std::size_t shown = 0, changed = 0;
  for (const auto& d : cmp.dimensions)
    for (const auto& c : d.cells)
      changed += c.verdict == Verdict::regression || c.verdict == Verdict::improvement ? 1 : 0;
  if (changed > 0) {
    out << '\n';
    line(fmt::format("SLICES THAT CHANGED ({} of them; p adjusted across each dimension's "
                     "slices, {}; ★ critical)",
                     changed, cmp.adjust == Adjustment::holm ? "Holm" : "Benjamini–Hochberg"));
    for (const auto& d : cmp.dimensions) {
      for (const auto& c : d.cells) {
        if (c.verdict != Verdict::regression && c.verdict != Verdict::improvement) continue;
        if (shown++ == 15) break;
        line(fmt::format("{} {}: {} → {} ({} {}, n={}, p adj. {}) {}", d.name,
                         c.label() + (c.critical ? " ★" : ""), number(c.a, d), number(c.b, d),
                         number(c.diff, d, true), interval(c, d), c.n,
                         p_value_text(c.p_adjusted), to_string(c.verdict)),
             c.verdict == Verdict::regression ? "  ✗ " : "  ✓ ", "    ");
      }
    }
  }
  std::size_t few = 0;
  for (const auto& d : cmp.dimensions)
    for (const auto& c : d.cells) few += c.verdict == Verdict::too_few ? 1 : 0;
  if (few > 0) {
    out << '\n';
    line(fmt::format("{} slice results have too few paired cases to tell (under the minimum); "
                     "they are not called unchanged.",
                     few));
  }
  out << changed_cases_terminal(cmp, width);
  out << fmt::format("\nPaired on {} cases by id. Exit code {}.\n", cmp.paired,
                     cmp.regressed ? 1 : 0);
}

int compare(const CompareOptionsCli& o) {
  if (o.adjust != "holm" && o.adjust != "bh")
    throw InputError(
        fmt::format("--adjust '{}': expected holm or bh (Benjamini–Hochberg)", o.adjust));
  check_outputs(o.output, {"terminal", "json", "markdown", "junit", "html"});
  CompareOptions options;
  options.adjust = o.adjust == "holm" ? Adjustment::holm : Adjustment::benjamini_hochberg;
  options.min_cases = o.min_cases;
  options.list_cases = o.cases;
  Comparison cmp;
  std::string suite_name;
  if (!o.suite.empty()) {
    // Two responses files replayed against one suite, nothing stored.
    const auto replay = [&](const std::string& responses) {
      RunRequest req;
      req.suite = o.suite;
      req.provider.responses = responses;
      req.no_store = true;
      return run_suite(req);
    };
    const RunOutcome a = replay(o.a), b = replay(o.b);
    cmp = compare_runs(
        CompareSide{a.result.info, a.suite, a.dataset.cases, a.result.responses, a.result.scores},
        CompareSide{b.result.info, b.suite, b.dataset.cases, b.result.responses, b.result.scores},
        options);
    suite_name = b.suite.name;
  } else {
    auto store = open_store(resolve_store_path(o.store, ""), StoreAccess::existing);
    read_runs_with_huge_pages(*store, std::array{o.a, o.b});
    const LoadedRun a = load_stored_run(*store, o.a);
    const LoadedRun b = load_stored_run(*store, o.b);
    cmp = compare_runs(
        CompareSide{a.stored.info, a.suite, a.dataset.cases, a.stored.responses, a.stored.scores},
        CompareSide{b.stored.info, b.suite, b.dataset.cases, b.stored.responses, b.stored.scores},
        options);
    suite_name = b.suite.name;
  }
  emit_outputs(o.output,
               {{"terminal",
                 [&](bool) {
                   std::ostringstream text;
                   print_terminal(cmp, suite_name, text, terminal_columns(o.output));
                   return text.str();
                 }},
                {"json", [&](bool) { return comparison_json(cmp).dump(2) + "\n"; }},
                {"markdown", [&](bool) { return to_markdown(cmp, suite_name); }},
                {"junit", [&](bool) { return to_junit(cmp, suite_name); }},
                {"html", [&](bool) { return comparison_html(cmp, suite_name); }}},
               false);
  return cmp.regressed ? 1 : 0;
}

const CommandRegistrar compare_command_registrar{CommandEntry{
    "compare", 35, [](Command& sub, const Globals&) -> std::function<int()> {
      sub.description(
          "Compare two stored runs of a suite (or two responses files against one suite, with "
          "--suite): A (the baseline) and B (the candidate), paired by "
          "case id. For every dimension and slice: both estimates, B − A with its interval, "
          "McNemar's exact test (pass/fail) or a sign-flip permutation test (scores), p-values "
          "adjusted across slices, and a verdict. Exit 1 when B regresses beyond the suite's "
          "tolerance overall or in a critical slice, 0 otherwise.");
      auto o = std::make_shared<CompareOptionsCli>();
      sub.add_option("a", o->a,
                     "Run A, the baseline (id, unique prefix, 'latest' or 'latest~N'); with --suite, its "
                     "responses file")
          ->required();
      sub.add_option("b", o->b, "Run B, the candidate (a run, or with --suite a responses file)")
          ->required();
      sub.add_option("--suite", o->suite,
                     "Replay the two responses files A and B against this suite instead of "
                     "reading stored runs (nothing is stored)");
      add_store_option(sub, o->store);
      sub.add_option("--adjust", o->adjust,
                     "Multiple-testing correction across slices: holm (default) or bh")
          ->default_val("holm");
      sub.add_option("--min-cases", o->min_cases,
                     "Fewer paired cases in a slice: too few to tell (default 10)")
          ->default_val(10);
      sub.add_option("--cases", o->cases,
                     "Cases listed per dimension under CASES THAT CHANGED (their verdict differs "
                     "between A and B; all are counted): default 3, 0 for the counts only")
          ->default_val(3);
      add_output_options(sub, o->output,
                         "terminal, json, markdown (a pull-request comment), junit (CI test "
                         "panels) or html (a self-contained page)");
      return [o] { return compare(*o); };
    }}};

}  // namespace
}  // namespace qb::cli
