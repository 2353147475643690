#pragma once
// A complete run's stored report, decoded, with the suite it was run with: what the run, case and
// comparison routes read. Each server thread keeps the last few it decoded. Internal.

#include <memory>
#include <string>

#include "qualbar/metrics/report.hpp"
#include "qualbar/review/review.hpp"

namespace qb {
class Store;
}

namespace qb::server {

struct StoredReport {
  review::RunData data;  // the record, the suite and the stored report; no cases
  Report report;
  // The summary's JSON, made on first use (a thread's cache entry: no other thread reads it).
  mutable std::string summary;
};

// Run `id` (a prefix, latest, latest~N) with its report: 404 when the store has no such run, 409
// when it is not complete or was stored without its report. Shared: a streamed answer keeps it
// after the thread's cache has moved on.
std::shared_ptr<const StoredReport> stored_report(Store& store, const std::string& id);

// A registered report format of a stored report (json, html, markdown, ...), without the cases.
std::string render(const StoredReport& s, const std::string& format,
                   const std::string& cases_url = "");

}  // namespace qb::server
