#include "qualbar/io/dataset.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "io/jsonl.hpp"
#include "qualbar/core/error.hpp"
#include "qualbar/util/files.hpp"
#include "qualbar/util/id_index.hpp"

namespace qb {
using detail::field_error;
using detail::get_string;
using detail::get_string_view;
using detail::JsonArray;
using detail::JsonObject;
using detail::JsonValue;

namespace {

std::vector<Message> parse_messages(JsonArray arr, const std::string& file, int line) {
  std::vector<Message> out;
  std::size_t i = 0;
  for (auto item : arr) {
    const std::string field = fmt::format("input[{}]", i++);
    JsonObject m;
    if (item.get_object().get(m))
      field_error(file, line, field, "expected a message {\"role\": ..., \"content\": ...}");
    Message msg;
    bool has_content = false;
    for (auto [key, value] : m) {
      if (key == "role")
        msg.role = get_string(value, file, line, field + ".role");
      else if (key == "content")
        msg.content = get_string(value, file, line, field + ".content"), has_content = true;
    }
    if (msg.role.empty())
      field_error(file, line, field + ".role", "is required (system, user or assistant)");
    if (!has_content)
      field_error(file, line, field + ".content", "is required: the text of the message");
    out.push_back(std::move(msg));
  }
  if (out.empty()) field_error(file, line, "input", "a chat input needs at least one message");
  return out;
}

std::vector<std::string> parse_string_list(JsonValue v, const std::string& file, int line,
                                           const std::string& field) {
  JsonArray arr;
  if (v.get_array().get(arr))
    field_error(file, line, field,
                fmt::format("expected a list of strings, got {}", detail::json_type_name(v)));
  std::vector<std::string> out;
  std::size_t i = 0;
  for (auto item : arr)
    out.push_back(get_string(item, file, line, fmt::format("{}[{}]", field, i++)));
  return out;
}

std::vector<Context> parse_contexts(JsonValue v, const std::string& file, int line) {
  JsonArray arr;
  if (v.get_array().get(arr))
    field_error(file, line, "contexts", "expected a list of {\"id\": ..., \"text\": ...}");
  std::vector<Context> out;
  std::size_t i = 0;
  for (auto item : arr) {
    const std::string field = fmt::format("contexts[{}]", i);
    Context c;
    JsonValue value = item;
    if (value.is_string()) {
      c.id = fmt::format("ctx-{}", i);
      c.text = get_string(value, file, line, field);
    } else {
      JsonObject o;
      if (value.get_object().get(o))
        field_error(file, line, field, "expected {\"id\": ..., \"text\": ...} or a string");
      bool has_text = false;
      for (auto [key, v] : o) {
        if (key == "id")
          c.id = get_string(v, file, line, field + ".id");
        else if (key == "text")
          c.text = get_string(v, file, line, field + ".text"), has_text = true;
      }
      if (!has_text)
        field_error(file, line, field + ".text", "is required: the passage the system retrieved");
      if (c.id.empty()) c.id = fmt::format("ctx-{}", i);
    }
    out.push_back(std::move(c));
    ++i;
  }
  return out;
}

// The checks as written: each is an object with a "type"; bind_cases compiles them.
std::vector<Assertion> parse_asserts(JsonValue v, const std::string& file, int line) {
  JsonArray arr;
  if (v.get_array().get(arr))
    field_error(
        file, line, "assert",
        "expected a list of checks such as {\"type\": \"contains\", \"value\": \"30 days\"}");
  std::vector<Assertion> out;
  std::size_t i = 0;
  for (auto item : arr) {
    const std::string field = fmt::format("assert[{}]", i);
    JsonObject o;
    if (item.get_object().get(o))
      field_error(file, line, field,
                  "expected an object such as {\"type\": \"contains\", \"value\": \"30 days\"}");
    nlohmann::json args = nlohmann::json::parse(detail::raw_json(item));
    if (!args.contains("type") || !args["type"].is_string())
      field_error(file, line, field + ".type",
                  "is required: the name of a scorer, e.g. contains or not-regex");
    Assertion a;
    a.index = i++;
    a.type = args["type"].get<std::string>();
    args.erase("type");
    a.args_json = args.dump();
    out.push_back(std::move(a));
  }
  return out;
}

// `texts` shares the values the file repeats (category, language, expected_label).
Case parse_case(JsonObject obj, const std::string& file, int line, TextInterner& texts) {
  Case c;
  c.source_line = line;
  bool has_id = false, has_input = false;
  nlohmann::json metadata;  // stays null unless metadata or unknown fields exist
  for (auto [key, v] : obj) {
    if (key == "id") {
      c.id = get_string(v, file, line, "id");
      if (c.id.empty()) field_error(file, line, "id", "must not be empty");
      has_id = true;
    } else if (key == "input") {
      if (v.is_string()) {
        c.input = get_string(v, file, line, "input");
      } else if (v.is_array()) {
        const std::vector<Message>& messages = c.edit_details().messages =
            parse_messages(v.get_array(), file, line);
        auto last_user = std::find_if(messages.rbegin(), messages.rend(),
                                      [](const Message& m) { return m.role == "user"; });
        if (last_user == messages.rend())
          field_error(file, line, "input",
                      "a chat input needs at least one message with role 'user'");
        c.input = last_user->content;
      } else {
        field_error(file, line, "input",
                    fmt::format("expected a string or a list of messages, got {}",
                                detail::json_type_name(v)));
      }
      has_input = true;
    } else if (v.is_null()) {
      continue;  // an explicit null is the same as an absent optional field
    } else if (key == "reference") {
      c.reference = get_string(v, file, line, "reference");
    } else if (key == "contexts") {
      c.edit_details().contexts = parse_contexts(v, file, line);
    } else if (key == "expected_label") {
      c.expected_label = texts.optional(get_string_view(v, file, line, "expected_label"));
    } else if (key == "should_refuse") {
      c.edit_details().should_refuse = detail::get_bool(v, file, line, "should_refuse");
    } else if (key == "category") {
      c.category = texts.text(get_string_view(v, file, line, "category"));
    } else if (key == "language") {
      c.language = texts.text(get_string_view(v, file, line, "language"));
    } else if (key == "tags") {
      c.edit_details().tags = parse_string_list(v, file, line, "tags");
    } else if (key == "assert") {
      c.edit_details().asserts = parse_asserts(v, file, line);
    } else if (key == "tests") {
      c.edit_details().tests = get_string(v, file, line, "tests");
    } else if (key == "metadata") {
      JsonObject m;
      if (v.get_object().get(m)) field_error(file, line, "metadata", "expected an object");
      nlohmann::json parsed = nlohmann::json::parse(detail::raw_json(v));
      if (metadata.is_null()) metadata = nlohmann::json::object();
      for (auto& [k, val] : parsed.items()) metadata[k] = val;
    } else {
      // Unknown fields are kept in metadata (the metadata object wins a name clash).
      if (metadata.is_null()) metadata = nlohmann::json::object();
      const std::string k(key);
      if (!metadata.contains(k)) metadata[k] = nlohmann::json::parse(detail::raw_json(v));
    }
  }
  if (!has_id) field_error(file, line, "id", "is required: every case needs a unique id");
  if (!has_input)
    field_error(file, line, "input",
                "is required: the text or messages sent to the system under test");
  if (!metadata.is_null() && !metadata.empty()) c.edit_details().metadata_json = metadata.dump();
  return c;
}

}  // namespace

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError(fmt::format(
        "cannot read '{}': {}", path,
        std::filesystem::exists(path) ? "permission denied or not a file" : "no such file"));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return std::move(ss).str();
}

namespace {

void parse_padded_cases(std::shared_ptr<const detail::PaddedText> text,
                        const std::string& file, Dataset& into, bool keep_lines,
                        const Limits& limits, Problems* problems = nullptr) {
  const std::size_t before = into.cases.size();
  const auto file_index = static_cast<std::uint32_t>(into.files.size());
  into.files.push_back(file);
  const std::size_t lines = detail::count_lines(*text);
  into.cases.reserve(before + lines);
  if (keep_lines) into.raw_lines.reserve(into.raw_lines.size() + lines);
  TextInterner texts;
  detail::for_each_jsonl_object(
      *text, file,
      [&](JsonObject obj, std::string_view raw, int line) {
        into.cases.push_back(parse_case(obj, file, line, texts));
        into.cases.back().source_file = file_index;
        if (keep_lines) into.raw_lines.push_back(raw);
      },
      limits, problems);
  if (keep_lines) into.sources.push_back(std::move(text));
  if (into.cases.size() == before && (problems == nullptr || problems->count() == 0))
    throw InputError(Location{file, 0, 0, ""},
                     "the dataset has no cases (it is empty or only blank lines)");
}

}  // namespace

void release_lines_through(std::span<const std::shared_ptr<const void>> sources,
                           std::string_view line) {
  // Every source is a PaddedText (parse_padded_cases), in the order of the lines.
  const auto text_of = [&](std::size_t k) -> const detail::PaddedText& {
    return *static_cast<const detail::PaddedText*>(sources[k].get());
  };
  for (std::size_t k = 0; k < sources.size(); ++k) {
    const char* begin = text_of(k).data();
    if (line.data() < begin || line.data() > begin + text_of(k).size()) continue;
    for (std::size_t earlier = 0; earlier < k; ++earlier)
      text_of(earlier).release_before(text_of(earlier).size());
    text_of(k).release_before(static_cast<std::size_t>(line.data() + line.size() - begin));
    return;
  }
}

void parse_cases(std::string_view text, const std::string& file, Dataset& into,
                 const Limits& limits) {
  parse_padded_cases(std::make_shared<const detail::PaddedText>(text), file, into, true,
                     limits);
}

void parse_case_lines(std::span<const std::string> lines, const std::string& file,
                      Dataset& into, const Limits& limits) {
  parse_padded_cases(
      std::make_shared<const detail::PaddedText>(detail::PaddedText::joined(lines)), file, into,
      false, limits);
}

Dataset load_dataset(const std::vector<std::string>& paths, bool keep_lines, const Limits& limits,
                     Problems* problems) {
  Dataset d;
  std::string hashes;
  for (const auto& path : paths) {
    try {
      auto text = std::make_shared<const detail::PaddedText>(detail::PaddedText::load(path));
      hashes += content_hash(text->view());
      parse_padded_cases(std::move(text), path, d, keep_lines, limits, problems);
    } catch (const InputError& e) {
      if (problems == nullptr) throw;
      problems->add(e);
    }
  }
  if (d.cases.size() > std::numeric_limits<std::uint32_t>::max())
    throw InputError(fmt::format("the dataset has {} cases, over the {} qualbar can run at once",
                                 d.cases.size(), std::numeric_limits<std::uint32_t>::max()));
  const auto repeated = repeated_ids(
      d.cases.size(), [&](std::size_t i) -> std::string_view { return d.cases[i].id; });
  for (const auto [i, earlier] : repeated) {
    const Case& first = d.cases[earlier];
    const std::uint32_t f = d.cases[i].source_file, of = first.source_file;
    const std::string where = of == f ? fmt::format("line {}", first.source_line)
                                      : fmt::format("{}:{}", d.files[of], first.source_line);
    const InputError e(Location{d.files[f], d.cases[i].source_line, 0, "id"},
                       fmt::format("duplicate id '{}' (first used at {}); ids must be unique",
                                   d.cases[i].id, where));
    if (problems == nullptr) throw e;
    problems->add(e);
  }
  d.hash = paths.size() == 1 ? hashes : content_hash(hashes);
  return d;
}

}  // namespace qb
