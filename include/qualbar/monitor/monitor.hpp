#pragma once
// The monitor against the store: the weekly series its status is computed from, alerts raised
// once and posted to a webhook, and the graded production sample turned back into test cases.

#include <string>
#include <vector>

#include "qualbar/monitor/status.hpp"
#include "qualbar/store/store.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb::monitor {

// Every week from the first to the last the monitor saw, with its traffic; the quality series:
// the model-free dimensions from every record ("every record"), and every dimension people graded
// on the sample ("people": their consensus, each item weighted by its stratum's volume over its
// graded items); and the baseline run's rates when the suite names one.
StatusInput gather_status(Store& store, const Suite& suite);

// Records the incidents of `status` in the store and sets each one's `acknowledged` from it.
// Returns the ids of the incidents no status had seen before.
std::vector<std::string> record_incidents(Store& store, const Suite& suite,
                                          MonitorStatus& status);
// Sets each incident's `acknowledged` from the store and records nothing: what a reader of the
// status (the served dashboard, the API) sees without changing what the webhook is told.
void annotate_incidents(Store& store, const Suite& suite, MonitorStatus& status);

// Acknowledges incident `id` (someone is on it): the webhook stops posting its updates, until
// `snooze_until` (YYYY-MM-DD, "" for as long as it is open). It stays open, and `monitor status`
// exits 1, until its signal is back. Throws InputError naming the open incidents when the
// monitor has no incident `id`.
void acknowledge_incident(Store& store, const Suite& suite, const std::string& id,
                          const std::string& note, const std::string& snooze_until);

// Resolves incident `id` by hand (the problem is fixed, or accepted), as of the newest week the
// monitor has: it is closed at the next status (the webhook posts incident.resolved), and an alert
// on its signal in a later week opens a new incident. Throws InputError naming the open
// incidents when the monitor has no incident `id`, or when it is already resolved.
void resolve_incident(Store& store, const Suite& suite, const std::string& id,
                      const std::string& note);

// POSTs the incident events the webhook has not been told yet, as JSON to `url` (retried with
// backoff; a failure is reported, never fatal, and the event is sent with the next status):
// "incident.opened"; "incident.updated" when more alerts joined it (not while acknowledged or
// snoozed); "incident.resolved". `today` is YYYY-MM-DD, for snoozes.
struct WebhookResult {
  std::size_t delivered = 0;
  std::vector<std::string> failures;  // one line per event not delivered, no secrets in it
};
WebhookResult post_incidents(Store& store, const Suite& suite, const std::string& url,
                             const std::string& today);

// The suite's judge on the sample (closed weeks): every judged dimension, on the records it has
// not graded yet. Its grades are stored as grades of kind "judge" (grader: the judge's model), so
// the status shows a judge series next to people's and judge-check measures it against them on
// production traffic. A failed judge call is counted and stored as nothing: the record is asked
// again next time.
struct JudgedSample {
  std::size_t graded = 0;
  std::size_t failed = 0;
  std::size_t already = 0;  // records the judge had graded before
  std::string first_failure;  // why the first record the judge did not grade went ungraded
  bool recorded_only = false;  // the judge only replays recorded grades (judge.grades)
  std::vector<std::string> dimensions;
  std::vector<std::string> warnings;  // about the judge's settings (a key too short to redact)
};
JudgedSample judge_sample(Store& store, const Suite& suite);

// Graded sampled records as dataset cases (docs/data-formats.md): input, category, language,
// contexts, metadata (with the record's ts and people's grades), `reference` where a reviewer
// wrote one, and the tag "production". With only_failing, the records people failed on some
// dimension. Returns JSONL.
struct ExportedCases {
  std::string jsonl;
  std::size_t cases = 0;
  std::size_t with_reference = 0;
};
ExportedCases export_cases(Store& store, const Suite& suite, bool only_failing);

}  // namespace qb::monitor
