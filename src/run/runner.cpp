#include "qualbar/run/runner.hpp"

#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

#include "qualbar/metrics/report_codec.hpp"
#include "qualbar/metrics/scoring.hpp"
#include "qualbar/run/interrupt.hpp"
#include "qualbar/run/run_lock.hpp"
#include "qualbar/scorers/judge.hpp"
#include "qualbar/util/files.hpp"
#include "qualbar/util/git.hpp"
#include "qualbar/util/serial_queue.hpp"
#include "qualbar/util/text.hpp"
#include "qualbar/version.hpp"

namespace qb {
namespace {

// A store that could not record the run's cases: nothing of the run is saved.
struct NotStarted : RunError {
  using RunError::RunError;
};

// The store's record of a run as it starts.
RunRecord record_of(const Suite& suite, const RunInfo& info) {
  RunRecord r;
  r.info = info;
  r.suite_text = suite.source_text;
  r.suite_file = suite.file;
  for (const auto& d : suite.dimensions) r.dimensions.push_back(d.name);
  return r;
}

// Receives the provider's answers: counts them, tells the observer, saves them in batches (at
// each pause of the provider, and at least every 4,096 answers), and stores cacheable answers.
// The batches are written on the run's store thread (`writes`) while the provider goes on; a
// write that fails stops the provider, and the next flush reports it.
class Sink final : public ProviderSink {
 public:
  Sink(RunResult& run, Store* store, SerialQueue& writes, const Provider& provider,
       std::span<const Case> cases, RunObserver* observer, std::size_t max_output_bytes)
      : run_(run),
        store_(store),
        writes_(writes),
        provider_(provider),
        cases_(cases),
        observer_(observer),
        max_output_bytes_(max_output_bytes) {}

  void done(std::size_t index) override {
    Response& r = run_.responses[index];
    if (!r.error && r.output.size() > max_output_bytes_) {
      // Kept whole, one such answer could take the memory of thousands of ordinary ones.
      r.error = fmt::format(
          "the answer is {} bytes, over the limit of {} (system.max_output_bytes): it begins "
          "\"{}\"",
          r.output.size(), max_output_bytes_, excerpt(r.output, 120));
      r.output.clear();
      r.output.shrink_to_fit();
    }
    ++run_.n_answered;
    if (observer_ != nullptr) observer_->answered(r);
    if (store_ == nullptr) return;
    pending_.push_back(index);
    if (pending_.size() >= 4096) flush();
  }

  void retrying(std::size_t /*index*/, const std::string& why) override {
    ++run_.n_retries;
    if (observer_ != nullptr) observer_->retrying(why);
  }

  void idle() override { flush(); }

  bool stop_requested() const override {
    return InterruptScope::level() >= 1 || writes_.failed();
  }
  bool abort_requested() const override { return InterruptScope::level() >= 2; }

  // Hands the answers since the last flush to the store thread; rethrows a failed write.
  void flush() {
    if (store_ == nullptr || pending_.empty()) return;
    std::vector<std::pair<std::string, std::size_t>> keys;
    for (const std::size_t i : pending_) {
      // Errors are never cached: a rerun calls again.
      if (!run_.responses[i].is_error()) {
        if (std::string key = provider_.cache_key(cases_[i]); !key.empty())
          keys.emplace_back(std::move(key), i);
      }
    }
    // The provider neither resizes the responses nor changes a response once it is done
    // (Provider::run), so the job reads them where they are.
    writes_.post([store = store_, &responses = run_.responses, id = run_.info.id,
                  batch = std::move(pending_), keys = std::move(keys)] {
      std::vector<StoredAnswer> answers;
      answers.reserve(batch.size());
      for (const std::size_t i : batch) answers.push_back(StoredAnswer{i, &responses[i]});
      std::vector<CacheEntry> entries;
      for (const auto& [key, i] : keys) entries.push_back(CacheEntry{key, &responses[i]});
      // The answers and their cache entries are one unit: both or neither.
      const auto unit = store->begin();
      store->runs().save_answers(id, answers);
      store->cache().put(entries);
      unit->commit();
    });
    pending_ = {};
  }

 private:
  RunResult& run_;
  Store* store_;
  SerialQueue& writes_;
  const Provider& provider_;
  std::span<const Case> cases_;
  RunObserver* observer_;
  std::size_t max_output_bytes_;
  std::vector<std::size_t> pending_;
};

}  // namespace

namespace {

// Saves the run as stopped (failed or interrupted) with what it has.
void save_stopped(RunResult& run, const RunSettings& settings, SerialQueue& writes,
                  RunStatus status) {
  writes.wait();  // the answers first; a write that failed is the error
  run.info.status = status;
  run.info.ended_at = now_rfc3339();
  run.info.n_errors = 0;
  for (const auto& r : run.responses) run.info.n_errors += r.is_error() ? 1 : 0;
  if (settings.store != nullptr) settings.store->runs().finish_run(run.info, nullptr);
}

// The message of a run that cannot go on, with what was saved and how to continue.
RunError stopped_error(const std::string& why, const RunResult& run, const RunSettings& settings) {
  std::string text =
      fmt::format("{}\n{} of {} cases were answered", why, run.n_answered, run.info.n_cases);
  if (settings.store != nullptr) {
    text += fmt::format(" and are saved in run {}", run.info.id);
    if (!settings.resume_hint.empty())
      text += fmt::format(". Continue it with: {}", settings.resume_hint);
  }
  return RunError(text);
}

}  // namespace

namespace {

RunInfo first_record(const Suite& suite, const Dataset& dataset, const Provider& provider,
                     const std::string& provider_name, const RunSettings& settings) {
  RunInfo info;
  info.id = settings.resume           ? settings.resume->info.id
            : settings.run_id.empty() ? new_run_id()
                                      : settings.run_id;
  info.suite_name = suite.name;
  info.suite_hash = suite.hash;
  info.bars_hash = suite.bars_hash;
  info.dataset_hash = settings.resume ? settings.resume->info.dataset_hash : dataset.hash;
  info.model = provider.model();
  info.provider = provider_name;
  info.provider_json = provider.settings_json();
  info.qualbar_version = kVersion;
  info.host = host_name();
  info.user = user_name();
  info.started_at = settings.resume ? settings.resume->info.started_at : now_rfc3339();
  info.status = RunStatus::running;
  info.n_cases = dataset.cases.size();
  if (settings.resume) {
    info.labels = settings.resume->info.labels;
    info.note = settings.resume->info.note;
    info.git_commit = settings.resume->info.git_commit;
  } else {
    info.labels = settings.labels;
    info.note = settings.note;
    info.git_commit = git_commit_at(std::filesystem::path(suite.file).parent_path().string());
  }
  return info;
}

// Takes the run for this process and records it (a new run) or takes the answers it has (a
// resumed one): returns which cases are answered. A store that cannot take the run (a full disk)
// fails it before anything is asked, or — answered locally, the cases recorded meanwhile on the
// store thread — before anything is saved.
std::vector<char> claim(RunResult& run, const Suite& suite, Dataset& dataset,
                        const Provider& provider, const RunSettings& settings,
                        SerialQueue& writes) {
  const std::size_t n = dataset.cases.size();
  const auto not_started = [&](const RunError& e) {
    return RunError(fmt::format("{}\nThe run was not {}: nothing was asked or saved", e.what(),
                                settings.resume ? "resumed" : "started"));
  };
  // One process answers a run at a time: two resumes would ask the same cases twice.
  if (settings.store != nullptr) {
    try {
      run.lock = std::make_shared<RunLock>(settings.store->runs(), run.info.id);
    } catch (const RunBusy&) {
      throw;
    } catch (const RunError& e) {
      throw not_started(e);
    }
    if (run.lock->took_over() && settings.observer != nullptr)
      settings.observer->note(*run.lock->took_over());
  }
  // The responses are sized when a case is answered before the provider runs (a resumed run, the
  // cache); else the provider sizes them, or moves its own in (replay).
  std::vector<char> answered(n, 0);
  if (settings.resume != nullptr) {
    run.responses.resize(n);
    const StoredRun& prev = *settings.resume;
    if (prev.case_lines.size() != n)
      throw RunError(fmt::format("run {} has {} cases stored but {} were loaded", prev.info.id,
                                 prev.case_lines.size(), n));
    for (std::size_t i = 0; i < n; ++i) {
      // A failed call is asked again: the run stopped, often for the reason it failed (a key
      // that was wrong, an endpoint that was down).
      if (!prev.answered[i] || prev.responses[i].is_error()) continue;
      run.responses[i] = prev.responses[i];
      answered[i] = 1;
      ++run.n_resumed;
    }
  } else if (settings.store != nullptr) {
    if (dataset.raw_lines.size() != n)
      throw std::logic_error("a stored run needs the dataset's lines (load it with keep_lines)");
    // Once the lines are in the store, the files' text is not kept beside it for the rest of
    // the run (a third of a million-case run's memory).
    auto record = [store = settings.store, info = record_of(suite, run.info),
                   cases = std::span<const Case>(dataset.cases),
                   lines = std::move(dataset.raw_lines), sources = std::move(dataset.sources),
                   not_started]() mutable {
      // The file text of the lines written leaves the process's memory as they are written.
      const auto written = [&](std::size_t n) {
        if (n > 0 && n <= lines.size()) release_lines_through(sources, lines[n - 1]);
      };
      try {
        store->runs().begin_run(info, cases, lines, written);
      } catch (const RunError& e) {
        throw NotStarted(not_started(e).what());
      }
      lines = {};
      sources = {};
    };
    dataset.raw_lines = {};
    dataset.sources = {};
    // Answered locally, the cases are recorded while they are answered and scored.
    if (provider.answers_locally())
      writes.post(std::move(record));
    else
      record();
  }
  run.n_answered = run.n_resumed;
  return answered;
}

// The cases still to ask, after the response cache answered what it could.
std::vector<std::size_t> from_cache(RunResult& run, const Dataset& dataset,
                                    const Provider& provider, const std::vector<char>& answered,
                                    const RunSettings& settings, SerialQueue& writes,
                                    Sink& sink) {
  const std::size_t n = dataset.cases.size();
  std::vector<std::size_t> todo;
  bool written = false;  // the store is read only once what was posted to it is written
  todo.reserve(n - run.n_resumed);
  for (std::size_t i = 0; i < n; ++i) {
    if (answered[i]) continue;
    if (settings.store != nullptr) {
      if (const std::string key = provider.cache_key(dataset.cases[i]); !key.empty()) {
        if (!written) writes.wait();
        written = true;
        if (auto hit = settings.store->cache().get(key)) {
          std::vector<Response> parsed = parse_responses(*hit, "the response cache");
          if (parsed.size() == 1) {
            run.responses.resize(n);
            run.responses[i] = std::move(parsed.front());
            run.responses[i].id = dataset.cases[i].id;
            ++run.n_cached;
            sink.done(i);
            continue;
          }
        }
      }
    }
    todo.push_back(i);
  }
  sink.flush();
  return todo;
}

// A RunError that stops the run: what was answered is saved first (should the store fail too,
// the reason the run stopped stands).
[[noreturn]] void stop_failed(const RunError& e, const std::string& why, RunResult& run,
                              const RunSettings& settings, SerialQueue& writes, Sink* sink) {
  try {
    if (sink != nullptr) sink->flush();
    save_stopped(run, settings, writes, RunStatus::failed);
  } catch (const RunError&) {
    throw e;
  }
  throw stopped_error(why, run, settings);
}

// Scores every case, the judge first; false when Ctrl-C stopped the judge (the run is saved as
// interrupted).
bool score(RunResult& run, const std::vector<DimensionScorer>& scorers, const Dataset& dataset,
           const RunSettings& settings, SerialQueue& writes) {
  // The judge keeps its grades in the store's cache: the store is the judge's alone from here.
  if (settings.judge != nullptr) writes.wait();
  JudgeHooks hooks;
  if (settings.store != nullptr) hooks.scope = run.info.id;
  hooks.interrupt_level = [] { return InterruptScope::level(); };
  JudgeContext judge(settings.judge, settings.store ? &settings.store->cache() : nullptr,
                     std::move(hooks));
  try {
    run.scores = score_cases(scorers, dataset.cases, run.responses, &judge);
  } catch (const RunError& e) {
    // The judge cannot be reached at all: the grades it gave are kept for the resume.
    stop_failed(e, fmt::format("the judge could not grade: {}", e.what()), run, settings, writes, nullptr);
  }
  run.n_judge_calls = judge.calls();
  run.n_judge_cached = judge.cached();
  run.n_judge_recorded = judge.recorded();
  run.n_judge_asked = judge.asked();
  run.n_judge_failed = judge.not_graded();
  if (judge.interrupted()) {
    run.scores = ScoreTable();
    save_stopped(run, settings, writes, RunStatus::interrupted);
    return false;
  }
  // A judge that graded nothing it was asked measured nothing: the run failed, as when every call
  // of the system fails.
  if (judge.asked() > 0 && judge.not_graded() == judge.asked()) {
    run.scores = ScoreTable();
    save_stopped(run, settings, writes, RunStatus::failed);
    throw stopped_error(fmt::format("the judge did not grade any of the {} answers it was asked "
                                    "about; the first: {}",
                                    judge.not_graded(), excerpt(judge.first_failure(), 300)),
                        run, settings);
  }
  return true;
}

// Asks what is left, then scores: the run after claim().
void answer_and_score(RunResult& run, const Suite& suite, const Dataset& dataset,
                      Provider& provider, const std::vector<DimensionScorer>& scorers,
                      const std::vector<char>& answered, const RunSettings& settings,
                      SerialQueue& writes) {
  const std::size_t n = dataset.cases.size();
  Sink sink(run, settings.store, writes, provider, dataset.cases, settings.observer,
            suite.limits.max_output_bytes);
  const std::vector<std::size_t> todo =
      from_cache(run, dataset, provider, answered, settings, writes, sink);
  try {
    provider.run(dataset.cases, todo, run.responses, sink);
    sink.flush();
  } catch (const RunError& e) {
    stop_failed(e, e.what(), run, settings, writes, &sink);
  } catch (const std::exception&) {
    sink.flush();  // the answers so far are kept; the caller marks the run failed
    throw;
  }
  run.warnings = provider.warnings();
  run.info.ended_at = now_rfc3339();
  for (const auto& r : run.responses) run.info.n_errors += r.is_error() ? 1 : 0;
  if (run.n_answered < n) {
    save_stopped(run, settings, writes, RunStatus::interrupted);
    return;
  }
  // A run in which no call succeeded measured nothing: it failed, whatever its bars say.
  if (n > 0 && run.info.n_errors == n) {
    const Response& first = run.responses.front();
    save_stopped(run, settings, writes, RunStatus::failed);
    throw stopped_error(fmt::format("every one of the {} calls failed, so nothing was measured; "
                                    "the first failed with: {}",
                                    n, excerpt(first.error.value_or(""), 300)),
                        run, settings);
  }
  if (!score(run, scorers, dataset, settings, writes)) return;
  run.info.status = RunStatus::complete;
  // The scores are packed for the store on its thread while the report is built.
  if (settings.store != nullptr)
    writes.post([store = settings.store, &run] {
      run.packed_scores = store->runs().pack_scores(run.scores);
    });
  try {
    if (settings.on_scored) settings.on_scored(run);
    writes.wait();
  } catch (...) {
    run.info.status = RunStatus::running;  // the caller saves it as failed
    throw;
  }
}

}  // namespace

RunResult execute_run(const Suite& suite, Dataset& dataset, Provider& provider,
                      const std::string& provider_name, const RunSettings& settings) {
  RunResult run;
  run.info = first_record(suite, dataset, provider, provider_name, settings);
  const auto scorers = build_scorers(suite);
  // The run's writes to the store, in order, beside its answering and scoring. Declared after
  // `run`: its jobs read the responses, so it ends first.
  SerialQueue writes(1024);
  const std::vector<char> answered = claim(run, suite, dataset, provider, settings, writes);
  try {
    answer_and_score(run, suite, dataset, provider, scorers, answered, settings, writes);
  } catch (...) {
    // Cases that could not be recorded while they were answered: the run was not started, and
    // that is the error to report.
    try {
      writes.wait();
    } catch (const NotStarted&) {
      throw;
    } catch (...) {  // NOLINT(bugprone-empty-catch): reported below or by the first error
    }
    // Whatever stopped the run (a bug included) leaves it failed in the store, never "running".
    if (run.info.status == RunStatus::running) {
      try {
        save_stopped(run, settings, writes, RunStatus::failed);
      } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): the first error stands
      }
    }
    throw;
  }
  return run;
}

void finish_stored_run(Store& store, const RunInfo& info, const Report& report,
                       std::span<const CaseSlices> slices, const ScoreTable& scores,
                       const PackedScores* packed) {
  const std::size_t dims = scores.n_dimensions();
  const std::size_t reported = std::min(dims, report.dimensions.size());
  std::vector<std::uint8_t> failing(scores.n_cases() * dims, 0);
  for (std::size_t c = 0; c < scores.n_cases(); ++c) {
    for (std::size_t d = 0; d < reported; ++d)
      failing[c * dims + d] = case_failed(report.dimensions[d], scores.at(c, d)) ? 1 : 0;
  }
  const std::string encoded = encode_report(report);
  RunResults results;
  results.scores = &scores;
  results.packed = packed;
  results.failing = failing;
  results.slices = slices;
  results.report = encoded;
  store.runs().finish_run(info, &results);
}

StoredRun to_stored_run(const Suite& suite, const Dataset& dataset, const RunResult& run) {
  StoredRun s;
  static_cast<RunRecord&>(s) = record_of(suite, run.info);
  s.case_lines.assign(dataset.raw_lines.begin(), dataset.raw_lines.end());
  s.responses = run.responses;
  s.answered.assign(run.responses.size(), 1);
  s.scores = run.scores;
  return s;
}

}  // namespace qb
