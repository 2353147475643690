#pragma once
// Recorded judge grades (the suite's `judge.grades` file): replies a judge gave before — in an
// earlier run, or in a team's own judging pipeline — one JSON object a line:
//
//   {"dimension": "helpful", "id": "sup-001", "output": "<the answer graded>",
//    "verdict": "pass", "reason": "states the refund window"}
//
// A reply stands for the answer it was given to only: the same dimension, the same case id and the
// same output, byte for byte (another answer to the case is another thing to grade). The line's
// other fields are the judge's reply, read as if the judge had just sent them, so a recorded reply
// that is not a grade is counted as ungraded like any other.

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

namespace qb {

class RecordedGrades {
 public:
  // Reads `path`, named `shown_as` in messages; a bad line is an InputError naming file:line:field.
  static RecordedGrades load(const std::string& path, const std::string& shown_as);

  // The recorded reply (a JSON object's text) to this answer, or nullptr.
  [[nodiscard]] const std::string* find(std::string_view dimension, std::string_view case_id,
                                        std::string_view output) const;
  [[nodiscard]] std::size_t size() const { return replies_.size(); }
  [[nodiscard]] const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::unordered_map<std::string, std::string> replies_;  // dimension, id, output → reply
};

}  // namespace qb
