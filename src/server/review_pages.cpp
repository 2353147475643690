// The review pages' HTML: what a reviewer grades (blind: nothing names the model, the run or
// another reviewer's grade), what an admin follows, and what an adjudicator settles.
#include "server/review_pages.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>

#include <fmt/format.h>

#include "qualbar/util/secret.hpp"
#include "qualbar/util/text.hpp"
#include "report/html_escape.hpp"
#include "server/pages.hpp"

namespace qb::server {
namespace {

// The item page's keys: 0–9 grade the current dimension (then move to the next), j/k move
// between dimensions, n submits and opens the next item, u goes back to the last item graded,
// s opens "can't judge", ? shows the keys. Typing in a text box is left alone (Escape leaves it).
constexpr const char* kItemScript = R"js(
(function () {
  var form = document.getElementById('grade-form');
  var dims = form ? Array.prototype.slice.call(form.querySelectorAll('fieldset.dim')) : [];
  var cur = 0;
  function focusDim(i) {
    if (!dims.length) return;
    cur = (i + dims.length) % dims.length;
    dims.forEach(function (d, k) { d.classList.toggle('current', k === cur); });
    var c = dims[cur].querySelector('input:checked') || dims[cur].querySelector('input');
    if (c) c.focus();
  }
  document.addEventListener('keydown', function (e) {
    var t = e.target;
    if (t && (t.tagName === 'TEXTAREA' || (t.tagName === 'INPUT' && t.type === 'text'))) {
      if (e.key === 'Escape') t.blur();
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var k = e.key, el;
    if (/^[0-9]$/.test(k)) {
      el = dims.length ? dims[cur].querySelector('input[data-key="' + k + '"]') : null;
      if (el) { el.checked = true; if (cur < dims.length - 1) focusDim(cur + 1); else el.focus(); }
    } else if (k === 'j') { focusDim(cur + 1); }
    else if (k === 'k') { focusDim(cur - 1); }
    else if (k === 'n') { if (!form) return; form.requestSubmit(document.getElementById('submit-grade')); }
    else if (k === 'u') { el = document.getElementById('undo'); if (el) window.location.href = el.href; }
    else if (k === 's') { el = document.getElementById('skip'); if (!el) return; el.open = true; document.getElementById('skip-reason').focus(); }
    else if (k === '?') { el = document.getElementById('keys'); if (!el) return; el.open = !el.open; }
    else return;
    e.preventDefault();
  });
  dims.forEach(function (d, k) { d.addEventListener('focusin', function () { cur = k; dims.forEach(function (x, j) { x.classList.toggle('current', j === cur); }); }); });
  focusDim(0);
})();
)js";

constexpr const char* kReviewStyle =
    "fieldset.dim{border:1px solid var(--line);border-radius:6px;margin:10px 0;padding:8px 12px}"
    "fieldset.dim.current{border:2px solid var(--accent)}fieldset.dim legend{font-weight:600}"
    ".rubric{white-space:pre-wrap;margin:2px 0 6px}.scale label{margin-right:14px;"
    "white-space:nowrap}.text{white-space:pre-wrap;border:1px solid var(--line);border-radius:6px;"
    "padding:8px 12px;background:var(--band);overflow-wrap:anywhere}.answer{background:#fff;"
    "border:2px solid var(--ink)}.ctx{border-left:4px solid var(--line);padding:4px 10px;"
    "margin:6px 0;white-space:pre-wrap;overflow-wrap:anywhere}.ctx.cited{border-left-color:"
    "var(--accent);background:#eef3fb}.badge{font-size:12px;font-weight:600;color:var(--accent)}"
    ".text{max-width:none}.progress{color:var(--muted)}textarea{width:100%;min-height:3em;font:inherit}"
    "kbd{border:1px solid var(--line);border-radius:3px;padding:0 4px;background:var(--band)}"
    ".actions{display:flex;gap:1em;align-items:center;margin:12px 0}"
    "button{font:inherit;padding:4px 12px}"
    ".pair{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:12px}"
    ".pair h3{margin:4px 0}";

// The answers' names: a reviewer sees a pair's answers as "Answer 1" and "Answer 2", in the order
// of their hand-out; an adjudicator as A and B.
struct PairNames {
  const char* first;
  const char* second;
};
constexpr PairNames kShownNames{"Answer 1", "Answer 2"};
constexpr PairNames kRunNames{"Answer A", "Answer B"};

// One radio button; `key` is the keyboard key that picks it.
std::string radio(const std::string& dimension, std::string_view value, std::string_view key,
                  bool checked, const std::string& label) {
  return fmt::format(
      "<label><input type=\"radio\" name=\"grade.{}\" value=\"{}\" data-key=\"{}\" "
      "required{}> {}</label>",
      html::attr(dimension), value, key, checked ? " checked" : "", html::text(label));
}

std::string scale_inputs(const review::QueueItemView::Dimension& d) {
  std::string out = "<div class=\"scale\">";
  if (d.scale.pairwise) {
    using review::Pick;
    const auto is = [&](Pick p) { return d.picked && *d.picked == p; };
    out += radio(d.name, "first", "1", is(Pick::first), "1 Answer 1 is better");
    out += radio(d.name, "tie", "0", is(Pick::tie), "0 As good as each other");
    out += radio(d.name, "second", "2", is(Pick::second), "2 Answer 2 is better");
    return out + "</div>";
  }
  for (int g = d.scale.lo; g <= d.scale.hi; ++g) {
    const bool checked = d.mine && std::lround(*d.mine) == g;
    out += radio(d.name, std::to_string(g), std::to_string(g), checked, d.scale.label(g));
  }
  return out + "</div>";
}

std::string grade_fields(const review::QueueItemView& v) {
  std::string out;
  for (const auto& d : v.dimensions) {
    out += fmt::format(
        "<fieldset class=\"dim\"><legend>{} <span class=\"meta\">({})</span></legend>"
        "<div class=\"rubric\">{}</div>{}</fieldset>\n",
        html::text(d.name),
        html::text(d.scale.pairwise ? "which answer is better: 1, 2, or 0 for a tie"
                                    : d.scale.describe()),
        html::text(d.rubric), scale_inputs(d));
  }
  return out;
}

// The answer, or a pair's two answers side by side.
std::string answer_sections(const review::QueueItemView& v, PairNames names) {
  if (!v.pairwise)
    return "<h2>The answer to grade</h2>\n<div class=\"text answer\" id=\"answer\">" +
           html::text(v.output) + "</div>\n";
  return fmt::format(
      "<h2>Two answers: which is better?</h2>\n<div class=\"pair\"><section><h3>{}</h3><div "
      "class=\"text answer\" id=\"answer-1\">{}</div></section><section><h3>{}</h3><div "
      "class=\"text answer\" id=\"answer-2\">{}</div></section></div>\n",
      names.first, html::text(v.output), names.second, html::text(v.output_second));
}

std::string case_sections(const review::QueueItemView& v, PairNames names = kShownNames) {
  const Case& c = v.c;
  const CaseDetails& d = c.details();
  std::string out;
  if (!c.category.empty()) out += "<p class=\"meta\">Category: " + html::text(c.category) + "</p>\n";
  out += "<h2>Input</h2>\n";
  if (d.messages.empty()) {
    out += "<div class=\"text\">" + html::text(c.input) + "</div>\n";
  } else {
    for (const auto& m : d.messages)
      out += fmt::format("<div class=\"text\"><b>{}</b>: {}</div>\n", html::text(m.role),
                         html::text(m.content));
  }
  if (!d.contexts.empty()) {
    std::size_t cited = 0;
    std::string list;
    const auto cites = [](const std::vector<std::string>& ids, const std::string& id) {
      return std::find(ids.begin(), ids.end(), id) != ids.end();
    };
    for (const auto& x : d.contexts) {
      const bool by_first = cites(v.cited, x.id);
      const bool by_second = v.pairwise && cites(v.cited_second, x.id);
      cited += by_first || by_second;
      std::string badge;
      if (!v.pairwise && by_first) badge = "cited by the answer";
      if (v.pairwise && (by_first || by_second))
        badge = by_first && by_second
                    ? "cited by both answers"
                    : fmt::format("cited by {}", by_first ? names.first : names.second);
      list += fmt::format("<div class=\"ctx{}\"><b>[{}]</b>{} {}</div>\n",
                          badge.empty() ? "" : " cited", html::text(x.id),
                          badge.empty() ? ""
                                        : " <span class=\"badge\">" + html::text(badge) + "</span>",
                          html::text(x.text));
    }
    out += fmt::format(
        "<details id=\"contexts\"><summary>Contexts: {} passage{}, {} cited by "
        "{}</summary>\n{}</details>\n",
        d.contexts.size(), d.contexts.size() == 1 ? "" : "s", cited,
        v.pairwise ? "an answer" : "the answer", list);
  }
  if (c.reference && !c.reference->empty())
    out += "<h2>Reference answer</h2>\n<div class=\"text\">" + html::text(*c.reference) + "</div>\n";
  if (!d.asserts.empty()) {
    out += fmt::format("<h2>Checks this case asks of {}</h2>\n<ul>\n",
                       v.pairwise ? "each answer" : "the answer");
    for (const auto& a : d.asserts)
      out += fmt::format("<li><code>{}</code> {}</li>\n", html::text(a.type), html::text(a.args_json));
    out += "</ul>\n";
  }
  return out + answer_sections(v, names);
}

std::string progress_line(const review::QueueProgress& p) {
  return fmt::format(
      "<p class=\"progress\" id=\"progress\">You graded <b>{}</b>{} · the queue: {} of {} items "
      "have every grade they need</p>\n",
      p.mine, p.skipped > 0 ? fmt::format(" (and could not judge {})", p.skipped) : "", p.finished,
      p.entries);
}

std::string instructions_block(const ReviewQueue& q) {
  if (q.instructions.empty()) return "";
  return "<details id=\"instructions\"><summary>Instructions for this queue</summary><div "
         "class=\"text\">" +
         html::text(q.instructions) + "</div></details>\n";
}

std::string keys_help(bool pairwise) {
  return fmt::format(
      "<details id=\"keys\"><summary>Keyboard (<kbd>?</kbd>)</summary><ul><li>{}: grade the "
      "outlined dimension (then the next is outlined)</li><li><kbd>j</kbd>/<kbd>k</kbd>: next / "
      "previous dimension</li><li><kbd>n</kbd>: submit and open the next item</li><li><kbd>u</kbd>: "
      "back to the item you graded last, to change it</li><li><kbd>s</kbd>: cannot judge this "
      "item (say why)</li><li><kbd>?</kbd>: this list</li></ul></details>\n",
      pairwise ? "<kbd>1</kbd> answer 1 is better, <kbd>2</kbd> answer 2, <kbd>0</kbd> a tie"
               : "<kbd>1</kbd>/<kbd>0</kbd> or <kbd>1</kbd>–<kbd>5</kbd>");
}

}  // namespace

std::string minutes_text(std::int64_t seconds) {
  const std::int64_t m = seconds / 60;
  return fmt::format("{} minute{}", m, m == 1 ? "" : "s");
}

const std::string& review_script_hash() {
  static const std::string hash = "'sha256-" + sha256_base64(kItemScript) + "'";
  return hash;
}

std::string clock_time(std::int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:02}:{:02} UTC", tm.tm_hour, tm.tm_min);
}

std::string item_html(const Request& r, const ReviewQueue& q, const review::QueueItemView& v,
                      const review::QueueProgress& progress, std::optional<std::int64_t> undo_pos) {
  const std::string base = "/review/" + url_component(q.id);
  std::string s = "<style>" + std::string(kReviewStyle) + "</style>\n";
  s += fmt::format("<h1>{}</h1>\n", html::text(q.name));
  s += progress_line(progress);
  s += v.correction
           ? "<p class=\"notice\">You graded this item already. A new grade replaces yours (the "
             "earlier one is kept in the history).</p>\n"
           : fmt::format("<p class=\"meta\">Item <code>{}</code> is held for you until {}; after "
                         "that it may go to another reviewer.</p>\n",
                         html::text(v.item), clock_time(v.locked_until));
  s += instructions_block(q) + keys_help(v.pairwise);
  s += case_sections(v);
  s += fmt::format("<form method=\"post\" id=\"grade-form\" action=\"{}/items/{}\">{}"
                   "<input type=\"hidden\" name=\"action\" value=\"grade\">\n<h2>Your grade</h2>\n",
                   base, v.pos, csrf_field(r));
  s += grade_fields(v);
  s += fmt::format("<label for=\"note\">Note (why; shown to an adjudicator if reviewers "
                   "disagree)</label>\n<textarea id=\"note\" name=\"note\">{}</textarea>\n",
                   html::text(v.note));
  s += "<div class=\"actions\"><button type=\"submit\" id=\"submit-grade\">Submit and next "
       "(<kbd>n</kbd>)</button>";
  if (undo_pos && *undo_pos != v.pos)
    s += fmt::format("<a id=\"undo\" href=\"{}/items/{}\">Change the last item I graded "
                     "(<kbd>u</kbd>)</a>",
                     base, *undo_pos);
  s += "</div>\n</form>\n";
  if (!v.correction) {
    s += fmt::format(
        "<details id=\"skip\"><summary>I cannot judge this item (<kbd>s</kbd>)</summary><form "
        "method=\"post\" action=\"{}/items/{}\">{}<input type=\"hidden\" name=\"action\" "
        "value=\"skip\"><label for=\"skip-reason\">Why (for example: not my language, the "
        "input is missing)</label> <input type=\"text\" id=\"skip-reason\" name=\"reason\" "
        "required maxlength=\"500\"> <button type=\"submit\">Skip it</button></form></details>\n",
        base, v.pos, csrf_field(r));
  }
  s += "<script>" + std::string(kItemScript) + "</script>\n";
  return s;
}

std::string queue_done_html(const ReviewQueue& q, const review::QueueProgress& progress,
                            std::optional<std::int64_t> undo_pos) {
  std::string s = fmt::format("<h1>{}</h1>\n", html::text(q.name));
  s += progress_line(progress);
  s += q.closed_at.empty()
           ? "<p class=\"verdict pass\" id=\"done\"><span class=\"big\">Nothing left for you "
             "here.</span><br>Every item of this queue has been handed to enough reviewers, or "
             "you have had it. Items another reviewer holds come back if they are not graded in "
             "time: look again later.</p>\n"
           : "<p class=\"verdict pass\" id=\"done\"><span class=\"big\">This queue is "
             "closed.</span></p>\n";
  if (undo_pos)
    s += fmt::format("<p><a id=\"undo\" href=\"/review/{}/items/{}\">Change the last item I "
                     "graded</a></p>\n",
                     url_component(q.id), *undo_pos);
  return s + "<p><a href=\"/review\">All review queues</a></p>\n<script>" + kItemScript +
         "</script>\n";
}

std::string queue_list_html(const Request& r, const std::vector<QueueListEntry>& queues,
                            bool admin, bool can_adjudicate) {
  std::string s = "<h1>Review</h1>\n";
  std::string rows;
  for (const auto& e : queues) {
    const ReviewQueue& q = e.queue;
    if (!q.closed_at.empty() && !admin) continue;
    const std::string id = url_component(q.id);
    std::string links = q.closed_at.empty()
                            ? fmt::format("<a href=\"/review/{}\">Grade</a>", id)
                            : std::string("closed");
    if (can_adjudicate) links += fmt::format(" · <a href=\"/review/{}/adjudicate\">Adjudicate</a>", id);
    if (admin) links += fmt::format(" · <a href=\"/review/{}/overview\">Overview</a>", id);
    rows += fmt::format(
        "<tr><td>{}</td>{}<td>{}</td><td class=\"num\">{} of {}</td><td class=\"num\">{}</td>"
        "<td>{}</td></tr>\n",
        html::text(q.name), admin ? "<td>" + html::text(q.source) + "</td>" : "",
        html::text(fmt::to_string(fmt::join(q.dimensions, ", "))), q.finished, q.entries,
        e.progress.mine, links);
  }
  if (rows.empty()) {
    s += "<p id=\"no-queue\">No review queue is open for you. An admin opens one with "
         "<code>qualbar review queue create</code> or the form below.</p>\n";
  } else {
    s += fmt::format("<table id=\"queues\"><thead><tr><th>queue</th>{}<th>dimensions</th>"
                     "<th class=\"num\">items with every grade</th><th class=\"num\">graded by "
                     "you</th><th>pages</th></tr></thead><tbody>\n{}</tbody></table>\n",
                     admin ? "<th>made from</th>" : "", rows);
  }
  if (!admin) return s;
  s += fmt::format(
      "<h2>Open a queue</h2>\n<form method=\"post\" action=\"/review\" id=\"create-queue\">{}"
      "<p><label>Run or monitor <input type=\"text\" name=\"run\" value=\"latest\" required>"
      "</label> <label>Compare with run (optional: which of two answers is better) <input "
      "type=\"text\" name=\"compare_with\" size=\"14\"></label></p><p><label>Dimensions (comma-separated; empty: the judged ones) <input type=\"text\" "
      "name=\"dimensions\"></label></p><p><label>Answers to draw (0: all) <input type=\"text\" "
      "name=\"sample\" value=\"200\" size=\"6\"></label> <label>Reviewers per item <input "
      "type=\"text\" name=\"per_item\" value=\"2\" size=\"3\"></label> <label>A monitor's week "
      "<input type=\"text\" name=\"week\" placeholder=\"2026-W07\" size=\"9\"></label> "
      "<label>Lock (minutes) <input type=\"text\" name=\"lock_minutes\" value=\"15\" "
      "size=\"4\"></label></p><p><label>Name reviewers see <input type=\"text\" name=\"name\" "
      "size=\"40\"></label></p><p><label for=\"instructions\">Instructions</label><textarea "
      "id=\"instructions\" name=\"instructions\" style=\"width:100%\"></textarea></p><button "
      "type=\"submit\">Open the queue</button></form>\n",
      csrf_field(r));
  return s;
}

std::string overview_html(const Request& r, const ReviewQueue& q, const review::QueueOverview& o) {
  const std::string id = url_component(q.id);
  std::string s = fmt::format("<h1>{}</h1>\n<p class=\"meta\">Queue <code>{}</code>, made from "
                              "{} by {} on {}; {} reviewer{} per item; a hand-out holds an item "
                              "for {}.{}</p>\n",
                              html::text(q.name), html::text(q.id), html::text(q.source),
                              html::text(q.created_by), html::text(q.created_at.substr(0, 10)),
                              q.per_item, q.per_item == 1 ? "" : "s",
                              minutes_text(q.lock_seconds), q.closed_at.empty() ? "" : " Closed.");
  const bool pass = o.open_disagreements == 0;
  s += fmt::format(
      "<div class=\"verdict {}\" id=\"verdict\"><span class=\"big\">{} of {} items have every "
      "grade they need · {} disagreement{} to settle</span>{}</div>\n",
      pass ? "pass" : "fail", q.finished, q.entries, o.open_disagreements,
      o.open_disagreements == 1 ? "" : "s",
      pass ? std::string()
           : fmt::format("<br><a href=\"/review/{}/adjudicate\">Settle them</a>", id));
  s += "<h2>Agreement between reviewers, live</h2>\n";
  if (o.agreement.empty()) s += "<p>No grades yet.</p>\n";
  std::string table;
  for (const auto& a : o.agreement) {
    std::string kappa = "not yet (needs items graded by two reviewers)";
    for (const auto& p : a.pairs) {
      if (!p.kappa_reason.empty()) {
        kappa = html::text(p.a + " × " + p.b + ": " + p.kappa_reason);
        break;
      }
      kappa = fmt::format("{} ({}–{}) {} × {} on {} items", fixed_text(p.kappa.kappa, 2),
                          fixed_text(p.kappa.interval.lo, 2), fixed_text(p.kappa.interval.hi, 2),
                          html::text(p.a), html::text(p.b), p.n);
      break;
    }
    table += fmt::format(
        "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td>"
        "<td class=\"num\">{}</td></tr>\n",
        html::text(a.dimension), a.items_multiple,
        a.items_multiple == 0 ? std::string("—")
                              : fmt::format("{} ({}–{})", percent(a.agreement),
                                            percent(a.agreement_interval.lo),
                                            percent(a.agreement_interval.hi)),
        kappa,
        std::isfinite(a.alpha.value) ? fixed_text(a.alpha.value, 2) : std::string("—"),
        a.open.size());
  }
  if (!table.empty()) {
    s += "<table id=\"agreement\"><thead><tr><th>dimension</th><th class=\"num\">items graded "
         "by two or more</th><th class=\"num\">agreement (95% interval)</th><th>Cohen's kappa "
         "(95% interval)</th><th>Krippendorff's α</th><th class=\"num\">open "
         "disagreements</th></tr></thead><tbody>\n" +
         table + "</tbody></table>\n<p class=\"meta\">Below about 0.6 kappa the rubric is "
                 "ambiguous: fix it before trusting any grades. How the judge compares with "
                 "these people: ";
    for (const auto& run : q.runs)
      s += fmt::format("<a href=\"/runs/{}/judge-check\">judge check of {}</a> ",
                       url_component(run), html::text(run));
    s += "</p>\n";
  }
  s += "<h2>Reviewers</h2>\n";
  if (o.reviewers.empty()) return s + "<p>Nobody has graded an item yet.</p>\n";
  s += "<table id=\"reviewers\"><thead><tr><th>reviewer</th><th class=\"num\">graded</th><th "
       "class=\"num\">could not judge</th><th class=\"num\">median time per item</th><th "
       "class=\"num\">agrees with the other reviewer</th><th class=\"num\">agrees with "
       "adjudications</th></tr></thead><tbody>\n";
  for (const auto& x : o.reviewers) {
    const auto share = [](double v, std::size_t n) {
      return n == 0 ? std::string("—") : fmt::format("{} of {}", percent(v), n);
    };
    s += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td "
                     "class=\"num\">{:.0f} s</td><td class=\"num\">{}</td><td "
                     "class=\"num\">{}</td></tr>\n",
                     html::text(x.reviewer), x.done, x.skipped, x.median_seconds,
                     share(x.agrees_with_others, x.compared),
                     share(x.agrees_with_adjudication, x.adjudicated));
  }
  s += "</tbody></table>\n";
  if (q.closed_at.empty())
    s += fmt::format("<form method=\"post\" action=\"/review/{}/close\">{}<button "
                     "type=\"submit\">Close this queue</button></form>\n",
                     id, csrf_field(r));
  return s;
}

std::string adjudication_html(const Request& r, const ReviewQueue& q,
                              const std::vector<review::QueueDisagreement>& open,
                              const review::QueueItemView* item) {
  const std::string id = url_component(q.id);
  std::string s = fmt::format("<style>{}</style>\n<h1>Adjudication: {}</h1>\n", kReviewStyle,
                              html::text(q.name));
  if (item != nullptr) {
    s += fmt::format("<p><a href=\"/review/{}/adjudicate\">Every open disagreement</a></p>\n", id) +
         case_sections(*item, kRunNames);
  }
  if (open.empty())
    return s + "<p class=\"verdict pass\" id=\"nothing-open\"><span class=\"big\">No open "
               "disagreement.</span></p>\n";
  if (item == nullptr)
    s += fmt::format("<p>{} disagreement{} to settle. Your grade becomes the people's grade of the "
                   "item; the reviewers' grades stay in the history.</p>\n",
                   open.size(), open.size() == 1 ? "" : "s");
  for (const auto& d : open) {
    std::string given, notes;
    for (const auto& [who, grade] : d.grades)
      given += fmt::format("<li>{}: <b>{}</b></li>", html::text(who),
                           html::text(d.scale.label(static_cast<int>(std::lround(grade)))));
    for (const auto& [who, note] : d.notes)
      notes += fmt::format("<li>{}: {}</li>", html::text(who), html::text(note));
    std::string choices;
    for (int g = d.scale.lo; g <= d.scale.hi; ++g) {
      const std::string choice =
          fmt::format("<label><input type=\"radio\" name=\"grade\" value=\"{}\" required> "
                      "{}</label> ",
                      g, html::text(d.scale.label(g)));
      // A pair's choices read as its answers stand on the page: A, a tie, B.
      choices = d.scale.pairwise ? choice + choices : choices + choice;
    }
    if (item != nullptr && d.pos != item->pos) continue;
    s += fmt::format(
        "<section class=\"disagreement\"><h2>Item <a href=\"/review/{0}/adjudicate/{1}\">{2}</a>: "
        "{3}</h2><ul>{4}</ul>{5}<form method=\"post\" action=\"/review/{0}/adjudicate/{1}\">{6}"
        "<input type=\"hidden\" name=\"dimension\" value=\"{7}\"><fieldset class=\"dim\"><legend>"
        "The grade of {3}</legend><div class=\"scale\">{8}</div></fieldset><label>Note <input "
        "type=\"text\" name=\"note\" size=\"50\"></label> <button type=\"submit\">Settle</button>"
        "</form></section>\n",
        id, d.pos, html::text(d.item), html::text(d.dimension), given,
        notes.empty() ? std::string() : "<p>Their notes:</p><ul>" + notes + "</ul>", csrf_field(r),
        html::attr(d.dimension), choices);
  }
  return s;
}

}  // namespace qb::server
