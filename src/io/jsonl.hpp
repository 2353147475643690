#pragma once
// Line-by-line JSONL reading on simdjson's DOM parser (runtime-dispatched to the machine's SIMD
// kernels), shared by the dataset and responses readers. Internal to src/io.

#include <functional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "qualbar/core/error.hpp"
#include "qualbar/core/limits.hpp"

namespace qb::detail {

using JsonValue = simdjson::dom::element;
using JsonObject = simdjson::dom::object;
using JsonArray = simdjson::dom::array;

// Calls `on_object(object, line, line_number)` for every non-blank line of `text`, which must be a
// JSON object. Strips a UTF-8 BOM and the CR of CRLF. A line that is not valid UTF-8, not JSON or
// not an object, longer than limits.max_line_bytes or nested deeper than limits.max_json_depth is
// an InputError naming file:line (and column where known). A file that is one JSON array, or that
// spans objects over several lines, is told that JSONL is one object a line.
void for_each_jsonl_object(const simdjson::padded_string& text, const std::string& file,
                           const std::function<void(JsonObject, std::string_view, int)>& on_object,
                           const Limits& limits = {});

// An upper bound of the records in a JSONL text, to reserve vectors once.
std::size_t count_lines(const simdjson::padded_string& text);

// A file's bytes with simdjson's padding, read without an intermediate copy. Throws InputError.
simdjson::padded_string load_padded(const std::string& path);

// Type names for messages: "a string", "a number", ...
std::string_view json_type_name(JsonValue v);

// A field error: "file:line: field 'f': message".
[[noreturn]] void field_error(const std::string& file, int line, const std::string& field,
                              const std::string& message);

// Any value as minified JSON text.
std::string raw_json(JsonValue v);

std::string get_string(JsonValue v, const std::string& file, int line, const std::string& field);
double get_number(JsonValue v, const std::string& file, int line, const std::string& field);
bool get_bool(JsonValue v, const std::string& file, int line, const std::string& field);

}  // namespace qb::detail
