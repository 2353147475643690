#include "monitor/cells.hpp"

#include <simdjson.h>

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

namespace {

// The fields of a stored cell read with simdjson: a cell is merged at every flush that touches it,
// and its latency sketch's hundreds of numbers made nlohmann's parser most of the merge. False for
// a document of another shape (read_cell then reads it, and says what is wrong).
bool read_numbers(simdjson::dom::element e, std::vector<double>& out) {
  simdjson::dom::array a;
  if (e.get(a) != simdjson::SUCCESS) return false;
  out.clear();
  for (const simdjson::dom::element x : a) {
    double d = 0;
    if (x.get(d) != simdjson::SUCCESS) return false;
    out.push_back(d);
  }
  return true;
}

bool read_cell_fields(simdjson::dom::object o, CellData& c) {
  for (const auto [key, value] : o) {
    bool ok = true;
    if (key == "volume")
      ok = value.get(c.volume) == simdjson::SUCCESS;
    else if (key == "errors")
      ok = value.get(c.errors) == simdjson::SUCCESS;
    else if (key == "cost")
      ok = value.get(c.cost) == simdjson::SUCCESS;
    else if (key == "cost_n")
      ok = value.get(c.cost_n) == simdjson::SUCCESS;
    else if (key == "input_length" || key == "output_length") {
      LengthHistogram& h = key == "input_length" ? c.input : c.output;
      simdjson::dom::array a;
      if (value.get(a) != simdjson::SUCCESS) continue;  // as read_histogram: not an array, none
      std::size_t b = 0;
      for (const simdjson::dom::element x : a) {
        if (b >= kLengthBins) break;
        ok = ok && x.get(h.counts[b++]) == simdjson::SUCCESS;
      }
    } else if (key == "latency") {
      simdjson::dom::object l;
      if (value.get(l) != simdjson::SUCCESS) continue;  // null: no latency
      stats::QuantileSketch::State st;
      for (const auto [k, v] : l) {
        if (k == "compression")
          ok = ok && v.get(st.compression) == simdjson::SUCCESS;
        else if (k == "means")
          ok = ok && read_numbers(v, st.means);
        else if (k == "weights")
          ok = ok && read_numbers(v, st.weights);
        else if (k == "count")
          ok = ok && v.get(st.count) == simdjson::SUCCESS;
        else if (k == "skipped")
          ok = ok && v.get(st.skipped) == simdjson::SUCCESS;
        else if (k == "min")
          ok = ok && v.get(st.min) == simdjson::SUCCESS;
        else if (k == "max")
          ok = ok && v.get(st.max) == simdjson::SUCCESS;
      }
      if (ok) c.latency = stats::QuantileSketch::from_state(st);
    } else if (key == "dims" || key == "categories") {
      simdjson::dom::object m;
      if (value.get(m) != simdjson::SUCCESS) continue;
      for (const auto [name, v] : m) {
        if (key == "categories") {
          ok = ok && v.get(c.categories[std::string(name)]) == simdjson::SUCCESS;
          continue;
        }
        simdjson::dom::array pair;
        std::uint64_t n = 0, passed = 0;
        ok = ok && v.get(pair) == simdjson::SUCCESS && pair.at(0).get(n) == simdjson::SUCCESS &&
             pair.at(1).get(passed) == simdjson::SUCCESS;
        c.dims[std::string(name)] = {n, passed};
      }
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace

CellData read_cell_text(std::string_view text) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::object o;
  CellData c;
  if (parser.parse(text.data(), text.size()).get(o) == simdjson::SUCCESS && read_cell_fields(o, c))
    return c;
  return read_cell(nlohmann::json::parse(text));
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
  detail::CellData a = detail::read_cell_text(stored);
  const detail::CellData b = detail::read_cell_text(delta);
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
