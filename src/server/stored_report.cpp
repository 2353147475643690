#include "server/stored_report.hpp"

#include <algorithm>
#include <memory>
#include <sstream>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "qualbar/metrics/report_codec.hpp"
#include "qualbar/report/format.hpp"
#include "qualbar/store/store.hpp"
#include "server/http.hpp"
#include "server/pages.hpp"

namespace qb::server {
namespace {

StoredReport load_stored_report(Store& store, const std::string& full_id) {
  StoredReport out{review::load_run_data(store, full_id, /*with_cases=*/false), {}};
  const RunInfo& info = out.data.stored.info;
  if (info.status != RunStatus::complete) {
    throw HttpError(
        409, fmt::format("run {} is {} and has no report yet", info.id, to_string(info.status)));
  }
  if (out.data.stored.report.empty()) {
    throw HttpError(409, fmt::format("run {} was stored by an older qualbar: run `qualbar report "
                                     "{}` once to store its report",
                                     info.id, info.id));
  }
  out.report = decode_report(out.data.stored.report, "store run " + info.id);
  return out;
}

// A complete run's report never changes: each server thread keeps the last few it decoded (the
// suite parsed, the report decoded), so a page or an API call reads the store once, for the id.
constexpr std::size_t kCachedReports = 8;

}  // namespace

std::shared_ptr<const StoredReport> stored_report(Store& store, const std::string& id) {
  thread_local std::vector<std::pair<std::string, std::shared_ptr<const StoredReport>>> cache;
  const std::string full = resolve_run(store, id);
  for (std::size_t i = 0; i < cache.size(); ++i) {
    if (cache[i].first != full) continue;
    std::rotate(cache.begin(), cache.begin() + static_cast<std::ptrdiff_t>(i),
                cache.begin() + static_cast<std::ptrdiff_t>(i) + 1);  // most recent first
    return cache.front().second;
  }
  auto loaded = std::make_shared<const StoredReport>(load_stored_report(store, full));
  if (cache.size() == kCachedReports) cache.pop_back();
  cache.insert(cache.begin(), {full, std::move(loaded)});
  return cache.front().second;
}

std::string render(const StoredReport& s, const std::string& format,
                   const std::string& cases_url) {
  const ScoreTable none;
  std::ostringstream out;
  ReportInput in{s.report, s.data.suite, {}, {}, none};
  in.cases_url = cases_url;
  report_format_registry().get(format).write(in, out);
  return out.str();
}

}  // namespace qb::server
