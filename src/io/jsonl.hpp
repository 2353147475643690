#pragma once
// Line-by-line JSONL reading on simdjson's DOM parser (runtime-dispatched to the machine's SIMD
// kernels), shared by the dataset and responses readers. Internal to src/io.

#include <functional>
#include <span>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "qualbar/core/error.hpp"
#include "qualbar/core/limits.hpp"
#include "qualbar/core/problems.hpp"

namespace qb::detail {

using JsonValue = simdjson::dom::element;
using JsonObject = simdjson::dom::object;
using JsonArray = simdjson::dom::array;

// A text followed by at least simdjson::SIMDJSON_PADDING readable bytes, so that each line parses
// in place. A regular file is mapped read-only: its pages are the page cache's, neither copied
// nor zeroed (a million-case dataset is a few hundred MB; on a virtual machine zeroing that much
// fresh memory costs more than parsing it). Anything else (a pipe, an empty file, text in memory)
// is copied into a padded buffer. Move-only.
//
// A mapped file must not be truncated while its text is in use (the reader would fault): qualbar
// holds a dataset's text only until its cases are parsed and, for a stored run, their lines
// written at the run's start.
class PaddedText {
 public:
  PaddedText() = default;
  explicit PaddedText(std::string_view text);  // a padded copy
  // Lines joined, each followed by a newline, straight into padded memory (one copy).
  static PaddedText joined(std::span<const std::string> lines);
  // The file's bytes; throws InputError naming the path when it cannot be read.
  static PaddedText load(const std::string& path);
  PaddedText(PaddedText&& other) noexcept;
  PaddedText& operator=(PaddedText&& other) noexcept;
  PaddedText(const PaddedText&) = delete;
  PaddedText& operator=(const PaddedText&) = delete;
  ~PaddedText();

  [[nodiscard]] const char* data() const { return data_; }
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] std::string_view view() const { return {data_, size_}; }

  // Unmaps from this process the whole pages of a mapped file that lie before text offset
  // `end` (a stored run's lines, once written): they leave its resident memory, and the text
  // stays readable (a read maps the file's page again). A copy in memory is kept as it is.
  void release_before(std::size_t end) const;

 private:
  simdjson::padded_string copy_;
  void* map_ = nullptr;  // the mapping (file pages, then zero pages for the padding)
  std::size_t map_bytes_ = 0;
  mutable std::size_t released_ = 0;  // bytes from the mapping's start given back so far
  const char* data_ = "";
  std::size_t size_ = 0;
};

// Calls `on_object(object, line, line_number)` for every non-blank line of `text`, which must be a
// JSON object. Strips a UTF-8 BOM and the CR of CRLF. A line that is not valid UTF-8, not JSON or
// not an object, longer than limits.max_line_bytes or nested deeper than limits.max_json_depth is
// an InputError naming file:line (and column where known). A file that is one JSON array, or that
// spans objects over several lines, is told that JSONL is one object a line.
// With `problems`, a bad line (or an InputError from `on_object`) is recorded there and reading
// goes on with the next line.
void for_each_jsonl_object(const PaddedText& text, const std::string& file,
                           const std::function<void(JsonObject, std::string_view, int)>& on_object,
                           const Limits& limits = {}, Problems* problems = nullptr);

// An upper bound of the records in a JSONL text, to reserve vectors once.
std::size_t count_lines(const PaddedText& text);

// Type names for messages: "a string", "a number", ...
std::string_view json_type_name(JsonValue v);

// A field error: "file:line: field 'f': message".
[[noreturn]] void field_error(const std::string& file, int line, const std::string& field,
                              const std::string& message);

// Any value as minified JSON text.
std::string raw_json(JsonValue v);

std::string get_string(JsonValue v, const std::string& file, int line, const std::string& field);
// The same as a view into the parsed line: valid while its document is.
std::string_view get_string_view(JsonValue v, const std::string& file, int line,
                                 const std::string& field);
double get_number(JsonValue v, const std::string& file, int line, const std::string& field);
bool get_bool(JsonValue v, const std::string& file, int line, const std::string& field);

}  // namespace qb::detail
