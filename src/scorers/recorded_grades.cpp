#include "qualbar/scorers/recorded_grades.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "io/jsonl.hpp"

namespace qb {
namespace {

std::string key_of(std::string_view dimension, std::string_view case_id, std::string_view output) {
  std::string key;
  key.reserve(dimension.size() + case_id.size() + output.size() + 2);
  key.append(dimension).append(1, '\n').append(case_id).append(1, '\n').append(output);
  return key;
}

}  // namespace

RecordedGrades RecordedGrades::load(const std::string& path, const std::string& shown_as) {
  RecordedGrades out;
  out.file_ = shown_as;
  std::unordered_map<std::string, int> first_line;
  const auto text = detail::PaddedText::load(path);
  detail::for_each_jsonl_object(text, shown_as, [&](detail::JsonObject o, std::string_view, int n) {
    const auto need = [&](const char* field, const char* what) {
      detail::JsonValue v;
      if (o[field].get(v) != simdjson::SUCCESS || v.is_null())
        detail::field_error(shown_as, n, field, fmt::format("is required: {}", what));
      return detail::get_string(v, shown_as, n, field);
    };
    const std::string dimension = need("dimension", "the dimension the judge graded");
    const std::string id = need("id", "the case id of the answer graded");
    const std::string output =
        need("output",
             "the answer graded, exactly as the system gave it (a grade stands for "
             "that answer only)");
    nlohmann::json reply = nlohmann::json::object();
    for (const auto field : o) {
      if (field.key == "dimension" || field.key == "id" || field.key == "output") continue;
      reply[std::string(field.key)] = nlohmann::json::parse(detail::raw_json(field.value));
    }
    if (reply.empty()) {
      detail::field_error(shown_as, n, "verdict",
                          "the line has no reply: give the judge's answer beside dimension, id "
                          "and output, e.g. \"verdict\": \"pass\", \"reason\": \"…\" (or "
                          "\"score\": 4 on a judge-scale dimension)");
    }
    std::string key = key_of(dimension, id, output);
    if (const auto [it, fresh] = first_line.emplace(key, n); !fresh) {
      detail::field_error(shown_as, n, "output",
                          fmt::format("a second grade of the same answer to case '{}' on '{}' "
                                      "(first at line {}); keep one",
                                      id, dimension, it->second));
    }
    out.replies_.emplace(std::move(key), reply.dump());
  });
  return out;
}

const std::string* RecordedGrades::find(std::string_view dimension, std::string_view case_id,
                                        std::string_view output) const {
  const auto it = replies_.find(key_of(dimension, case_id, output));
  return it == replies_.end() ? nullptr : &it->second;
}

}  // namespace qb
