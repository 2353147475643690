
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "io/jsonl.hpp"
#include "qualbar/io/dataset.hpp"
#include "qualbar/util/json_write.hpp"
#include "qualbar/util/id_index.hpp"

namespace qb {
using detail::field_error;
using detail::get_number;
using detail::get_string;
using detail::get_string_view;
using detail::JsonArray;
using detail::JsonObject;
using detail::JsonValue;

namespace {

double non_negative(JsonValue v, const std::string& file, int line, const std::string& field) {
  const double d = get_number(v, file, line, field);
  if (!(d >= 0.0)) field_error(file, line, field, fmt::format("must be 0 or more, got {}", d));
  return d;
}

// `texts` shares the values the file repeats (label, model).
Response parse_response(JsonObject obj, const std::string& file, int line, TextInterner& texts) {
  Response r;
  bool has_id = false, has_output = false;
  nlohmann::json extra;
  for (auto [key, v] : obj) {
    if (key == "id") {
      r.id = get_string(v, file, line, "id");
      if (r.id.empty()) field_error(file, line, "id", "must not be empty");
      has_id = true;
    } else if (v.is_null()) {
      continue;
    } else if (key == "output") {
      r.output = get_string(v, file, line, "output");
      has_output = true;
    } else if (key == "confidence") {
      const double c = get_number(v, file, line, "confidence");
      if (!(c >= 0.0 && c <= 1.0))
        field_error(file, line, "confidence", fmt::format("must be between 0 and 1, got {}", c));
      r.confidence = c;
    } else if (key == "citations") {
      JsonArray arr;
      if (v.get_array().get(arr))
        field_error(
            file, line, "citations",
            fmt::format("expected a list of context ids, got {}", detail::json_type_name(v)));
      std::size_t i = 0;
      for (auto item : arr)
        r.edit_details().citations.push_back(
            get_string(item, file, line, fmt::format("citations[{}]", i++)));
    } else if (key == "label") {
      r.label = texts.optional(get_string_view(v, file, line, "label"));
    } else if (key == "latency_ms") {
      r.latency_ms = non_negative(v, file, line, "latency_ms");
    } else if (key == "ttft_ms") {
      r.edit_details().ttft_ms = non_negative(v, file, line, "ttft_ms");
    } else if (key == "usage") {
      JsonObject u;
      if (v.get_object().get(u))
        field_error(file, line, "usage",
                    "expected {\"input_tokens\": ..., \"output_tokens\": ...}");
      Usage usage;
      for (auto [k, uv] : u) {
        if (uv.is_null()) continue;
        if (k == "input_tokens")
          usage.input_tokens =
              static_cast<std::int64_t>(non_negative(uv, file, line, "usage.input_tokens"));
        else if (k == "output_tokens")
          usage.output_tokens =
              static_cast<std::int64_t>(non_negative(uv, file, line, "usage.output_tokens"));
      }
      r.edit_details().usage = usage;
    } else if (key == "cost_usd") {
      r.edit_details().cost_usd = non_negative(v, file, line, "cost_usd");
    } else if (key == "model") {
      r.model = texts.text(get_string_view(v, file, line, "model"));
    } else if (key == "error" && v.is_bool()) {
      // Some exporters write "error": false for a successful call.
      if (bool failed = false; !v.get_bool().get(failed) && failed) r.error = "unknown error";
    } else if (key == "error") {
      std::string message =
          v.is_string() ? get_string(v, file, line, "error") : detail::raw_json(v);
      r.error = message.empty() ? "unknown error" : message;
    } else {
      if (extra.is_null()) extra = nlohmann::json::object();
      extra[std::string(key)] = nlohmann::json::parse(detail::raw_json(v));
    }
  }
  if (!has_id)
    field_error(file, line, "id", "is required: the id of the case this response answers");
  if (!has_output && !r.error)
    field_error(file, line, "output", "is required unless 'error' says the call failed");
  if (!extra.is_null()) r.edit_details().extra_json = extra.dump();
  return r;
}

}  // namespace

namespace {

using Parsed = ResponseLines;

Parsed parse_padded_responses(const detail::PaddedText& text, const std::string& file,
                              const Limits& limits, Problems* problems = nullptr) {
  Parsed p;
  p.responses.reserve(detail::count_lines(text));
  p.lines.reserve(p.responses.capacity());
  TextInterner texts;
  detail::for_each_jsonl_object(
      text, file,
      [&](JsonObject obj, std::string_view, int line) {
        p.responses.push_back(parse_response(obj, file, line, texts));
        p.lines.push_back(line);
      },
      limits, problems);
  return p;
}

// Checked once the file's text is released, so a million ids do not sit beside it.
std::vector<Response> unique_by_id(Parsed p, const std::string& file) {
  IdIndex first;
  first.reserve(p.responses.size());
  for (std::size_t i = 0; i < p.responses.size(); ++i) {
    if (auto [it, inserted] = first.try_emplace(p.responses[i].id, i); !inserted) {
      field_error(file, p.lines[i], "id",
                  fmt::format("duplicate response for case '{}' (first at line {})",
                              p.responses[i].id, p.lines[it->second]));
    }
  }
  return std::move(p.responses);
}

}  // namespace

std::vector<Response> parse_responses(std::string_view text, const std::string& file,
                                      const Limits& limits) {
  return unique_by_id(parse_padded_responses(detail::PaddedText(text), file, limits), file);
}

ResponseLines load_response_lines(const std::string& path, const Limits& limits,
                                  Problems* problems) {
  return parse_padded_responses(detail::PaddedText::load(path), path, limits, problems);
}

std::vector<Response> load_responses(const std::string& path, const Limits& limits) {
  Parsed parsed = parse_padded_responses(detail::PaddedText::load(path), path, limits);
  return unique_by_id(std::move(parsed), path);
}

// Written field by field: a million answers are saved per stored million-case run.
std::string response_to_json(const Response& r) {
  std::string out;
  out.reserve(64 + r.id.size() + r.output.size() + r.details().extra_json.size());
  append_response_json(out, r);
  return out;
}

void append_response_json(std::string& out, const Response& r) {
  const ResponseDetails& d = r.details();
  const auto key = [&](std::string_view k) {
    out += ',';
    append_json_string(out, k);
    out += ':';
  };
  out += "{\"id\":";
  append_json_string(out, r.id);
  key("output");
  append_json_string(out, r.output);
  if (r.confidence) {
    key("confidence");
    append_json_number(out, *r.confidence);
  }
  if (!d.citations.empty()) {
    key("citations");
    out += '[';
    for (std::size_t i = 0; i < d.citations.size(); ++i) {
      if (i > 0) out += ',';
      append_json_string(out, d.citations[i]);
    }
    out += ']';
  }
  if (r.label) {
    key("label");
    append_json_string(out, *r.label);
  }
  if (r.latency_ms) {
    key("latency_ms");
    append_json_number(out, *r.latency_ms);
  }
  if (d.ttft_ms) {
    key("ttft_ms");
    append_json_number(out, *d.ttft_ms);
  }
  if (d.usage) {
    key("usage");
    out += fmt::format("{{\"input_tokens\":{},\"output_tokens\":{}}}", d.usage->input_tokens,
                       d.usage->output_tokens);
  }
  if (d.cost_usd) {
    key("cost_usd");
    append_json_number(out, *d.cost_usd);
  }
  if (!r.model.empty()) {
    key("model");
    append_json_string(out, r.model);
  }
  key("error");
  if (r.error)
    append_json_string(out, *r.error);
  else
    out += "null";
  // Unknown fields, kept: a minified object whose keys are none of the above.
  if (d.extra_json.size() > 2 && d.extra_json.front() == '{' && d.extra_json.back() == '}') {
    out += ',';
    out.append(d.extra_json, 1, d.extra_json.size() - 2);
  }
  out += '}';
}

}  // namespace qb
