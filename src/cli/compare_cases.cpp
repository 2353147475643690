#include "cli/compare_cases.hpp"

#include <fmt/format.h>

#include "qualbar/report/markdown.hpp"
#include "qualbar/report/xml.hpp"
#include "report/terminal_table.hpp"

namespace qb::cli {
namespace {

std::string flip_words(Flip f) { return f == Flip::pass_to_fail ? "pass → fail" : "fail → pass"; }

std::size_t changed_in_all(const Comparison& cmp) {
  std::size_t n = 0;
  for (const ChangedCases& d : cmp.changed_cases) n += d.changed();
  return n;
}

// What follows a dimension's listed cases when some are not listed ("" when none is: the counts
// only, --cases 0).
std::string unlisted_note(const ChangedCases& d) {
  const std::size_t rest = d.changed() - d.listed.size();
  if (rest == 0 || d.listed.empty()) return "";
  return fmt::format("… and {} more (--cases {} lists them all)", rest, d.changed());
}

// One labelled text of a changed case: the label in a column of its own, the text wrapped after it.
void terminal_field(std::string& out, std::string_view label, std::string_view text,
                    std::size_t width) {
  const std::string shown = text.empty() ? std::string("(empty)") : term::one_line(text);
  out += term::wrapped(shown, width, fmt::format("    {:<12}", label), std::string(16, ' '));
}

void terminal_side(std::string& out, std::string_view run, const FlipSide& s, std::size_t width) {
  terminal_field(out, fmt::format("{} output", run),
                 s.failed_call && s.output.empty() ? "(the call failed)" : s.output, width);
  if (!s.evidence.empty()) terminal_field(out, fmt::format("{} evidence", run), s.evidence, width);
}

}  // namespace

std::string changed_cases_terminal(const Comparison& cmp, std::size_t width) {
  if (cmp.changed_cases.empty()) return "";
  std::string out = "\n";
  const std::size_t total = changed_in_all(cmp);
  if (total == 0) {
    out += term::wrapped(
        "CASES THAT CHANGED: none; every paired case has the same verdict in A and B on every "
        "pass/fail dimension.",
        width, "", "  ");
    return out;
  }
  out += term::wrapped(
      fmt::format("CASES THAT CHANGED ({} verdicts differ between A and B on the pass/fail "
                  "dimensions; {})",
                  total,
                  cmp.list_cases == 0
                      ? std::string("--cases N lists N of each dimension")
                      : fmt::format("the first {} of each dimension, pass → fail first; ★ "
                                    "critical slice",
                                    cmp.list_cases)),
      width, "", "  ");
  for (const ChangedCases& d : cmp.changed_cases) {
    if (d.changed() == 0) continue;
    // With the counts only, one line each under the heading; else a paragraph each.
    const bool counts_only = cmp.list_cases == 0;
    if (!counts_only) out += '\n';
    out += term::wrapped(fmt::format("{}: {} changed — {} pass → fail, {} fail → pass", d.dimension,
                                     d.changed(), d.pass_to_fail, d.fail_to_pass),
                         width, counts_only ? "  " : "", counts_only ? "    " : "  ");
    for (const FlippedCase& c : d.listed) {
      std::string head = term::one_line(c.id) + "  " + flip_words(c.flip);
      if (!c.critical_slices.empty())
        head += "  ★ " + term::one_line(fmt::format("{}", fmt::join(c.critical_slices, ", ")));
      out += term::wrapped(head, width, c.flip == Flip::pass_to_fail ? "  ✗ " : "  ✓ ", "    ");
      terminal_field(out, "input", c.input, width);
      if (c.reference) terminal_field(out, "reference", *c.reference, width);
      terminal_side(out, "A", c.a, width);
      terminal_side(out, "B", c.b, width);
    }
    if (const std::string note = unlisted_note(d); !note.empty())
      out += term::wrapped(note, width, "  ", "    ");
  }
  return out;
}

std::string changed_cases_markdown(const Comparison& cmp) {
  if (cmp.changed_cases.empty()) return "";
  if (changed_in_all(cmp) == 0)
    return "\n**Cases that changed**: none on the pass/fail dimensions.\n";
  const auto m = [](std::string_view s, std::size_t max = 200) { return markdown_escape(s, max); };
  const auto side = [&](std::string_view run, const FlipSide& s) {
    return fmt::format("  - {}: {}{}\n", run,
                       s.failed_call && s.output.empty() ? "*(the call failed)*"
                                                         : m(s.output, kChangedOutputBytes),
                       s.evidence.empty() ? "" : " — *" + m(s.evidence, 300) + "*");
  };
  std::string out = fmt::format(
      "\n**Cases that changed** (their verdict differs between A and B on a pass/fail "
      "dimension; {}):\n",
      cmp.list_cases == 0 ? std::string("`--cases N` lists N of each dimension")
                          : fmt::format("the first {} of each dimension, pass → fail first; ★ "
                                        "critical slice",
                                        cmp.list_cases));
  for (const ChangedCases& d : cmp.changed_cases) {
    if (d.changed() == 0) continue;
    const std::string counts = fmt::format("{} changed ({} pass → fail, {} fail → pass)",
                                           d.changed(), d.pass_to_fail, d.fail_to_pass);
    if (d.listed.empty()) {  // the counts only
      out += fmt::format("\n- **{}**: {}", m(d.dimension), counts);
      continue;
    }
    // The summary is HTML, where Markdown escapes would show: the name is escaped as HTML.
    out += fmt::format("\n<details><summary>{}: {}</summary>\n\n", xml_escape(d.dimension), counts);
    for (const FlippedCase& c : d.listed) {
      out += fmt::format("- {} **{}** {}{}\n", c.flip == Flip::pass_to_fail ? "❌" : "✅", m(c.id),
                         flip_words(c.flip),
                         c.critical_slices.empty()
                             ? std::string()
                             : " ★ " + m(fmt::format("{}", fmt::join(c.critical_slices, ", "))));
      out += fmt::format("  - input: {}\n", m(c.input, kChangedInputBytes));
      if (c.reference)
        out += fmt::format("  - reference: {}\n", m(*c.reference, kChangedInputBytes));
      out += side("A", c.a) + side("B", c.b);
    }
    if (const std::string note = unlisted_note(d); !note.empty()) out += "\n" + m(note) + "\n";
    out += "\n</details>\n";
  }
  return cmp.list_cases == 0 ? out + "\n" : out;
}

}  // namespace qb::cli
