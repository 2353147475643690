#include "monitor/record.hpp"

#include "qualbar/util/json_scan.hpp"
#include "qualbar/util/text.hpp"

#include <fmt/format.h>

namespace qb::monitor::detail {

namespace od = simdjson::ondemand;

RecordReader::RecordReader(std::vector<std::string> metadata_keys, bool keep_input,
                           std::size_t max_depth)
    : keys_(std::move(metadata_keys)), keep_input_(keep_input), max_depth_(max_depth) {}

namespace {

std::string_view type_name(od::json_type t) {
  switch (t) {
    case od::json_type::array: return "a list";
    case od::json_type::object: return "an object";
    case od::json_type::number: return "a number";
    case od::json_type::string: return "a string";
    case od::json_type::boolean: return "true/false";
    case od::json_type::null: return "null";
  }
  return "a value";
}

// A field's value as a string, or false with `error` naming the field.
bool text(od::value v, std::string_view field, std::string_view& out, std::string& error) {
  od::json_type t = od::json_type::null;
  if (v.type().get(t) != simdjson::SUCCESS || t != od::json_type::string ||
      v.get_string().get(out) != simdjson::SUCCESS) {
    error = fmt::format("field '{}': expected a string, got {}", field,
                        t == od::json_type::string ? "a malformed string" : type_name(t));
    return false;
  }
  return true;
}

bool number(od::value v, std::string_view field, std::optional<double>& out, std::string& error) {
  od::json_type t = od::json_type::null;
  if (v.type().get(t) != simdjson::SUCCESS) {
    error = fmt::format("field '{}': malformed value", field);
    return false;
  }
  if (t == od::json_type::null) return true;
  double x = 0;
  if (t != od::json_type::number || v.get_double().get(x) != simdjson::SUCCESS || !(x >= 0)) {
    error = fmt::format("field '{}': expected a number of 0 or more, got {}", field, type_name(t));
    return false;
  }
  out = x;
  return true;
}

// A chat input: its total length and its last user message.
bool messages(od::value v, RecordView& r, bool keep, std::string& error) {
  od::array list;
  if (v.get_array().get(list) != simdjson::SUCCESS) {
    error = "field 'input': expected a string or a list of {role, content} messages";
    return false;
  }
  for (auto item : list) {
    od::object m;
    if (item.get_object().get(m) != simdjson::SUCCESS) {
      error = "field 'input': every message must be an object {role, content}";
      return false;
    }
    std::string_view role, content;
    for (auto f : m) {
      std::string_view key;
      if (f.unescaped_key().get(key) != simdjson::SUCCESS) {
        error = "field 'input': malformed message";
        return false;
      }
      if (key == "role" && !text(f.value(), "input.role", role, error)) return false;
      if (key == "content" && !text(f.value(), "input.content", content, error)) return false;
    }
    r.input_length += code_points(content);
    if (keep && role == "user") r.input.assign(content);
  }
  return true;
}

// Metadata values as text: strings as they are, numbers and booleans as written.
bool metadata(od::value v, const std::vector<std::string>& keys, RecordView& r, std::string& error) {
  od::object obj;
  od::json_type t = od::json_type::null;
  if (v.type().get(t) == simdjson::SUCCESS && t == od::json_type::null) return true;
  if (v.get_object().get(obj) != simdjson::SUCCESS) {
    error = "field 'metadata': expected an object";
    return false;
  }
  if (keys.empty()) return true;  // skipped by the caller's iteration
  for (auto f : obj) {
    std::string_view key;
    if (f.unescaped_key().get(key) != simdjson::SUCCESS) {
      error = "field 'metadata': malformed key";
      return false;
    }
    for (std::size_t k = 0; k < keys.size(); ++k) {
      if (keys[k] != key) continue;
      od::value mv = f.value();
      od::json_type mt;
      if (mv.type().get(mt) != simdjson::SUCCESS) break;
      std::string_view s;
      if (mt == od::json_type::string) {
        if (mv.get_string().get(s) == simdjson::SUCCESS) r.metadata[k].assign(s);
      } else if (mt != od::json_type::null && mt != od::json_type::object &&
                 mt != od::json_type::array) {
        s = mv.raw_json_token();
        while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == ',' ||
                              s.back() == '}')) {
          s.remove_suffix(1);
        }
        r.metadata[k].assign(s);
      }
      break;
    }
  }
  return true;
}

}  // namespace

bool RecordReader::read(std::string_view line, std::size_t capacity, RecordView& r,
                        std::string& error) {
  // Field by field, so the strings keep their capacity from one record to the next.
  r.id = r.ts = r.category = r.language = r.output = {};
  r.input.clear();
  r.input_length = r.output_length = 0;
  r.failed = false;
  r.latency_ms.reset();
  r.cost_usd.reset();
  r.metadata.resize(keys_.size());
  for (auto& m : r.metadata) m.clear();
  // On-Demand skips what it does not read without a depth limit; whatever reads the record later
  // (a sample, a dataset case) must not meet nesting it cannot handle.
  if (const auto deep = json_too_deep(line, max_depth_)) {
    error = fmt::format(
        "objects and lists nest deeper than {} levels at column {} (the limit is "
        "limits.max_json_depth in the suite)",
        max_depth_, *deep + 1);
    return false;
  }
  od::document doc;
  if (parser_.iterate(line.data(), line.size(), capacity).get(doc) != simdjson::SUCCESS) {
    error = "not a JSON object";
    return false;
  }
  od::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) {
    error = "not a JSON object";
    return false;
  }
  bool has_output = false;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS) {
      error = "malformed JSON (a key)";
      return false;
    }
    od::value v = field.value();
    bool ok = true;
    if (key == "id") {
      ok = text(v, "id", r.id, error);
    } else if (key == "ts") {
      ok = text(v, "ts", r.ts, error);
    } else if (key == "category") {
      ok = text(v, "category", r.category, error);
    } else if (key == "language") {
      ok = text(v, "language", r.language, error);
    } else if (key == "output") {
      od::json_type t;
      if (v.type().get(t) == simdjson::SUCCESS && t == od::json_type::null) continue;
      ok = text(v, "output", r.output, error);
      has_output = ok;
      r.output_length = code_points(r.output);
    } else if (key == "input") {
      od::json_type t;
      if (v.type().get(t) != simdjson::SUCCESS) {
        error = "field 'input': malformed value";
        return false;
      }
      if (t == od::json_type::string) {
        std::string_view s;
        ok = text(v, "input", s, error);
        if (keep_input_) r.input.assign(s);
        r.input_length = code_points(s);
      } else {
        ok = messages(v, r, keep_input_, error);
      }
    } else if (key == "error") {
      od::json_type t;
      if (v.type().get(t) != simdjson::SUCCESS) {
        error = "field 'error': malformed value";
        return false;
      }
      r.failed = t != od::json_type::null;
    } else if (key == "latency_ms") {
      ok = number(v, "latency_ms", r.latency_ms, error);
    } else if (key == "cost_usd") {
      ok = number(v, "cost_usd", r.cost_usd, error);
    } else if (key == "metadata") {
      ok = metadata(v, keys_, r, error);
    }
    if (!ok) return false;
  }
  if (r.id.empty()) {
    error = "field 'id': is required (a string naming the record)";
    return false;
  }
  if (r.ts.empty()) {
    error = "field 'ts': is required (the record's time, RFC 3339)";
    return false;
  }
  if (!has_output && !r.failed) {
    error = "field 'output': is required unless `error` says the call failed";
    return false;
  }
  return true;
}

}  // namespace qb::monitor::detail
