#pragma once
// A case: one test input of a dataset, in native types (parsed once at the edge, see
// io/dataset.hpp).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "qualbar/core/owned_copy.hpp"
#include "qualbar/core/shared_text.hpp"

namespace qb {

class Scorer;

struct Context {
  std::string id;
  std::string text;
};

struct Message {
  std::string role;
  std::string content;
};

// One behavioural check of a case's `assert` list: a registered scorer and its arguments. Parsed
// with the dataset, compiled by bind_cases (bind/bind.hpp), so a bad check is reported at its line.
struct Assertion {
  std::string type;       // as written: a scorer name, optionally prefixed "not-"
  std::string args_json;  // the check as written, less its "type" (a JSON object)
  std::size_t index = 0;  // its place in the case's list (assert[index]), for messages
  // Set by bind_cases:
  bool negated = false;  // "not-<scorer>": passes when the scorer fails
  double threshold =
      1.0;  // a graded scorer passes at value >= threshold (its `threshold` argument)
  std::shared_ptr<const Scorer> scorer;
};

// The fields most cases leave empty, kept out of line (Case::details) so that a million plain
// cases stay small: a Case is 144 bytes with them out of line, 312 with them in it.
struct CaseDetails {
  std::vector<Message> messages;  // set when `input` was a list of messages
  std::vector<Context> contexts;
  std::vector<std::string> tags;
  std::vector<Assertion> asserts;
  std::optional<std::string> tests;
  // The `metadata` object merged with any unknown top-level fields, minified JSON; "" when empty.
  std::string metadata_json;
  std::optional<bool> should_refuse;
};

struct Case {
  std::string id;
  std::string input;  // the text input, or the last user message of a chat input
  std::optional<std::string> reference;
  // The texts a dataset repeats are shared between its cases (core/shared_text.hpp).
  OptionalSharedText expected_label;
  SharedText category;            // "" when absent
  SharedText language;            // "" when absent
  int source_line = 0;            // line in its dataset file, for messages
  std::uint32_t source_file = 0;  // which file of its dataset (Dataset::files)

  // The rarely set fields: read through details() (all empty when none was set), written through
  // edit_details(), which makes them on first use. A copy of the case copies them.
  [[nodiscard]] const CaseDetails& details() const { return details_.get(); }
  CaseDetails& edit_details() { return details_.edit(); }

 private:
  OwnedCopy<CaseDetails> details_;
};

// A case's input as one text, as a person or a judge reads it: `input`, or each message of a chat
// input on a line of its own ("role: content").
std::string input_text(const Case& c);

}  // namespace qb
