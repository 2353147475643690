// OTLP JSON spans → production records (docs/ingest.md). Read with simdjson's DOM parser (the
// fields of a span come in any order); each record written with nlohmann::json, one line each.
#include "qualbar/monitor/otlp.hpp"

#include <chrono>
#include <cstring>
#include <optional>

#include <fmt/format.h>
#include <simdjson.h>
#include <nlohmann/json.hpp>

#include "qualbar/core/error.hpp"
#include "qualbar/util/text.hpp"

namespace qb::monitor {
namespace {

using nlohmann::json;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// An OTLP AnyValue ({"stringValue": …}, {"intValue": "12"}, arrays, key-value lists) as JSON.
json any_value(element v) {
  object o;
  if (v.get(o) != simdjson::SUCCESS) return nullptr;
  for (const auto field : o) {
    const std::string_view k = field.key;
    if (k == "stringValue" || k == "bytesValue") {
      std::string_view s;
      if (field.value.get(s) == simdjson::SUCCESS) return std::string(s);
    } else if (k == "intValue") {  // int64 is a string in OTLP JSON; a number is taken too
      std::string_view s;
      int64_t i = 0;
      if (field.value.get(s) == simdjson::SUCCESS) {
        try {
          return std::stoll(std::string(s));
        } catch (const std::exception&) {
          return std::string(s);
        }
      }
      if (field.value.get(i) == simdjson::SUCCESS) return i;
    } else if (k == "doubleValue") {
      double d = 0;
      if (field.value.get(d) == simdjson::SUCCESS) return d;
      std::string_view s;  // "NaN", "Infinity": no JSON number for them
      if (field.value.get(s) == simdjson::SUCCESS) return std::string(s);
    } else if (k == "boolValue") {
      bool b = false;
      if (field.value.get(b) == simdjson::SUCCESS) return b;
    } else if (k == "arrayValue") {
      json out = json::array();
      array values;
      if (field.value["values"].get(values) == simdjson::SUCCESS)
        for (const element e : values) out.push_back(any_value(e));
      return out;
    } else if (k == "kvlistValue") {
      json out = json::object();
      array values;
      if (field.value["values"].get(values) == simdjson::SUCCESS) {
        for (const element e : values) {
          std::string_view key;
          if (e["key"].get(key) == simdjson::SUCCESS) out[std::string(key)] = any_value(e["value"]);
        }
      }
      return out;
    }
  }
  return nullptr;
}

// A list of {"key", "value"} attributes as one JSON object.
json attributes(element parent) {
  json out = json::object();
  array list;
  if (parent["attributes"].get(list) != simdjson::SUCCESS) return out;
  for (const element e : list) {
    std::string_view key;
    if (e["key"].get(key) == simdjson::SUCCESS) out[std::string(key)] = any_value(e["value"]);
  }
  return out;
}

// A text from an attribute value: a string, or a JSON text holding one.
std::optional<json> maybe_json(const json& v) {
  if (!v.is_string()) return v;
  const std::string& s = v.get_ref<const std::string&>();
  if (s.empty() || (s.front() != '[' && s.front() != '{')) return std::nullopt;
  json parsed = json::parse(s, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return std::nullopt;
  return parsed;
}

// The text of a message in any of the conventions' shapes: {"content": "…"},
// {"parts": [{"type": "text", "content": "…"}]}, {"message": {"content": …}}, or a string.
std::string message_text(const json& m) {
  if (m.is_string()) return m.get<std::string>();
  if (!m.is_object()) return "";
  if (const auto it = m.find("content"); it != m.end()) {
    if (it->is_string()) return it->get<std::string>();
    if (it->is_array()) {  // OpenAI's content parts
      std::string out;
      for (const json& p : *it)
        if (p.is_object() && p.value("type", "") == "text") out += p.value("text", "");
      return out;
    }
  }
  if (const auto it = m.find("parts"); it != m.end() && it->is_array()) {
    std::string out;
    for (const json& p : *it) {
      if (!p.is_object() || p.value("type", "text") != "text") continue;
      if (const auto c = p.find("content"); c != p.end() && c->is_string())
        out += c->get<std::string>();
    }
    return out;
  }
  if (const auto it = m.find("message"); it != m.end()) return message_text(*it);
  return "";
}

// Messages (a list, or one) as the record's chat messages [{"role", "content"}].
json chat_messages(const json& v, const char* default_role) {
  json out = json::array();
  const auto one = [&](const json& m) {
    const std::string role = m.is_object() ? m.value("role", default_role) : default_role;
    out.push_back({{"role", role}, {"content", message_text(m)}});
  };
  if (v.is_array()) {
    for (const json& m : v) one(m);
  } else {
    one(v);
  }
  return out;
}

// OpenLLMetry's flattened form: gen_ai.prompt.0.role, gen_ai.prompt.0.content, …
json indexed_messages(const json& attrs, const std::string& prefix) {
  json out = json::array();
  for (int i = 0;; ++i) {
    const std::string at = fmt::format("{}.{}.", prefix, i);
    const auto content = attrs.find(at + "content");
    const auto role = attrs.find(at + "role");
    if (content == attrs.end() && role == attrs.end()) break;
    out.push_back(
        {{"role", role != attrs.end() && role->is_string() ? role->get<std::string>() : "user"},
         {"content",
          content != attrs.end() && content->is_string() ? content->get<std::string>() : ""}});
  }
  return out;
}

struct SpanText {
  json input;  // a string or chat messages; null when the span carries none
  std::optional<std::string> output;
};

// The prompt and the completion, from the newest convention the span uses: the
// gen_ai.input.messages / gen_ai.output.messages attributes, then the events
// (gen_ai.{system,user,assistant,tool}.message, gen_ai.choice; the older gen_ai.content.prompt
// and gen_ai.content.completion), then the gen_ai.prompt / gen_ai.completion attributes.
SpanText span_text(const json& attrs, element span) {
  SpanText t;
  json from_events = json::array();
  std::optional<std::string> choice;
  array events;
  if (span["events"].get(events) == simdjson::SUCCESS) {
    for (const element e : events) {
      std::string_view name;
      if (e["name"].get(name) != simdjson::SUCCESS) continue;
      const json ea = attributes(e);
      if (name == "gen_ai.choice") {
        if (!choice)
          choice = message_text(
              ea.contains("message") ? maybe_json(ea["message"]).value_or(ea["message"]) : ea);
      } else if (name.starts_with("gen_ai.") && name.ends_with(".message")) {
        const std::string role(name.substr(7, name.size() - 7 - 8));
        from_events.push_back({{"role", ea.value("role", role)}, {"content", message_text(ea)}});
      } else if (name == "gen_ai.content.prompt" && ea.contains("gen_ai.prompt")) {
        const auto parsed = maybe_json(ea["gen_ai.prompt"]);
        if (parsed)
          from_events = chat_messages(*parsed, "user");
        else
          from_events = json::array({{{"role", "user"}, {"content", ea["gen_ai.prompt"]}}});
      } else if (name == "gen_ai.content.completion" && ea.contains("gen_ai.completion") &&
                 !choice) {
        const auto parsed = maybe_json(ea["gen_ai.completion"]);
        choice = parsed
                     ? message_text(parsed->is_array() && !parsed->empty() ? (*parsed)[0] : *parsed)
                 : ea["gen_ai.completion"].is_string() ? ea["gen_ai.completion"].get<std::string>()
                                                       : "";
      }
    }
  }
  if (const auto it = attrs.find("gen_ai.input.messages"); it != attrs.end()) {
    if (const auto m = maybe_json(*it)) t.input = chat_messages(*m, "user");
  } else if (!from_events.empty()) {
    t.input = from_events;
  } else if (const auto p = attrs.find("gen_ai.prompt"); p != attrs.end()) {
    const auto m = maybe_json(*p);
    t.input = m ? chat_messages(*m, "user") : *p;
  } else if (json indexed = indexed_messages(attrs, "gen_ai.prompt"); !indexed.empty()) {
    t.input = indexed;
  }
  if (const auto it = attrs.find("gen_ai.output.messages"); it != attrs.end()) {
    if (const auto m = maybe_json(*it))
      t.output = message_text(m->is_array() && !m->empty() ? (*m)[0] : *m);
  } else if (choice) {
    t.output = choice;
  } else if (const auto c = attrs.find("gen_ai.completion"); c != attrs.end()) {
    const auto m = maybe_json(*c);
    t.output = m                ? message_text(m->is_array() && !m->empty() ? (*m)[0] : *m)
               : c->is_string() ? c->get<std::string>()
                                : "";
  } else if (json indexed = indexed_messages(attrs, "gen_ai.completion"); !indexed.empty()) {
    t.output = indexed[0]["content"].get<std::string>();
  }
  // A single user message reads as the plain text the record's input usually is.
  if (t.input.is_array() && t.input.size() == 1 && t.input[0]["role"] == "user")
    t.input = t.input[0]["content"];
  return t;
}

// Unix nanoseconds (a string or a number) → 0 when absent.
std::uint64_t nanos(element span, const char* field) {
  std::string_view s;
  if (span[field].get(s) == simdjson::SUCCESS) {
    std::uint64_t v = 0;
    for (const char c : s) {
      if (c < '0' || c > '9') return 0;
      v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v;
  }
  std::uint64_t v = 0;
  return span[field].get(v) == simdjson::SUCCESS ? v : 0;
}

std::string rfc3339_nanos(std::uint64_t ns) {
  const auto secs = static_cast<std::int64_t>(ns / 1'000'000'000);
  const std::chrono::sys_seconds t{std::chrono::seconds(secs)};
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{t - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count(),
                     (ns / 1'000'000) % 1000);
}

std::string string_of(const json& attrs, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    const auto it = attrs.find(k);
    if (it != attrs.end() && it->is_string()) return it->get<std::string>();
  }
  return "";
}

// A string field's text; "" when absent or not a string.
std::string_view text_field(simdjson::simdjson_result<element> field) {
  std::string_view s;
  return field.get(s) == simdjson::SUCCESS ? s : std::string_view();
}

bool is_model_call(const json& attrs, element span) {
  for (const auto& [k, v] : attrs.items())
    if (k.starts_with("gen_ai.")) {
      const std::string op = string_of(attrs, {"gen_ai.operation.name"});
      return op != "embeddings" && op != "execute_tool" && op != "create_agent";
    }
  array events;
  if (span["events"].get(events) != simdjson::SUCCESS) return false;
  for (const element e : events) {
    std::string_view name;
    if (e["name"].get(name) == simdjson::SUCCESS && name.starts_with("gen_ai.")) return true;
  }
  return false;
}

// One span of a model call as a production record.
json span_record(const json& attrs, const json& resource, element span) {
  const std::string_view trace = text_field(span["traceId"]), span_id = text_field(span["spanId"]),
                         name = text_field(span["name"]);
  json r = json::object();
  std::string id = string_of(attrs, {"qualbar.id"});
  if (id.empty() && !span_id.empty()) id = fmt::format("{}-{}", trace, span_id);
  if (!id.empty()) r["id"] = id;
  const std::uint64_t start = nanos(span, "startTimeUnixNano"),
                      end = nanos(span, "endTimeUnixNano");
  if (start > 0) r["ts"] = rfc3339_nanos(start);
  if (const std::string c = string_of(attrs, {"qualbar.category"}); !c.empty()) r["category"] = c;
  if (const std::string l = string_of(attrs, {"qualbar.language"}); !l.empty()) r["language"] = l;
  SpanText text = span_text(attrs, span);
  r["input"] = text.input.is_null() ? json("") : std::move(text.input);
  std::int64_t code = 0;
  const bool coded = span["status"]["code"].get(code) == simdjson::SUCCESS;
  const std::string_view status_message = text_field(span["status"]["message"]);
  const bool failed =
      (coded && code == 2) || text_field(span["status"]["code"]) == "STATUS_CODE_ERROR";
  r["output"] = text.output.value_or("");
  if (start > 0 && end >= start) r["latency_ms"] = static_cast<double>(end - start) / 1e6;
  if (const std::string m = string_of(attrs, {"gen_ai.response.model", "gen_ai.request.model"});
      !m.empty())
    r["model"] = m;
  json usage = json::object();
  for (const auto& [to, from] : {std::pair{"input_tokens", "gen_ai.usage.input_tokens"},
                                 std::pair{"input_tokens", "gen_ai.usage.prompt_tokens"},
                                 std::pair{"output_tokens", "gen_ai.usage.output_tokens"},
                                 std::pair{"output_tokens", "gen_ai.usage.completion_tokens"}}) {
    const auto it = attrs.find(from);
    if (it != attrs.end() && it->is_number() && !usage.contains(to)) usage[to] = *it;
  }
  if (!usage.empty()) r["usage"] = usage;
  if (const auto c = attrs.find("qualbar.cost_usd"); c != attrs.end() && c->is_number())
    r["cost_usd"] = *c;
  r["error"] = nullptr;
  if (failed) {
    std::string why(status_message);
    if (why.empty()) why = string_of(attrs, {"error.type"});
    r["error"] = why.empty() ? "error" : why;
  }
  json meta = json::object();
  for (const auto& [key, from] :
       {std::pair{"service", "service.name"}, std::pair{"operation", "gen_ai.operation.name"},
        std::pair{"provider", "gen_ai.provider.name"}, std::pair{"provider", "gen_ai.system"}}) {
    const std::string v = string_of(key == std::string_view("service") ? resource : attrs, {from});
    if (!v.empty() && !meta.contains(key)) meta[key] = v;
  }
  if (const auto f = attrs.find("gen_ai.response.finish_reasons"); f != attrs.end())
    meta["finish_reasons"] = *f;
  for (const auto& [k, v] : attrs.items())
    if (k.starts_with("qualbar.metadata.")) meta[k.substr(17)] = v;
  meta["trace_id"] = std::string(trace);
  meta["span_id"] = std::string(span_id);
  meta["span_name"] = std::string(name);
  r["metadata"] = std::move(meta);
  return r;
}

[[noreturn]] void not_otlp(const std::string& why) {
  throw InputError(
      fmt::format("the body is not OTLP/HTTP JSON traces: {} (an "
                  "ExportTraceServiceRequest: resourceSpans → scopeSpans → spans)",
                  why));
}

}  // namespace

OtlpRecords otlp_json_records(std::string_view body, std::size_t max_depth) {
  thread_local simdjson::dom::parser parser;
  if (parser.allocate(std::max<std::size_t>(body.size(), 64), max_depth) != simdjson::SUCCESS)
    throw InputError("the body is too large for the JSON parser");
  element doc;
  if (const auto e = parser.parse(body.data(), body.size(), true).get(doc); e != simdjson::SUCCESS)
    not_otlp(fmt::format("malformed JSON: {}", simdjson::error_message(e)));
  array resources;
  if (doc["resourceSpans"].get(resources) != simdjson::SUCCESS) not_otlp("no 'resourceSpans' list");
  OtlpRecords out;
  for (const element rs : resources) {
    const json resource = attributes(rs["resource"]);
    if (out.service.empty()) out.service = string_of(resource, {"service.name"});
    array scopes;
    if (rs["scopeSpans"].get(scopes) != simdjson::SUCCESS &&
        rs["instrumentationLibrarySpans"].get(scopes) != simdjson::SUCCESS)
      continue;
    for (const element ss : scopes) {
      array spans;
      if (ss["spans"].get(spans) != simdjson::SUCCESS) continue;
      for (const element span : spans) {
        ++out.spans;
        const json attrs = attributes(span);
        if (!is_model_call(attrs, span)) {
          ++out.skipped;
          continue;
        }
        out.lines +=
            span_record(attrs, resource, span).dump(-1, ' ', false, json::error_handler_t::replace);
        out.lines += '\n';
        ++out.records;
      }
    }
  }
  return out;
}

}  // namespace qb::monitor
