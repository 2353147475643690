#pragma once
// The aggregates of one window × slice cell, in memory and as the JSON document the store keeps.
// Everything in a cell adds up, so cells of several flushes and ingest processes merge. Internal
// to src/monitor.

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "qualbar/monitor/status.hpp"
#include "qualbar/stats/quantile_sketch.hpp"

namespace qb::monitor::detail {

struct CellAgg {
  std::uint64_t volume = 0;
  std::uint64_t errors = 0;
  double cost = 0;             // USD over the records that report a cost
  std::uint64_t cost_n = 0;
  LengthHistogram input, output;
  std::unique_ptr<stats::QuantileSketch> latency;  // created on the first latency
  std::vector<std::array<std::uint64_t, 2>> dims;   // per scored dimension: applicable, passed
  std::map<std::string, std::uint64_t, std::less<>> categories;  // the category mix
};

// The document: {"volume", "errors", "cost", "cost_n", "input_length": [96], "output_length",
// "latency": {t-digest state} | null, "dims": {name: [n, passes]}, "categories": {...}}.
nlohmann::json cell_json(CellAgg& cell, const std::vector<std::string>& dimension_names);

// What a stored document holds, read back.
struct CellData {
  std::uint64_t volume = 0, errors = 0, cost_n = 0;
  double cost = 0;
  LengthHistogram input, output;
  stats::QuantileSketch latency;
  std::map<std::string, std::array<std::uint64_t, 2>> dims;
  std::map<std::string, std::uint64_t> categories;
};
CellData read_cell(const nlohmann::json& j);
// The same from the document's text (read faster; a document read_cell would refuse, it refuses).
CellData read_cell_text(std::string_view text);
nlohmann::json cell_json(const CellData& c);

}  // namespace qb::monitor::detail
