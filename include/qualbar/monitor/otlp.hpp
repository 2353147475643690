#pragma once
// OTLP/HTTP JSON traces (an ExportTraceServiceRequest) as production records: each span of a
// model call, as the OpenTelemetry GenAI semantic conventions describe it (`gen_ai.*` attributes
// and events), becomes one record line that `monitor ingest` reads. docs/ingest.md has the
// mapping and what is dropped.

#include <cstdint>
#include <string>
#include <string_view>

namespace qb::monitor {

struct OtlpRecords {
  std::string lines;          // one production record a line
  std::uint64_t spans = 0;    // spans in the request
  std::uint64_t records = 0;  // spans that became records
  std::uint64_t skipped = 0;  // spans of no model call (no gen_ai.* attribute or event) or of an
                              // embeddings or tool call: not records
  std::string service;        // the first resource's service.name ("" when none)
};

// Throws InputError, naming what is wrong, when `body` is not OTLP JSON (resourceSpans →
// scopeSpans → spans). `max_depth`: the deepest nesting read (limits.max_json_depth).
OtlpRecords otlp_json_records(std::string_view body, std::size_t max_depth);

}  // namespace qb::monitor
