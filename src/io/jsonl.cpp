#include "io/jsonl.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/util/text.hpp"

namespace qb::detail {

std::string_view json_type_name(JsonValue v) {
  switch (v.type()) {
    case simdjson::dom::element_type::ARRAY:
      return "a list";
    case simdjson::dom::element_type::OBJECT:
      return "an object";
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64:
    case simdjson::dom::element_type::DOUBLE:
      return "a number";
    case simdjson::dom::element_type::STRING:
      return "a string";
    case simdjson::dom::element_type::BOOL:
      return "true/false";
    case simdjson::dom::element_type::NULL_VALUE:
      return "null";
  }
  return "a value";
}

void field_error(const std::string& file, int line, const std::string& field,
                 const std::string& message) {
  throw InputError(Location{file, line, 0, field}, message);
}

namespace {

// Explains why a line is not JSON, with its column, by asking nlohmann's parser (slow path only).
[[noreturn]] void explain_bad_json(std::string_view line, const std::string& file, int line_no) {
  if (auto bad = find_invalid_utf8(line)) {
    throw InputError(Location{file, line_no, static_cast<int>(*bad) + 1, ""},
                     "invalid UTF-8 (the file must be UTF-8 encoded)");
  }
  try {
    [[maybe_unused]] const auto parsed = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    if (auto pos = what.find(": syntax error"); pos != std::string::npos)
      what = what.substr(pos + 2);
    throw InputError(Location{file, line_no, static_cast<int>(e.byte), ""},
                     fmt::format("malformed JSON: {}", what));
  }
  throw InputError(Location{file, line_no, 0, ""}, "malformed JSON");
}

}  // namespace

std::size_t count_lines(const simdjson::padded_string& text) {
  return static_cast<std::size_t>(std::count(text.data(), text.data() + text.size(), '\n')) + 1;
}

simdjson::padded_string load_padded(const std::string& path) {
  simdjson::padded_string text;
  if (simdjson::padded_string::load(path).get(text)) {
    throw InputError(fmt::format(
        "cannot read '{}': {}", path,
        std::filesystem::exists(path) ? "permission denied or not a file" : "no such file"));
  }
  return text;
}

void for_each_jsonl_object(
    const simdjson::padded_string& text, const std::string& file,
    const std::function<void(JsonObject, std::string_view, int)>& on_object) {
  // The padding after the text lets simdjson parse each line in place.
  const char* data = text.data();
  std::size_t size = text.size();
  if (std::string_view(data, size).starts_with("\xEF\xBB\xBF")) {
    data += 3;
    size -= 3;
  }
  simdjson::dom::parser parser;
  int line_no = 0;
  std::size_t pos = 0;
  while (pos < size) {
    ++line_no;
    const char* nl = static_cast<const char*>(std::memchr(data + pos, '\n', size - pos));
    std::size_t end = nl ? static_cast<std::size_t>(nl - data) : size;
    const std::size_t next = nl ? end + 1 : size;
    if (end > pos && data[end - 1] == '\r') --end;
    const std::string_view line(data + pos, end - pos);
    pos = next;
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;

    JsonValue doc;
    // The bytes after the line (the rest of the file, then padding) are readable: no copy needed.
    if (parser.parse(line.data(), line.size(), false).get(doc))
      explain_bad_json(line, file, line_no);
    JsonObject obj;
    if (doc.get_object().get(obj)) {
      throw InputError(Location{file, line_no, 0, ""},
                       fmt::format("each line must be a JSON object, got {}", json_type_name(doc)));
    }
    on_object(obj, line, line_no);
  }
}

std::string raw_json(JsonValue v) { return simdjson::minify(v); }

std::string get_string(JsonValue v, const std::string& file, int line, const std::string& field) {
  std::string_view s;
  if (v.get_string().get(s))
    field_error(file, line, field, fmt::format("expected a string, got {}", json_type_name(v)));
  return std::string(s);
}

double get_number(JsonValue v, const std::string& file, int line, const std::string& field) {
  double d;
  if (v.get_double().get(d))
    field_error(file, line, field, fmt::format("expected a number, got {}", json_type_name(v)));
  return d;
}

bool get_bool(JsonValue v, const std::string& file, int line, const std::string& field) {
  bool b;
  if (v.get_bool().get(b))
    field_error(file, line, field,
                fmt::format("expected true or false, got {}", json_type_name(v)));
  return b;
}

}  // namespace qb::detail
