#include "io/jsonl.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <new>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/util/json_scan.hpp"
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

// Explains why a line is not JSON, with its column: simdjson's error says what, a scan or
// nlohmann's parser (slow path only) says where.
[[noreturn]] void explain_bad_json(std::string_view line, const std::string& file, int line_no,
                                   simdjson::error_code error, const Limits& limits) {
  const auto at = [&](std::size_t offset) {
    return Location{file, line_no, static_cast<int>(offset) + 1, ""};
  };
  if (auto bad = find_invalid_utf8(line))
    throw InputError(at(*bad), "invalid UTF-8 (the file must be UTF-8 encoded)");
  if (error == simdjson::DEPTH_ERROR) {
    const auto deep = json_too_deep(line, limits.max_json_depth);
    throw InputError(at(deep.value_or(0)),
                     fmt::format("objects and lists nest deeper than {} levels here (the limit is "
                                 "limits.max_json_depth in the suite)",
                                 limits.max_json_depth));
  }
  if (auto number = json_number_out_of_range(line)) {
    throw InputError(at(number->offset),
                     fmt::format("the number {} is out of range: a JSON number must fit a double "
                                 "(at most about 1.8e308), and a whole number 64 bits; write it "
                                 "as a string to keep it",
                                 excerpt(number->text, 40)));
  }
  const std::string_view trimmed = line.substr(line.find_first_not_of(" \t"));
  if (trimmed == "[" || trimmed == "{" || trimmed == "]" || trimmed == "}" ||
      (trimmed.starts_with("[") && trimmed.find('{') != std::string_view::npos)) {
    throw InputError(at(0),
                     "malformed JSON: qualbar reads JSONL, one JSON object per line (not a "
                     "JSON array, nor an object spread over several lines); convert it "
                     "with: jq -c '.[]' FILE > FILE.jsonl");
  }
  const bool csv_name = file.ends_with(".csv") || file.ends_with(".CSV");
  if (csv_name || (trimmed.front() != '{' && trimmed.front() != '[' && trimmed.front() != '"' &&
                   trimmed.find(',') != std::string_view::npos &&
                   trimmed.find('{') == std::string_view::npos)) {
    throw InputError(at(0),
                     "malformed JSON: qualbar reads JSONL, one JSON object per line, and this "
                     "looks like CSV; convert it with: python3 -c 'import csv, json, sys; "
                     "[print(json.dumps(r)) for r in csv.DictReader(sys.stdin)]' < FILE.csv > "
                     "FILE.jsonl");
  }
  try {
    [[maybe_unused]] const auto parsed = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    if (auto pos = what.find(": syntax error"); pos != std::string::npos)
      what = what.substr(pos + 2);
    throw InputError(Location{file, line_no, static_cast<int>(e.byte), ""},
                     fmt::format("malformed JSON: {}", what));
  } catch (const nlohmann::json::exception&) {
    // Anything else nlohmann rejects is said below, with simdjson's reason.
  }
  throw InputError(at(0), fmt::format("malformed JSON: {}", simdjson::error_message(error)));
}

}  // namespace

std::size_t count_lines(const PaddedText& text) {
  return static_cast<std::size_t>(std::count(text.data(), text.data() + text.size(), '\n')) + 1;
}

PaddedText::PaddedText(std::string_view text)
    : copy_(text.data(), text.size()), data_(copy_.data()), size_(copy_.size()) {}

PaddedText PaddedText::joined(std::span<const std::string> lines) {
  std::size_t size = 0;
  for (const auto& line : lines) size += line.size() + 1;
  PaddedText out;
  out.copy_ = simdjson::padded_string(size);
  char* at = out.copy_.data();
  for (const auto& line : lines) {
    std::memcpy(at, line.data(), line.size());
    at += line.size();
    *at++ = '\n';
  }
  out.data_ = size == 0 ? "" : out.copy_.data();
  out.size_ = size;
  return out;
}

PaddedText::PaddedText(PaddedText&& other) noexcept
    : copy_(std::move(other.copy_)),
      map_(std::exchange(other.map_, nullptr)),
      map_bytes_(std::exchange(other.map_bytes_, 0)),
      released_(std::exchange(other.released_, 0)),
      data_(map_ != nullptr ? other.data_ : copy_.data()),
      size_(other.size_) {
  if (size_ == 0) data_ = "";
  other.data_ = "";
  other.size_ = 0;
}

PaddedText& PaddedText::operator=(PaddedText&& other) noexcept {
  if (this != &other) {
    this->~PaddedText();
    new (this) PaddedText(std::move(other));
  }
  return *this;
}

PaddedText::~PaddedText() {
  if (map_ != nullptr) ::munmap(map_, map_bytes_);
}

void PaddedText::release_before(std::size_t end) const {
  if (map_ == nullptr) return;
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  // The whole mapping once the text's end is reached (its last part page and the padding).
  const std::size_t through = end >= size_ ? map_bytes_ : end / page * page;
  if (through <= released_) return;
  // The file's private, read-only pages: dropping them loses nothing (none was written).
  ::madvise(static_cast<char*>(map_) + released_, through - released_, MADV_DONTNEED);
  released_ = through;
}

PaddedText PaddedText::load(const std::string& path) {
  const auto cannot_read = [&] {
    return InputError(fmt::format(
        "cannot read '{}': {}", path,
        std::filesystem::exists(path) ? "permission denied or not a file" : "no such file"));
  };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw cannot_read();
  struct stat st {};
  if (::fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw cannot_read();
  }
  PaddedText text;
  if (S_ISREG(st.st_mode) && st.st_size > 0) {
    const auto size = static_cast<std::size_t>(st.st_size);
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const std::size_t bytes = (size + simdjson::SIMDJSON_PADDING + page - 1) / page * page;
    // Zero pages for the whole length, then the file over their start: the padding past the
    // file's last page reads as zeros instead of faulting.
    void* region = ::mmap(nullptr, bytes, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (region != MAP_FAILED) {
      if (::mmap(region, size, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_POPULATE, fd, 0) !=
          MAP_FAILED) {
        ::close(fd);
        text.map_ = region;
        text.map_bytes_ = bytes;
        text.data_ = static_cast<const char*>(region);
        text.size_ = size;
        return text;
      }
      ::munmap(region, bytes);
    }
  }
  ::close(fd);
  // Not a regular file (or it could not be mapped): read it.
  simdjson::padded_string copy;
  if (simdjson::padded_string::load(path).get(copy)) throw cannot_read();
  text.copy_ = std::move(copy);
  text.data_ = text.copy_.data();
  text.size_ = text.copy_.size();
  return text;
}

void for_each_jsonl_object(const PaddedText& text, const std::string& file,
                           const std::function<void(JsonObject, std::string_view, int)>& on_object,
                           const Limits& limits, Problems* problems) {
  // The padding after the text lets simdjson parse each line in place.
  const char* data = text.data();
  std::size_t size = text.size();
  if (std::string_view(data, size).starts_with("\xEF\xBB\xBF")) {
    data += 3;
    size -= 3;
  }
  simdjson::dom::parser parser;
  // simdjson's own limit on nesting (its stage 2 does not recurse): deeper is a DEPTH_ERROR.
  if (parser.allocate(simdjson::SIMDJSON_PADDING, limits.max_json_depth) != simdjson::SUCCESS)
    throw RunError("out of memory for the JSON parser");
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
    try {
      if (line.size() > limits.max_line_bytes) {
        throw InputError(
            Location{file, line_no, 0, ""},
            fmt::format("the line is {} bytes long, over the limit of {} bytes (limits."
                        "max_line_bytes in the suite)",
                        line.size(), limits.max_line_bytes));
      }

      JsonValue doc;
      // The bytes after the line (the rest of the file, then padding) are readable: no copy needed.
      if (const auto error = parser.parse(line.data(), line.size(), false).get(doc))
        explain_bad_json(line, file, line_no, error, limits);
      JsonObject obj;
      if (doc.get_object().get(obj)) {
        throw InputError(
            Location{file, line_no, 0, ""},
            fmt::format("each line must be a JSON object, got {}", json_type_name(doc)));
      }
      on_object(obj, line, line_no);
    } catch (const InputError& e) {
      if (problems == nullptr) throw;
      problems->add(e);
      // A file that is not JSONL at all fails on every line: its first line says why.
      if (line_no == 1 && e.reason().starts_with("malformed JSON: qualbar reads JSONL")) return;
    }
  }
}

std::string raw_json(JsonValue v) { return simdjson::minify(v); }

std::string_view get_string_view(JsonValue v, const std::string& file, int line,
                                 const std::string& field) {
  std::string_view s;
  if (v.get_string().get(s))
    field_error(file, line, field, fmt::format("expected a string, got {}", json_type_name(v)));
  return s;
}

std::string get_string(JsonValue v, const std::string& file, int line, const std::string& field) {
  return std::string(get_string_view(v, file, line, field));
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
