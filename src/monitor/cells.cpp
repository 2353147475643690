#include "monitor/cells.hpp"

#include "qualbar/monitor/ingest.hpp"

namespace qb::monitor::detail {
namespace {

nlohmann::json histogram_json(const LengthHistogram& h) { return h.counts; }

void read_histogram(const nlohmann::json& j, LengthHistogram& h) {
  if (!j.is_array()) return;
  for (std::size_t b = 0; b < j.size() && b < kLengthBins; ++b) h.counts[b] = j[b].get<std::uint64_t>();
}

nlohmann::json sketch_json(stats::QuantileSketch& q) {
  if (q.count() == 0) return nullptr;
  const auto s = q.state();
  return {{"compression", s.compression}, {"means", s.means}, {"weights", s.weights},
          {"count", s.count},             {"skipped", s.skipped}, {"min", s.min},
          {"max", s.max}};
}

stats::QuantileSketch read_sketch(const nlohmann::json& j) {
  if (!j.is_object()) return stats::QuantileSketch();
  stats::QuantileSketch::State s;
  s.compression = j.value("compression", stats::QuantileSketch::kDefaultCompression);
  s.means = j.value("means", std::vector<double>{});
  s.weights = j.value("weights", std::vector<double>{});
  s.count = j.value("count", std::uint64_t{0});
  s.skipped = j.value("skipped", std::uint64_t{0});
  s.min = j.value("min", 0.0);
  s.max = j.value("max", 0.0);
  return stats::QuantileSketch::from_state(s);
}

}  // namespace

nlohmann::json cell_json(CellAgg& c, const std::vector<std::string>& names) {
  nlohmann::json dims = nlohmann::json::object();
  for (std::size_t d = 0; d < c.dims.size() && d < names.size(); ++d)
    if (c.dims[d][0] > 0) dims[names[d]] = {c.dims[d][0], c.dims[d][1]};
  nlohmann::json j = {{"volume", c.volume},
                      {"errors", c.errors},
                      {"cost", c.cost},
                      {"cost_n", c.cost_n},
                      {"input_length", histogram_json(c.input)},
                      {"output_length", histogram_json(c.output)},
                      {"dims", dims}};
  j["latency"] = c.latency ? sketch_json(*c.latency) : nlohmann::json();
  if (!c.categories.empty()) {
    nlohmann::json cats = nlohmann::json::object();
    for (const auto& [name, n] : c.categories) cats[name] = n;
    j["categories"] = std::move(cats);
  }
  return j;
}

CellData read_cell(const nlohmann::json& j) {
  CellData c;
  c.volume = j.value("volume", std::uint64_t{0});
  c.errors = j.value("errors", std::uint64_t{0});
  c.cost = j.value("cost", 0.0);
  c.cost_n = j.value("cost_n", std::uint64_t{0});
  if (j.contains("input_length")) read_histogram(j["input_length"], c.input);
  if (j.contains("output_length")) read_histogram(j["output_length"], c.output);
  if (j.contains("latency")) c.latency = read_sketch(j["latency"]);
  if (j.contains("dims") && j["dims"].is_object())
    for (const auto& [name, v] : j["dims"].items())
      c.dims[name] = {v.at(0).get<std::uint64_t>(), v.at(1).get<std::uint64_t>()};
  if (j.contains("categories") && j["categories"].is_object())
    for (const auto& [name, v] : j["categories"].items()) c.categories[name] = v.get<std::uint64_t>();
  return c;
}

nlohmann::json cell_json(const CellData& c) {
  CellAgg a;
  a.volume = c.volume;
  a.errors = c.errors;
  a.cost = c.cost;
  a.cost_n = c.cost_n;
  a.input = c.input;
  a.output = c.output;
  a.categories.insert(c.categories.begin(), c.categories.end());
  if (c.latency.count() > 0) a.latency = std::make_unique<stats::QuantileSketch>(c.latency);
  std::vector<std::string> names;
  for (const auto& [name, v] : c.dims) {
    names.push_back(name);
    a.dims.push_back(v);
  }
  return cell_json(a, names);
}

}  // namespace qb::monitor::detail

namespace qb::monitor {

std::string merge_cell_json(const std::string& stored, const std::string& delta) {
  detail::CellData a = detail::read_cell(nlohmann::json::parse(stored));
  const detail::CellData b = detail::read_cell(nlohmann::json::parse(delta));
  a.volume += b.volume;
  a.errors += b.errors;
  a.cost += b.cost;
  a.cost_n += b.cost_n;
  a.input.merge(b.input);
  a.output.merge(b.output);
  a.latency.merge(b.latency);
  for (const auto& [name, v] : b.dims) {
    auto& x = a.dims[name];
    x[0] += v[0];
    x[1] += v[1];
  }
  for (const auto& [name, v] : b.categories) a.categories[name] += v;
  return detail::cell_json(a).dump();
}

}  // namespace qb::monitor
