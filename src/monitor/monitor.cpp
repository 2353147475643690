// The monitor against the store: the weekly series, alerts raised once and posted, and the graded
// sample as test cases.
#include "qualbar/monitor/monitor.hpp"
#include "qualbar/providers/chat_settings.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>
#include <map>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "metrics/slices.hpp"
#include "monitor/cells.hpp"
#include "qualbar/core/error.hpp"
#include "qualbar/metrics/report.hpp"
#include "qualbar/monitor/ingest.hpp"
#include "qualbar/review/review.hpp"
#include "qualbar/scorers/judge.hpp"
#include "qualbar/scorers/judge_settings.hpp"
#include "qualbar/scorers/scorer.hpp"
#include "qualbar/util/files.hpp"
#include "qualbar/util/text.hpp"
#include "qualbar/util/time.hpp"

namespace qb::monitor {
namespace {

bool is_week(const std::string& w) { return w.size() == 8 && w[4] == '-' && w[5] == 'W'; }

// Every ISO week from `first` to `last`, gaps included.
std::vector<std::string> week_range(const std::string& first, const std::string& last) {
  // The Monday of ISO week 1 is the Monday of the week holding 4 January.
  std::tm tm{};
  tm.tm_year = std::stoi(first.substr(0, 4)) - 1900;
  tm.tm_mon = 0;
  tm.tm_mday = 4;
  std::time_t t = timegm(&tm);
  const int weekday = (tm.tm_wday + 6) % 7;  // Monday 0
  t += static_cast<std::time_t>((std::stoi(first.substr(6)) - 1) * 7 - weekday) * 86400;
  std::vector<std::string> out;
  for (int guard = 0; guard < 5300; ++guard, t += 7 * 86400) {
    std::tm d{};
    gmtime_r(&t, &d);
    char buf[16];
    std::strftime(buf, sizeof buf, "%G-W%V", &d);
    out.emplace_back(buf);
    if (out.back() >= last) break;
  }
  return out;
}

std::string series_key(const std::string& dim, const std::string& slice, const std::string& value) {
  return dim + "|" + slice + "|" + value;
}

using SeriesMap = std::map<std::string, QualitySeries>;

QualitySeries& series(SeriesMap& m, std::size_t n_windows, const std::string& dim,
                      const std::string& slice, const std::string& value, const char* source) {
  QualitySeries& s = m[series_key(dim, slice, value) + "|" + source];
  if (s.windows.empty()) {
    s.dimension = dim;
    s.slice = slice;
    s.value = value;
    s.source = source;
    s.windows.resize(n_windows);
  }
  return s;
}

// One source's series of one dimension: each graded sampled record weighted by its
// stratum-week's volume over the records of that stratum-week this source graded
// (post-stratification).
void add_series(const DimensionSpec& dim, const char* source,
                const std::function<std::optional<double>(const ItemGrades&)>& grade_of,
                const review::RunData& run, const GradeBook& book,
                const std::map<std::string, std::pair<std::string, std::string>>& where,
                std::map<std::pair<std::string, std::string>, double>& volume,
                const std::vector<qb::detail::SliceCells>& cells, const std::string& id,
                const std::map<std::string, std::size_t>& week_index, SeriesMap& out) {
  const review::GradeScale scale = review::scale_of(dim);
  // The judge's series is named apart, so its alerts are told from people's.
  const std::string name = std::string(source) == "judge" ? dim.name + " (judge)" : dim.name;
  struct Graded {
    std::size_t index;
    bool pass;
    std::pair<std::string, std::string> stratum;
  };
  std::vector<Graded> graded;
  std::map<std::pair<std::string, std::string>, double> count;
  for (std::size_t i = 0; i < run.dataset.cases.size(); ++i) {
    const auto it = book.find({review_item_id(id, run.dataset.cases[i].id), dim.name});
    if (it == book.end()) continue;
    const auto g = grade_of(it->second);
    const auto w = where.find(run.dataset.cases[i].id);
    if (!g || w == where.end() || !week_index.contains(w->second.first)) continue;
    graded.push_back({i, scale.passes(*g), w->second});
    ++count[w->second];
  }
  std::map<std::string, double> sum_w2;  // per series key and week, for Kish's n
  for (const auto& g : graded) {
    const double w = std::max(1.0, volume[g.stratum]) / count[g.stratum];
    const std::size_t week = week_index.at(g.stratum.first);
    const auto add = [&](const std::string& slice, const std::string& value) {
      WindowQuality& q = series(out, week_index.size(), name, slice, value, source).windows[week];
      ++q.items;
      q.n += w;
      q.passes += g.pass ? w : 0;
      double& w2 = sum_w2[series_key(name, slice, value) + "|" + g.stratum.first];
      w2 += w * w;
      q.effective_n = q.n * q.n / w2;
    };
    add("", "");
    for (std::size_t s = 0; s < cells.size(); ++s) {
      std::string label;
      for (const auto& k : cells[s].spec.keys) label += (label.empty() ? "" : " × ") + k;
      for (std::uint32_t k = cells[s].offsets[g.index]; k < cells[s].offsets[g.index + 1]; ++k)
        add(label, cells[s].values[cells[s].ids[k]]);
    }
  }
}

// The series of grades on the sample: people's and the judge's.
void add_graded(Store& store, const Suite& suite, const std::string& id,
                const std::map<std::string, std::size_t>& week_index, SeriesMap& out) {
  const std::vector<Grade> grades = store.review().grades(id);
  if (grades.empty()) return;
  const review::RunData run = review::load_run_data(store, id);
  const GradeBook book = fold_grades(grades);
  std::map<std::string, std::pair<std::string, std::string>> where;  // record → (week, stratum)
  for (const auto& s : store.monitor().samples(id)) where[s.id] = {s.week, s.stratum};
  std::map<std::pair<std::string, std::string>, double> volume;
  for (const auto& s : store.monitor().strata(id))
    volume[{s.week, s.stratum}] = static_cast<double>(s.volume);
  std::vector<qb::detail::SliceCells> cells;
  for (const auto& spec : suite.slices)
    cells.push_back(
        qb::detail::index_slice(spec, run.dataset.cases, qb::detail::SliceFold::of(suite)));

  // People's consensus, and the judge's grade (its latest, of any judge model) on the same sample.
  const std::vector<std::pair<const char*, std::function<std::optional<double>(const ItemGrades&)>>>
      sources = {{"people", [](const ItemGrades& g) { return g.consensus(); }},
                 {"judge", [](const ItemGrades& g) -> std::optional<double> {
                    if (g.judge.empty()) return std::nullopt;
                    return g.judge.begin()->second;
                  }}};
  for (const auto& dim : suite.dimensions) {
    for (const auto& [source, grade_of] : sources) {
      add_series(dim, source, grade_of, run, book, where, volume, cells, id, week_index, out);
    }
  }
}

// A dimension graded by people (or a judge) has its overall series from the first week, grades
// or not: the weeks nobody graded are then gaps the status names, never weeks "with no alerts".
// Others are not due for review: a case's `assert` checks and a calibration have nothing to grade
// on a production record.
void add_ungraded(const Suite& suite, std::size_t n_windows, SeriesMap& out) {
  const std::vector<std::size_t> scored = ingest_dimensions(suite);
  for (std::size_t d = 0; d < suite.dimensions.size(); ++d) {
    const DimensionSpec& spec = suite.dimensions[d];
    if (spec.builtin || std::find(scored.begin(), scored.end(), d) != scored.end()) continue;
    if (!review::uses_judge(spec) && !scorer_entry(spec.scorer).info.graded_by_people) continue;
    (void)series(out, n_windows, spec.name, "", "", "people");
  }
}

// Week by week, for every dimension people grade: the sample's records, those people graded, and
// those two reviewers or more graded with the same grade.
std::vector<ReviewProgress> review_progress(Store& store, const Suite& suite, const std::string& id,
                                            const std::vector<std::string>& windows) {
  std::vector<std::string> dims;
  const std::vector<std::size_t> scored = ingest_dimensions(suite);
  for (std::size_t d = 0; d < suite.dimensions.size(); ++d) {
    const DimensionSpec& spec = suite.dimensions[d];
    if (spec.builtin || std::find(scored.begin(), scored.end(), d) != scored.end()) continue;
    if (review::uses_judge(spec) || scorer_entry(spec.scorer).info.graded_by_people)
      dims.push_back(spec.name);
  }
  if (dims.empty()) return {};
  std::map<std::string, std::size_t> week_index;
  for (std::size_t i = 0; i < windows.size(); ++i) week_index[windows[i]] = i;
  const GradeBook book = fold_grades(store.review().grades(id));
  const std::vector<MonitorSampleRow> samples = store.monitor().samples(id);
  std::vector<ReviewProgress> out;
  for (const std::string& dim : dims) {
    ReviewProgress p{dim, std::vector<ReviewWeek>(windows.size())};
    for (std::size_t i = 0; i < windows.size(); ++i) p.weeks[i].window = windows[i];
    for (const MonitorSampleRow& s : samples) {
      const auto w = week_index.find(s.week);
      if (w == week_index.end()) continue;
      ReviewWeek& week = p.weeks[w->second];
      ++week.sampled;
      const auto g = book.find({review_item_id(id, s.id), dim});
      if (g == book.end()) continue;
      if (g->second.consensus()) ++week.graded;
      if (g->second.human.size() < 2) continue;
      ++week.double_graded;
      const double first = g->second.human.begin()->second;
      week.agreed += std::all_of(g->second.human.begin(), g->second.human.end(),
                                 [first](const auto& h) { return h.second == first; })
                         ? 1
                         : 0;
    }
    out.push_back(std::move(p));
  }
  return out;
}

void add_baseline_run(Store& store, const Suite& suite, StatusInput& in) {
  const std::string& id = suite.monitor.baseline_run;
  if (id.empty()) return;
  const review::RunData run = review::load_run_data(store, id);
  if (run.stored.info.status != RunStatus::complete)
    throw InputError(fmt::format("{}: monitor.baseline_run {} is {}, not a complete run",
                                 suite.file, run.stored.info.id,
                                 to_string(run.stored.info.status)));
  const Report r = build_report(run.suite, run.dataset.cases, run.stored.responses,
                                run.stored.scores, run.stored.info);
  for (const auto& d : r.dimensions) {
    in.baseline_run[series_key(d.name, "", "")] = {d.overall.estimate,
                                                   static_cast<double>(d.overall.n)};
    for (const auto& c : d.cells)
      in.baseline_run[series_key(d.name, c.slice, c.value)] = {c.estimate,
                                                               static_cast<double>(c.n)};
  }
  in.baseline_run_id = run.stored.info.id;
}

// A dimension scored by `refused`: its value 1 is a refusal, so its rate is a refusal rate.
bool refusal_dimension(const Suite& suite, const std::string& name) {
  const DimensionSpec* d = suite.find_dimension(name);
  return d != nullptr && d->scorer == "refused";
}

}  // namespace

StatusInput gather_status(Store& store, const Suite& suite) {
  const std::string id = monitor_id(suite);
  const std::vector<MonitorCellRow> rows = store.monitor().cells(id);
  std::set<std::string> weeks;
  for (const auto& r : rows)
    if (is_week(r.window)) weeks.insert(r.window);
  if (weeks.empty()) {
    throw InputError(
        fmt::format("no production records for suite '{}' yet: start with `qualbar "
                    "monitor ingest FILE --suite {}`",
                    suite.name, suite.file));
  }
  StatusInput in;
  in.monitor = id;
  in.confidence = suite.confidence;
  in.windows = week_range(*weeks.begin(), *weeks.rbegin());
  std::map<std::string, std::size_t> week_index;
  for (std::size_t i = 0; i < in.windows.size(); ++i) week_index[in.windows[i]] = i;
  in.traffic.resize(in.windows.size());
  for (std::size_t i = 0; i < in.windows.size(); ++i) in.traffic[i].window = in.windows[i];

  SeriesMap quality;
  for (const auto& r : rows) {
    if (!is_week(r.window)) continue;
    const std::size_t w = week_index.at(r.window);
    detail::CellData c = detail::read_cell(nlohmann::json::parse(r.data));
    if (r.slice.empty()) {
      WindowTraffic& t = in.traffic[w];
      t.volume = c.volume;
      t.errors = c.errors;
      t.categories = c.categories;
      t.input_length = c.input;
      t.output_length = c.output;
      if (c.latency.count() > 0) {
        t.latency_p50 = c.latency.quantile(0.50);
        t.latency_p95 = c.latency.quantile(0.95);
      }
      t.cost = c.cost;
      t.cost_records = c.cost_n;
    }
    for (const auto& [dim, counts] : c.dims) {
      // A dimension the suite no longer has is no series: its stored weeks stay in the store.
      if (suite.find_dimension(dim) == nullptr) continue;
      // A refusal rate is an operational signal (a rise is the problem), not a quality series.
      if (refusal_dimension(suite, dim)) {
        if (r.slice.empty()) {
          in.traffic[w].refusal_records += counts[0];
          in.traffic[w].refusals += counts[1];
        }
        continue;
      }
      WindowQuality& q =
          series(quality, in.windows.size(), dim, r.slice, r.value, "every record").windows[w];
      q.items = counts[0];
      q.n = static_cast<double>(counts[0]);
      q.passes = static_cast<double>(counts[1]);
      q.effective_n = q.n;
    }
  }
  add_graded(store, suite, id, week_index, quality);
  add_ungraded(suite, in.windows.size(), quality);
  for (auto& [key, s] : quality) {
    // A dimension scored on every record that applied to none (it needs a reference or a label
    // production records lack) is no series: it would chart nothing, or only failed calls.
    const bool applied = std::any_of(s.windows.begin(), s.windows.end(),
                                     [](const WindowQuality& w) { return w.items > 0; });
    if (s.source == "every record" && !applied) continue;
    in.quality.push_back(std::move(s));
  }
  add_baseline_run(store, suite, in);
  for (const auto& r : store.monitor().incidents(id))
    if (!r.closed_by.empty()) in.closed[r.id] = r.closed_week;
  for (const CriticalSlice& c : suite.critical_slices)  // as the series name them
    in.critical.push_back(fmt::format("{}={}", c.slice.name(), fmt::join(c.values, " × ")));
  in.review = review_progress(store, suite, id, in.windows);
  return in;
}

std::vector<std::string> record_incidents(Store& store, const Suite& suite,
                                          MonitorStatus& status) {
  const std::string monitor = monitor_id(suite);
  std::vector<MonitorIncidentRow> rows;
  for (const auto& i : status.incidents) {
    MonitorIncidentRow r;
    r.id = i.id;
    r.json = incident_json(status, i);
    r.open = i.open;
    r.alerts = i.alerts.size();
    rows.push_back(std::move(r));
  }
  const auto fresh = store.monitor().record_incidents(monitor, rows, now_rfc3339());
  annotate_incidents(store, suite, status);
  return fresh;
}

void annotate_incidents(Store& store, const Suite& suite, MonitorStatus& status) {
  const std::string monitor = monitor_id(suite);
  std::map<std::string, MonitorIncidentRow> stored;
  for (auto& r : store.monitor().incidents(monitor)) stored.emplace(r.id, std::move(r));
  for (auto& i : status.incidents) {
    const auto it = stored.find(i.id);
    if (it == stored.end()) continue;
    const MonitorIncidentRow& r = it->second;
    if (i.by_hand) {
      i.acknowledged = fmt::format("Resolved by hand by {} at {}{}", r.closed_by, r.closed_at,
                                   r.close_note.empty() ? std::string() : ": " + r.close_note);
      continue;
    }
    if (r.acked_by.empty()) continue;
    i.acknowledged = fmt::format("Acknowledged by {} at {}{}{}", r.acked_by, r.acked_at,
                                 r.snooze_until.empty()
                                     ? std::string()
                                     : fmt::format(", webhook updates snoozed until {}",
                                                   r.snooze_until),
                                 r.ack_note.empty() ? std::string() : ": " + r.ack_note);
  }
}

namespace {

// The error for an incident id the monitor does not have, naming the ones that are open.
InputError no_such_incident(Store& store, const std::string& monitor, const std::string& id) {
  std::vector<std::string> open;
  for (const auto& r : store.monitor().incidents(monitor))
    if (r.open) open.push_back(r.id);
  return InputError(fmt::format(
      "monitor {} has no incident '{}'{}", monitor, id,
      open.empty() ? std::string(" (it has no open incident; `qualbar monitor status` records them)")
                   : fmt::format(". Open incidents: {}", fmt::join(open, ", "))));
}

}  // namespace

void resolve_incident(Store& store, const Suite& suite, const std::string& id,
                      const std::string& note) {
  const std::string monitor = monitor_id(suite);
  std::string newest;
  for (const auto& s : store.monitor().strata(monitor)) newest = std::max(newest, s.week);
  for (const auto& r : store.monitor().incidents(monitor)) {
    if (r.id != id) continue;
    if (!r.open)
      throw InputError(fmt::format("incident '{}' of monitor {} is already resolved", id, monitor));
    store.monitor().close_incident(monitor, id, user_name(), note, newest, now_rfc3339());
    return;
  }
  throw no_such_incident(store, monitor, id);
}

void acknowledge_incident(Store& store, const Suite& suite, const std::string& id,
                          const std::string& note, const std::string& snooze_until) {
  const std::string monitor = monitor_id(suite);
  const bool date = snooze_until.size() == 10 && snooze_until[4] == '-' && snooze_until[7] == '-' &&
                    !iso_week(snooze_until).empty();
  if (!snooze_until.empty() && !date)
    throw InputError(fmt::format("--until '{}': expected a date such as 2026-12-31", snooze_until));
  if (store.monitor().ack_incident(monitor, id, user_name(), note, snooze_until, now_rfc3339()))
    return;
  throw no_such_incident(store, monitor, id);
}

namespace {

std::size_t discard(char*, std::size_t size, std::size_t n, void*) { return size * n; }

// The URL without its path and query: webhook URLs often carry a token.
std::string host_of(const std::string& url) {
  const std::size_t scheme = url.find("://");
  const std::size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  const std::size_t end = url.find_first_of("/?#", start);
  return url.substr(0, end == std::string::npos ? url.size() : end);
}

// The event the webhook has not been told of this incident yet, "" when none.
std::string event_due(const MonitorIncidentRow& r, const std::string& today) {
  if (r.open && r.sent_state != "open") return "incident.opened";
  if (!r.open && r.sent_state == "open") return "incident.resolved";
  if (!r.open || r.alerts <= r.sent_alerts) return {};
  // More alerts joined: an update, unless someone acknowledged it (until their snooze ends).
  const bool quiet = !r.acked_by.empty() && (r.snooze_until.empty() || today <= r.snooze_until);
  return quiet ? std::string() : "incident.updated";
}

// POSTs `body` to `url`: three attempts with backoff on network errors, 5xx, 408 and 429.
// Returns "" when a 2xx answered, else why not.
std::string post_json(CURL* curl, curl_slist* headers, const std::string& url,
                      const std::string& body) {
  long status = 0;
  CURLcode rc = CURLE_OK;
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(500 << attempt));
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    rc = curl_easy_perform(curl);
    status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    if (rc == CURLE_OK && status >= 200 && status < 300) return {};
    if (rc == CURLE_OK && status >= 400 && status < 500 && status != 408 && status != 429) break;
  }
  return rc != CURLE_OK ? std::string(curl_easy_strerror(rc)) : fmt::format("HTTP {}", status);
}

}  // namespace

WebhookResult post_incidents(Store& store, const Suite& suite, const std::string& url,
                             const std::string& today) {
  WebhookResult out;
  const std::string monitor = monitor_id(suite);
  std::vector<std::pair<MonitorIncidentRow, std::string>> due;
  for (auto& r : store.monitor().incidents(monitor)) {
    // Resolved before the webhook ever heard of it: nothing to tell.
    if (!r.open && r.sent_state.empty()) continue;
    std::string event = event_due(r, today);
    if (!event.empty()) due.emplace_back(std::move(r), std::move(event));
  }
  if (due.empty()) return out;
  CURL* curl = curl_easy_init();
  if (curl == nullptr) throw RunError("cannot start the HTTP client for the webhook");
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  for (const auto& [r, event] : due) {
    const std::string body = nlohmann::json{{"source", "qualbar"},
                                            {"event", event},
                                            {"monitor", monitor},
                                            {"suite", suite.name},
                                            {"incident", nlohmann::json::parse(r.json)}}
                                 .dump();
    const std::string failed = post_json(curl, headers, url, body);
    if (failed.empty()) {
      ++out.delivered;
      store.monitor().incident_sent(monitor, r.id, r.open ? "open" : "resolved", r.alerts);
    } else {
      out.failures.push_back(fmt::format(
          "webhook {}: {} ({} of {} kept; it is sent with the next status)", host_of(url), failed,
          event, r.id));
    }
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return out;
}

JudgedSample judge_sample(Store& store, const Suite& suite) {
  JudgedSample out;
  if (!suite.judge.is_map()) {
    throw InputError(
        fmt::format("{}: the suite has no `judge:` section, so there is no judge to "
                    "grade the sample with",
                    suite.file));
  }
  const std::string id = monitor_id(suite);
  const review::RunData run = review::load_run_data(store, id);
  const JudgeSettings settings = judge_settings(suite);
  out.warnings = settings.chat.warnings;
  out.recorded_only = settings.recorded_only;
  const std::string grader =
      settings.chat.model.empty() ? std::string("judge") : settings.chat.model;
  const GradeBook book = fold_grades(store.review().grades(id));
  JudgeContext judge(&settings, &store.cache());
  std::vector<ReviewItem> items;
  std::vector<Grade> grades;
  const std::string now = now_rfc3339();
  for (const auto& dim : suite.dimensions) {
    if (!review::uses_judge(dim)) continue;
    out.dimensions.push_back(dim.name);
    // The records this judge has not graded on this dimension yet.
    std::vector<Case> cases;
    std::vector<Response> responses;
    for (std::size_t i = 0; i < run.dataset.cases.size(); ++i) {
      const std::string item = review_item_id(id, run.dataset.cases[i].id);
      const auto it = book.find({item, dim.name});
      if (it != book.end() && it->second.judge.contains(grader)) {
        ++out.already;
        continue;
      }
      cases.push_back(run.dataset.cases[i]);
      responses.push_back(run.stored.responses[i]);
    }
    if (cases.empty()) continue;
    std::unique_ptr<Scorer> scorer = make_scorer(dim.scorer, dim.args_json);
    judge.set_dimension(dim.name);
    scorer->prepare(cases, responses, judge);
    const review::GradeScale scale = review::scale_of(dim);
    for (std::size_t i = 0; i < cases.size(); ++i) {
      const Score sc = scorer->score(cases[i], responses[i]);
      const auto g =
          review::score_as_grade(ScoreView{sc.value, sc.status, sc.evidence}, scale, dim);
      if (!g) {
        if (out.failed++ == 0) out.first_failure = sc.evidence;
        continue;
      }
      Grade x;
      x.item = review_item_id(id, cases[i].id);
      x.run_id = id;
      x.case_id = cases[i].id;
      x.dimension = dim.name;
      x.grader = grader;
      x.kind = GradeKind::judge;
      x.grade = *g;
      x.note = excerpt(sc.evidence, 300);
      x.graded_at = now;
      x.source = "qualbar monitor judge";
      items.push_back({x.item, id, cases[i].id});
      grades.push_back(std::move(x));
    }
  }
  if (!grades.empty()) store.review().append_grades(items, grades);
  out.graded = grades.size();
  return out;
}

ExportedCases export_cases(Store& store, const Suite& suite, bool only_failing) {
  const std::string id = monitor_id(suite);
  const std::vector<Grade> grades = store.review().grades(id);
  ExportedCases out;
  if (grades.empty()) return out;
  const review::RunData run = review::load_run_data(store, id);
  const GradeBook book = fold_grades(grades);
  std::map<std::string, std::string> reference;  // record → latest reviewer reference
  for (const auto& g : grades)
    if (!g.reference.empty()) reference[g.case_id] = g.reference;
  for (std::size_t i = 0; i < run.dataset.cases.size(); ++i) {
    const Case& c = run.dataset.cases[i];
    nlohmann::json graded = nlohmann::json::object();
    bool failed = false;
    for (const auto& dim : suite.dimensions) {
      const auto it = book.find({review_item_id(id, c.id), dim.name});
      if (it == book.end()) continue;
      if (const auto g = it->second.consensus()) {
        graded[dim.name] = *g;
        failed = failed || !review::scale_of(dim).passes(*g);
      }
    }
    if (graded.empty() || (only_failing && !failed)) continue;
    nlohmann::json line = nlohmann::json::parse(run.stored.case_lines[i]);
    line["metadata"]["production_grades"] = graded;
    if (const auto r = reference.find(c.id); r != reference.end()) {
      line["reference"] = r->second;
      ++out.with_reference;
    }
    auto& tags = line["tags"];
    if (!tags.is_array()) tags = nlohmann::json::array();
    tags.push_back("production");
    out.jsonl += line.dump() + "\n";
    ++out.cases;
  }
  return out;
}

}  // namespace qb::monitor
