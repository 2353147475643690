#include "qualbar/run/runner.hpp"

#include <fmt/format.h>

#include "qualbar/run/interrupt.hpp"
#include "qualbar/scorers/judge.hpp"
#include "qualbar/util/files.hpp"
#include "qualbar/version.hpp"

namespace qb {
namespace {

// Everything of the store's record but the responses and scores.
StoredRun record_without_results(const Suite& suite, const Dataset& dataset, const RunInfo& info) {
  StoredRun s;
  s.info = info;
  s.suite_text = suite.source_text;
  s.suite_file = suite.file;
  for (const auto& d : suite.dimensions) s.dimensions.push_back(d.name);
  s.case_lines.assign(dataset.raw_lines.begin(), dataset.raw_lines.end());
  return s;
}

// Receives the provider's answers: counts them, tells the observer, saves them in batches (at
// each pause of the provider, and at least every 4,096 answers), and stores cacheable answers.
class Sink final : public ProviderSink {
 public:
  Sink(RunResult& run, Store* store, const Provider& provider, std::span<const Case> cases,
       RunObserver* observer)
      : run_(run), store_(store), provider_(provider), cases_(cases), observer_(observer) {}

  void done(std::size_t index) override {
    const Response& r = run_.responses[index];
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

  bool stop_requested() const override { return InterruptScope::level() >= 1; }
  bool abort_requested() const override { return InterruptScope::level() >= 2; }

  void flush() {
    if (store_ == nullptr || pending_.empty()) return;
    answers_.clear();
    keys_.clear();
    cache_entries_.clear();
    for (const std::size_t i : pending_) {
      const Response& r = run_.responses[i];
      answers_.push_back(StoredAnswer{i, &r});
      // Errors are never cached: a rerun calls again.
      if (!r.is_error()) {
        if (std::string key = provider_.cache_key(cases_[i]); !key.empty())
          keys_.emplace_back(std::move(key), &r);
      }
    }
    for (const auto& [key, r] : keys_) cache_entries_.push_back(CacheEntry{key, r});
    store_->save_answers(run_.info.id, answers_, cache_entries_);
    pending_.clear();
  }

 private:
  RunResult& run_;
  Store* store_;
  const Provider& provider_;
  std::span<const Case> cases_;
  RunObserver* observer_;
  std::vector<std::size_t> pending_;
  std::vector<StoredAnswer> answers_;
  std::vector<std::pair<std::string, const Response*>> keys_;
  std::vector<CacheEntry> cache_entries_;
};

}  // namespace

RunResult execute_run(const Suite& suite, const Dataset& dataset, Provider& provider,
                      const std::string& provider_name, const RunSettings& settings) {
  const std::size_t n = dataset.cases.size();
  RunResult run;
  run.info.id = settings.resume       ? settings.resume->info.id
                : settings.run_id.empty() ? new_run_id()
                                          : settings.run_id;
  run.info.suite_name = suite.name;
  run.info.suite_hash = suite.hash;
  run.info.bars_hash = suite.bars_hash;
  run.info.dataset_hash = settings.resume ? settings.resume->info.dataset_hash : dataset.hash;
  run.info.model = provider.model();
  run.info.provider = provider_name;
  run.info.provider_json = provider.settings_json();
  run.info.qualbar_version = kVersion;
  run.info.host = host_name();
  run.info.user = user_name();
  run.info.started_at = settings.resume ? settings.resume->info.started_at : now_rfc3339();
  run.info.status = kRunRunning;
  run.info.n_cases = n;

  const auto scorers = build_scorers(suite);
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
      if (!prev.answered[i]) continue;
      run.responses[i] = prev.responses[i];
      answered[i] = 1;
      ++run.n_resumed;
    }
  } else if (settings.store != nullptr) {
    StoredRun record = record_without_results(suite, dataset, run.info);
    record.case_ids.reserve(n);
    for (const auto& c : dataset.cases) record.case_ids.push_back(c.id);
    settings.store->begin_run(record);
  }
  run.n_answered = run.n_resumed;

  Sink sink(run, settings.store, provider, dataset.cases, settings.observer);
  // The response cache answers what it can without a call.
  std::vector<std::size_t> todo;
  todo.reserve(n - run.n_resumed);
  for (std::size_t i = 0; i < n; ++i) {
    if (answered[i]) continue;
    if (settings.store != nullptr) {
      if (const std::string key = provider.cache_key(dataset.cases[i]); !key.empty()) {
        if (auto hit = settings.store->cached_response(key)) {
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

  try {
    provider.run(dataset.cases, todo, run.responses, sink);
    sink.flush();
  } catch (const RunError& e) {
    run.info.status = kRunFailed;
    run.info.ended_at = now_rfc3339();
    try {  // keep what was answered; should the store fail too, the reason the run stopped stands
      sink.flush();
      if (settings.store != nullptr) settings.store->finish_run(run.info, nullptr);
    } catch (const RunError&) {
      throw e;
    }
    throw RunError(fmt::format("{}\n{} of {} cases were answered{}", e.what(), run.n_answered, n,
                               settings.store != nullptr
                                   ? fmt::format(" and are saved in run {}", run.info.id)
                                   : std::string()));
  }
  run.warnings = provider.warnings();
  run.info.ended_at = now_rfc3339();
  for (const auto& r : run.responses) run.info.n_errors += r.is_error() ? 1 : 0;
  if (run.n_answered < n) {
    run.info.status = kRunInterrupted;
    if (settings.store != nullptr) settings.store->finish_run(run.info, nullptr);
    return run;
  }
  JudgeContext judge(settings.judge, settings.store);
  run.scores = score_cases(scorers, dataset.cases, run.responses, &judge);
  run.n_judge_calls = judge.calls();
  run.n_judge_cached = judge.cached();
  run.info.status = kRunComplete;
  return run;
}

void finish_stored_run(Store& store, const RunResult& run) { store.finish_run(run.info, &run.scores); }

StoredRun to_stored_run(const Suite& suite, const Dataset& dataset, const RunResult& run) {
  StoredRun s = record_without_results(suite, dataset, run.info);
  s.responses = run.responses;
  s.answered.assign(run.responses.size(), 1);
  s.scores = run.scores;
  return s;
}

}  // namespace qb
