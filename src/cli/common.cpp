#include "cli/common.hpp"
#include "qualbar/bind/bind.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <iostream>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "qualbar/metrics/report_codec.hpp"
#include "qualbar/store/run_bundle.hpp"
#include "qualbar/providers/chat_settings.hpp"
#include "qualbar/review/review.hpp"
#include "qualbar/run/interrupt.hpp"
#include "qualbar/run/progress.hpp"
#include "qualbar/scorers/judge.hpp"
#include "qualbar/scorers/judge_settings.hpp"
#include "qualbar/util/files.hpp"
#include "qualbar/util/huge_pages.hpp"
#include "qualbar/util/text.hpp"

namespace qb::cli {

void add_report_output_options(Command& sub, OutputOptions& o) {
  add_output_options(sub, o, "terminal, json, scores, markdown, junit, html, ... (qualbar list formats)");
}

void check_output_options(const OutputOptions& o) {
  std::vector<std::string> names;
  for (const auto* e : report_format_registry().entries()) names.push_back(e->name);
  OutputOptions screen = o;
  screen.outs.clear();
  check_outputs(screen, names);
  // A run bundle is a file of the stored run, never a rendering on the screen.
  names.insert(names.end(), {"bundle", "bundle-hashes"});
  std::sort(names.begin(), names.end());
  OutputOptions files = o;
  files.format = names.front();
  check_outputs(files, names);
}

bool is_bundle_out(std::string_view out) {
  const std::string_view kind = out.substr(0, out.find('='));
  return kind == "bundle" || kind == "bundle-hashes";
}

void write_bundle_outs(Store& store, const std::string& run, const OutputOptions& o) {
  if (std::none_of(o.outs.begin(), o.outs.end(), [](const auto& out) { return is_bundle_out(out); }))
    return;
  LoadedRun l = load_stored_run(store, run, /*build=*/true, /*with_cases=*/true);
  RunBundle b;
  // The slice cells are not kept apart from the pages' index: the report is built again for them.
  (void)build_report(l.suite, l.dataset.cases, l.stored.responses, l.stored.scores, l.stored.info,
                     &b.slices);
  const std::size_t dims = l.stored.scores.n_dimensions();
  b.failing.assign(l.stored.scores.n_cases() * dims, 0);
  for (std::size_t d = 0; d < dims && d < l.report.dimensions.size(); ++d) {
    for (std::size_t c = 0; c < l.stored.scores.n_cases(); ++c)
      b.failing[c * dims + d] = case_failed(l.report.dimensions[d], l.stored.scores.at(c, d)) ? 1 : 0;
  }
  b.run = std::move(l.stored);
  if (b.run.report.empty()) b.run.report = encode_report(l.report);
  for (const auto& out : o.outs) {
    if (!is_bundle_out(out)) continue;
    const auto eq = out.find('=');
    std::ostringstream text;
    write_run_bundle(b, text, out.substr(0, eq) == "bundle-hashes");
    write_file_atomic(out.substr(eq + 1), text.str());
  }
}

void emit_report(const ReportInput& in, const OutputOptions& o, bool color) {
  for (const auto& out : o.outs) {
    if (is_bundle_out(out)) continue;  // write_bundle_outs, from the store
    const auto eq = out.find('=');
    std::ostringstream text;
    ReportInput file_input = in;
    file_input.color = false;
    report_format_registry().get(out.substr(0, eq)).write(file_input, text);
    write_file_atomic(out.substr(eq + 1), text.str());
  }
  if (!o.quiet) {
    ReportInput screen = in;
    screen.color = color && o.format == "terminal";
    screen.width = terminal_columns(o);
    report_format_registry().get(o.format).write(screen, std::cout);
    std::cout.flush();
  }
}

LoadedRun load_stored_run(Store& store, const std::string& id, bool build, bool with_cases) {
  LoadedRun l;
  review::RunData data = review::load_run_data(store, id, with_cases);
  // A run completed before reports were stored has its report built from its cases.
  if (!with_cases && build && data.stored.report.empty())
    data = review::load_run_data(store, id, true);
  l.stored = std::move(data.stored);
  l.suite = std::move(data.suite);
  l.dataset = std::move(data.dataset);
  l.with_cases = with_cases || l.stored.report.empty();
  const std::string where = fmt::format("run {} (suite {})", l.stored.info.id, l.stored.suite_file);
  if (!build) return l;
  if (l.stored.info.status == RunStatus::monitor) {
    throw InputError(fmt::format(
        "{} is the production monitor of suite '{}', not a run: see it with qualbar monitor "
        "status --suite SUITE, and review its sample with qualbar review export --run {}",
        l.stored.info.id, l.suite.name, l.stored.info.id));
  }
  if (l.stored.info.status != RunStatus::complete) {
    throw InputError(fmt::format(
        "run {} is {} ({} of {} cases answered) and has no report yet. Continue it with: qualbar "
        "run --resume {}",
        l.stored.info.id, to_string(l.stored.info.status),
        l.with_cases ? l.stored.n_answered() : l.stored.info.n_cases, l.stored.info.n_cases,
        l.stored.info.id));
  }
  if (!l.stored.report.empty()) {
    l.report = decode_report(l.stored.report, fmt::format("store run {}", l.stored.info.id));
    return l;
  }
  if (l.dataset.cases.size() != l.stored.responses.size() ||
      l.suite.dimensions.size() != l.stored.scores.n_dimensions()) {
    throw RunError(fmt::format("the store's record of {} is inconsistent ({} cases, {} responses)",
                               where, l.dataset.cases.size(), l.stored.responses.size()));
  }
  std::vector<CaseSlices> slices;
  l.report = build_report(l.suite, l.dataset.cases, l.stored.responses, l.stored.scores,
                          l.stored.info, &slices);
  // Stored by an older qualbar: its report and case index are stored now, once.
  finish_stored_run(store, l.stored.info, l.report, slices, l.stored.scores, nullptr);
  return l;
}

void read_runs_with_huge_pages(Store& store, std::span<const std::string> ids) {
  constexpr std::uintmax_t kBytesPerCase = 1024;
  std::uintmax_t bytes = 0;
  for (const auto& id : ids) bytes += store.runs().load_summary(id).info.n_cases * kBytesPerCase;
  start_again_with_huge_pages_for(bytes);
}

void add_human_grades(Store& store, LoadedRun& l) {
  const GradeBook book = fold_grades(store.review().grades(l.stored.info.id));
  if (book.empty()) return;
  for (std::size_t d = 0; d < l.report.dimensions.size() && d < l.suite.dimensions.size(); ++d) {
    l.report.dimensions[d].human_grades = review::human_grades_analysis(
        l.stored, l.suite, l.dataset.cases, book, d, l.suite.confidence);
  }
}

RunOutcome run_suite(const RunRequest& req) {
  RunOutcome o;
  std::unique_ptr<Store> store;
  // The run's lock goes before the store closes, on every way out.
  struct ReleaseLock {
    RunResult& run;
    ~ReleaseLock() { run.lock.reset(); }
  } release_lock{o.result};
  std::optional<StoredRun> resumed;
  ProviderOptions provider_options = req.provider;
  std::unique_ptr<Provider> provider;
  if (!req.resume.empty()) {
    if (req.no_store)
      throw InputError("--resume continues a stored run: it cannot be used with --no-store");
    o.store_path = resolve_store_path(req.store_flag, "");
    store = open_store(o.store_path, StoreAccess::existing);
    LoadedRun loaded = load_stored_run(*store, req.resume, /*build=*/false);
    if (loaded.stored.info.status == RunStatus::complete) {
      throw InputError(fmt::format(
          "run {} is complete: there is nothing to resume. See it with: qualbar report {}{}",
          loaded.stored.info.id, loaded.stored.info.id, store_flag_hint(o.store_path)));
    }
    o.suite = std::move(loaded.suite);
    o.dataset = std::move(loaded.dataset);
    resumed = std::move(loaded.stored);
    if (provider_options.model.empty()) provider_options.model = resumed->info.model;
  } else {
    o.suite = load_suite(req.suite);
    if (o.suite.datasets.empty()) {
      throw InputError(Location{o.suite.file, 1, 1, "datasets"},
                       "the suite has no datasets: it is a monitor-only suite, for production "
                       "records (`qualbar monitor ingest FILE --suite " +
                           o.suite.file + "`). `qualbar run` needs `datasets:` to run");
    }
    // A big dataset is read with huge pages (nothing was written or printed yet).
    std::uintmax_t bytes = 0;
    for (const auto& path : o.suite.datasets) {
      std::error_code ec;
      const std::uintmax_t size = std::filesystem::file_size(path, ec);
      if (!ec) bytes += size;
    }
    start_again_with_huge_pages_for(bytes);
    // The dataset and the provider's own reading (a replay provider's responses file) on two
    // threads. A bad dataset is reported first, as when they were read one after the other.
    auto made = std::async(std::launch::async, [&] {
      return provider_registry().get(o.suite.system.provider).make(o.suite, provider_options);
    });
    o.dataset = load_cases(o.suite.datasets, /*keep_lines=*/!req.no_store, o.suite.limits);
    provider = made.get();
  }
  if (!provider)
    provider = provider_registry().get(o.suite.system.provider).make(o.suite, provider_options);
  provider->check(o.dataset.cases);
  std::optional<JudgeSettings> judge;
  if (o.suite.judge.is_map())
    judge = judge_settings(o.suite);  // its key is checked before anything runs
  std::vector<std::string> notes = provider->settings_warnings();
  if (judge) notes.insert(notes.end(), judge->chat.warnings.begin(), judge->chat.warnings.end());
  for (const auto& w : notes) std::cerr << "qualbar: warning: " << display_text(w) << '\n';
  if (!req.no_store && !store) {
    o.store_path = resolve_store_path(req.store_flag, o.suite.store);
    store = open_store(o.store_path);
  }
  Progress progress(std::cerr, o.dataset.cases.size(), ::isatty(STDERR_FILENO) != 0);
  if (resumed) progress.already_done(resumed->n_answered());
  std::vector<CaseSlices> slices;  // what the store's pages filter the cases by
  {
    InterruptScope interrupts;
    RunSettings settings;
    settings.store = store.get();
    settings.resume = resumed ? &*resumed : nullptr;
    settings.observer = &progress;
    settings.run_id = resumed ? resumed->info.id : new_run_id();
    settings.labels = req.labels;
    settings.note = req.note;
    settings.judge = judge ? &*judge : nullptr;
    settings.resume_hint =
        fmt::format("qualbar run --resume {}{}", settings.run_id, store_flag_hint(o.store_path));
    // The report is built while the run's last answers are written.
    settings.on_scored = [&](const RunResult& r) {
      o.report = build_report(o.suite, o.dataset.cases, r.responses, r.scores, r.info,
                              store ? &slices : nullptr);
    };
    try {
      o.result = execute_run(o.suite, o.dataset, *provider, o.suite.system.provider, settings);
    } catch (const RunError&) {
      progress.finish();
      throw;
    }
  }
  resumed.reset();
  progress.finish();
  for (const auto& w : o.result.warnings)
    std::cerr << "qualbar: warning: " << display_text(w) << '\n';
  if (o.result.complete()) {
    o.result.info.passed = o.report.passed;
    if (store)
      finish_stored_run(*store, o.result.info, o.report, slices, o.result.scores,
                        &o.result.packed_scores);
  }
  return o;
}

int exit_code_for(const Report& r) {
  return static_cast<int>(r.passed ? ExitCode::ok : ExitCode::bar_failed);
}

}  // namespace qb::cli
