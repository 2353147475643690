// qualbar monitor: production records in (ingest), the status of production quality and input
// drift with its alerts (status), and graded production records out as test cases (export-cases).
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/common.hpp"
#include "qualbar/bind/bind.hpp"
#include "qualbar/monitor/ingest.hpp"
#include "qualbar/monitor/monitor.hpp"
#include "qualbar/run/interrupt.hpp"
#include "qualbar/util/files.hpp"
#include "qualbar/util/text.hpp"

namespace qb::cli {
namespace {

struct MonitorOptions {
  std::string suite = "suite.yaml";
  std::string store;
  // ingest
  std::vector<std::string> inputs;
  std::string quarantine;
  bool no_score = false;
  double flush_seconds = 2.0;
  // status
  OutputOptions output;
  std::string webhook;
  // export-cases
  std::string out;
  bool only_failing = false;
  // ack
  std::string incident;
  std::string note;
  std::string until;
};

struct Opened {
  Suite suite;
  std::string store_path;
  std::unique_ptr<Store> store;
};

Opened open_monitor(const MonitorOptions& o, StoreAccess access) {
  Opened m;
  m.suite = load_suite(o.suite);
  m.store_path = resolve_store_path(o.store, m.suite.store);
  m.store = open_store(m.store_path, access);
  return m;
}

int do_ingest(const MonitorOptions& o) {
  if (!(o.flush_seconds > 0.0))
    throw InputError(fmt::format("--flush-seconds must be more than 0, got {}", o.flush_seconds));
  Opened m = open_monitor(o, StoreAccess::create);
  monitor::IngestOptions io;
  io.quarantine =
      o.quarantine.empty()
          ? (std::filesystem::path(m.store_path).parent_path() / "quarantine.jsonl").string()
          : o.quarantine;
  io.score = !o.no_score;
  io.flush_seconds = o.flush_seconds;
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  io.progress = [tty](const monitor::IngestProgress& p) {
    if (tty)
      std::cerr << fmt::format("\r{} records, {} sampled, {} quarantined, {:.1f} MB", p.records,
                               p.sampled, p.bad, static_cast<double>(p.bytes) / 1e6)
                << std::flush;
  };
  const InterruptScope interrupt(
      "\nqualbar: interrupted - storing what was read so far. Ingest the file again to continue "
      "where it stopped.\n");
  io.stop = [] { return InterruptScope::level() > 0; };
  io.waiting = [](const std::string& why) {
    std::cerr << "qualbar: " << display_text(why) << '\n';
  };
  const monitor::IngestSummary s = monitor::ingest(*m.store, m.suite, o.inputs, io);
  if (tty) std::cerr << '\n';
  std::cout << fmt::format(
      "Ingested {} records ({:.1f} MB in {:.2f} s, {:.0f} MB/s) for monitor {}: {} kept whole at "
      "the {:g}% sample rate, and every {} topped up to {} a week{}",
      s.records, static_cast<double>(s.bytes) / 1e6, s.seconds,
      s.seconds > 0 ? static_cast<double>(s.bytes) / 1e6 / s.seconds : 0.0,
      monitor::monitor_id(m.suite), s.sampled, 100 * m.suite.monitor.sample_rate,
      fmt::join(m.suite.monitor.stratify_by, " × "),
      monitor::stratum_floor(m.suite.monitor, false),
      m.suite.critical_slices.empty()
          ? std::string()
          : fmt::format(" (a critical slice's to {})", monitor::stratum_floor(m.suite.monitor, true)));
  if (!s.weeks.empty())
    std::cout << fmt::format(", weeks {} to {}", s.weeks.front(), s.weeks.back());
  std::cout << ".\n";
  // Which dimensions applied to the records, and which to none (they need a reference or a label
  // production records lack, so they make no series).
  std::vector<std::string> scored, none;
  for (std::size_t d = 0; d < s.dimensions.size(); ++d)
    (d < s.applied.size() && s.applied[d] > 0 ? scored : none).push_back(s.dimensions[d]);
  if (!scored.empty())
    std::cout << fmt::format("  Scored on every record: {}\n", fmt::join(scored, ", "));
  if (!none.empty() && s.records > 0)
    std::cout << fmt::format(
        "  Applied to no record (they need what production records lack: a reference, an "
        "expected_label or should_refuse): {}\n",
        fmt::join(none, ", "));
  if (s.skipped_lines > 0)
    std::cout << fmt::format("  {} lines already ingested by an earlier run were skipped\n",
                             s.skipped_lines);
  if (s.bad > 0)
    std::cout << fmt::format("  {} bad line{} quarantined with their line numbers in {}\n", s.bad,
                             s.bad == 1 ? "" : "s", io.quarantine);
  for (const auto& w : s.warnings) std::cerr << "qualbar: warning: " << display_text(w) << '\n';
  std::cout << fmt::format("Next: qualbar monitor status --suite {}{}\n", o.suite,
                           store_flag_hint(m.store_path));
  return InterruptScope::level() > 0 ? static_cast<int>(ExitCode::run_failed) : 0;
}

int do_status(const MonitorOptions& o, bool color) {
  check_outputs(o.output, {"terminal", "json", "html"});
  Opened m = open_monitor(o, StoreAccess::existing);
  monitor::MonitorStatus status =
      monitor::compute_status(monitor::gather_status(*m.store, m.suite), m.suite.monitor);
  const auto fresh = monitor::record_incidents(*m.store, m.suite, status);
  emit_outputs(o.output,
               {{"terminal", [&](bool c) {
                  return monitor::status_terminal(status, c, terminal_columns(o.output));
                }},
                {"json", [&](bool) { return monitor::status_json(status); }},
                {"html", [&](bool) { return monitor::status_html(status); }}},
               color);
  if (!o.webhook.empty()) {
    // Every event not delivered yet: new incidents, updates, resolutions, and those an earlier
    // webhook call missed.
    const auto r =
        monitor::post_incidents(*m.store, m.suite, o.webhook, now_rfc3339().substr(0, 10));
    for (const auto& line : r.failures)
      std::cerr << "qualbar: warning: " << display_text(line) << '\n';
    if (r.delivered > 0)
      std::cerr << fmt::format("{} incident event(s) posted to the webhook\n", r.delivered);
  }
  if (!fresh.empty() && o.output.format == "terminal" && !o.output.quiet)
    std::cout << fmt::format("New since the last status: {}. Acknowledge one (someone is on it) "
                             "with: qualbar monitor ack ID --note \"…\"\n",
                             fmt::join(fresh, ", "));
  // 1 while an incident is open, or while a closed week due for grading could not be tested.
  return monitor::open_incidents(status) == 0 && status.gaps.empty() ? 0 : 1;
}

int do_ack(const MonitorOptions& o) {
  Opened m = open_monitor(o, StoreAccess::existing);
  monitor::acknowledge_incident(*m.store, m.suite, o.incident, o.note, o.until);
  std::cout << fmt::format(
      "Acknowledged {}: the webhook stops posting its updates{}. It stays open, and `monitor "
      "status` exits 1, until its signal is back within tolerance.\n",
      o.incident, o.until.empty() ? "" : " until " + o.until);
  return 0;
}

int do_resolve(const MonitorOptions& o) {
  Opened m = open_monitor(o, StoreAccess::existing);
  monitor::resolve_incident(*m.store, m.suite, o.incident, o.note);
  std::cout << fmt::format(
      "Resolved {} by hand: the next `monitor status` shows it resolved and posts it to the "
      "webhook; an alert on the same signal in a later week opens a new incident.\n",
      o.incident);
  return 0;
}

int do_judge(const MonitorOptions& o) {
  Opened m = open_monitor(o, StoreAccess::existing);
  const monitor::JudgedSample j = monitor::judge_sample(*m.store, m.suite);
  for (const auto& w : j.warnings) std::cerr << "qualbar: warning: " << display_text(w) << '\n';
  if (j.dimensions.empty()) {
    std::cout << "No dimension of the suite is graded by a judge: nothing to do.\n";
    return 0;
  }
  std::cout << fmt::format("The judge graded {} sampled record{} on {} ({} graded before)",
                           j.graded, j.graded == 1 ? "" : "s", fmt::join(j.dimensions, ", "),
                           j.already);
  if (j.failed > 0)
    std::cout << fmt::format("; {} not graded{} (the first: {})", j.failed,
                             j.recorded_only ? "" : ", asked again next time",
                             display_text(excerpt(j.first_failure, 200)));
  std::cout << fmt::format(".\nCompare it with people: qualbar judge-check --run {}\n",
                           monitor::monitor_id(m.suite));
  return j.failed > 0 && j.graded == 0 ? static_cast<int>(ExitCode::run_failed) : 0;
}

int do_export(const MonitorOptions& o) {
  const std::string out = single_output(o.out, "jsonl");
  if (std::filesystem::exists(out))
    throw InputError(fmt::format("'{}' already exists; nothing was written", out));
  Opened m = open_monitor(o, StoreAccess::existing);
  const monitor::ExportedCases e = monitor::export_cases(*m.store, m.suite, o.only_failing);
  if (e.cases == 0) {
    std::cout << "No graded production records yet: hand the sample to reviewers with `qualbar "
                 "review export --run "
              << monitor::monitor_id(m.suite) << " --dir review/`, then import their grades.\n";
    return 0;
  }
  write_file_atomic(out, e.jsonl);
  std::cout << fmt::format(
      "Wrote {} case{} from graded production records to {} ({} with a "
      "reviewer's reference answer). Add the file to the suite's datasets.\n",
      e.cases, e.cases == 1 ? "" : "s", out, e.with_reference);
  return 0;
}

const CommandRegistrar monitor_command_registrar{CommandEntry{
    "monitor", 58, [](Command& sub, const Globals& g) -> std::function<int()> {
      sub.description(
          "Production monitoring. `ingest` reads production records (a file, or - for an endless "
          "stream on standard input) into per-week and per-day aggregates and a deterministic "
          "sample; `status` shows quality week by week against the baseline, and errors, "
          "refusals, latency, cost and input drift, as incidents, and exits 1 while one is open; "
          "`ack` acknowledges one, `resolve` closes one by hand; `judge` has the suite's "
          "judge grade the sample; `export-cases` turns graded production records into test "
          "cases. Reviewers grade the sample with `qualbar "
          "review export --run m-SUITE --dir review/`.");
      sub.require_subcommand(1);
      auto o = std::make_shared<MonitorOptions>();
      const auto common = [&](Command* app) {
        app->add_option("--suite", o->suite, "The suite (its `monitor` map, slices, dimensions)")
            ->default_val("suite.yaml");
        add_store_option(*app, o->store);
      };
      Command* ing = sub.add_subcommand(
          "ingest",
          "Read production records (JSONL: a response record plus ts, input, category, contexts, "
          "metadata) in one pass and constant memory. Bad lines go to the quarantine file with "
          "their line numbers and ingestion goes on. A file read before continues where the last "
          "run stopped; a file another ingest is reading waits for it to end, so nothing is "
          "counted twice. Exit 0, or 3 when interrupted (what was read is kept).");
      ing->add_option("inputs", o->inputs, "Record files, or - for standard input")->required();
      ing->add_option("--quarantine", o->quarantine,
                      "Where bad lines go (default: quarantine.jsonl next to the store)");
      ing->add_option("--flush-seconds", o->flush_seconds,
                      "Store what was read at least this often, also while a stream is quiet "
                      "(`tail -F app.log | qualbar monitor ingest -`): records are visible to "
                      "`monitor status` within this many seconds")
          ->default_val(2.0);
      ing->add_flag(
          "--no-score", o->no_score,
          "Aggregates only: do not run the suite's model-free dimensions on every record");
      common(ing);
      Command* st = sub.add_subcommand(
          "status",
          "Quality per dimension × slice × week with its interval against the baseline (a run, "
          "or the first weeks), CUSUM, Page–Hinkley and Mann–Kendall with Theil–Sen for gradual "
          "drift, and input drift (PSI and chi-square on the category mix, Kolmogorov–Smirnov on "
          "lengths). The detectors' alerts are grouped into incidents, one per drifting signal, shown "
          "first after the closed weeks short of grades (with the command that hands them to "
          "reviewers). Exit 1 while an incident is open or a week due for grading could not be "
          "tested.");
      add_output_options(*st, o->output, "terminal, json or html");
      st->add_option("--webhook", o->webhook,
                     "POST incident events (opened, updated, resolved) not delivered yet as JSON "
                     "to this URL (retried; a failure is a warning)")
          ->envname("QUALBAR_WEBHOOK");
      common(st);
      // A command on one incident: its id, and a note shown with it.
      const auto on_incident = [&](const char* name, const char* help, const char* note) {
        Command* c = sub.add_subcommand(name, help);
        c->add_option("incident", o->incident, "The incident's id, e.g. helpful@2026-W12")
            ->required();
        c->add_option("--note", o->note, note);
        common(c);
        return c;
      };
      Command* ack = on_incident(
          "ack",
          "Acknowledge an incident (someone is on it): the webhook stops posting its updates, "
          "for good or until --until. The incident stays open, and `status` exits 1, until its "
          "signal is back.",
          "What is being done, shown with the incident");
      ack->add_option("--until", o->until,
                      "Snooze its webhook updates until this day (YYYY-MM-DD) only");
      Command* rs = on_incident(
          "resolve",
          "Resolve an incident by hand (fixed, or accepted as the new normal) before its signal "
          "has been back for resolve_weeks: it no longer keeps `status` at exit 1; an alert in a "
          "later week opens a new incident.",
          "Why it is resolved, shown with the incident");
      Command* jd = sub.add_subcommand(
          "judge",
          "Have the suite's judge grade the sample of closed weeks on every judged dimension (the "
          "records it has not graded yet). Its grades show as a judge series in `status`, and "
          "`qualbar judge-check --run m-SUITE` measures it against people on production traffic.");
      common(jd);
      Command* ex = sub.add_subcommand(
          "export-cases",
          "Write graded production records as dataset cases (with a reviewer's reference answer "
          "where one was written), so the offline suite keeps up with real traffic.");
      ex->add_option("-o,--out", o->out,
                     "jsonl=PATH: the dataset file to write (never overwritten)")
          ->required();
      ex->add_flag("--only-failing", o->only_failing,
                   "Only records people failed on some dimension (a regression set)");
      common(ex);
      return [o, &g, ing, st, ack, rs, jd, ex]() -> int {
        if (ing->parsed()) return do_ingest(*o);
        if (ack->parsed()) return do_ack(*o);
        if (rs->parsed()) return do_resolve(*o);
        if (jd->parsed()) return do_judge(*o);
        if (st->parsed()) return do_status(*o, !g.no_color && stdout_wants_color());
        if (ex->parsed()) return do_export(*o);
        return 2;
      };
    }}};

}  // namespace
}  // namespace qb::cli
