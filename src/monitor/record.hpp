#pragma once
// One production record read with simdjson's On-Demand parser: only what the aggregates need,
// as views into the parser's buffers (valid until the next record). Internal to src/monitor.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <simdjson.h>

namespace qb::monitor::detail {

struct RecordView {
  std::string_view id;
  std::string_view ts;
  std::string_view category;
  std::string_view language;
  std::string_view output;
  std::string input;  // the text input, or the last user message of a chat input (keep_input)
  std::size_t input_length = 0;  // code points of the whole input (every message)
  std::size_t output_length = 0;
  bool failed = false;  // `error` is set
  std::optional<double> latency_ms;
  std::optional<double> cost_usd;
  // Values of the metadata keys asked for (slices, strata), in the order asked; "" when absent.
  std::vector<std::string> metadata;
};

// Reads records; `metadata_keys` are the metadata keys whose values are wanted.
class RecordReader {
 public:
  // keep_input: copy the input's text into RecordView::input (the scorers need it; the aggregates
  // need only its length).
  RecordReader(std::vector<std::string> metadata_keys, bool keep_input, std::size_t max_depth);
  // Parses `line` (padded: SIMDJSON_PADDING readable bytes after it). On a bad record returns
  // false with `error` set ("field 'ts': ..."), the record then unusable.
  bool read(std::string_view line, std::size_t capacity, RecordView& out, std::string& error);

 private:
  simdjson::ondemand::parser parser_;
  std::vector<std::string> keys_;
  bool keep_input_;
  std::size_t max_depth_;
};


}  // namespace qb::monitor::detail
