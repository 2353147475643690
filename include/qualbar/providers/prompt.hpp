#pragma once
// What a model is sent for a case: a prompt template filled from the case, or the case's own chat
// messages passed through; and a confidence the model stated in words.
//
// Placeholders: {{input}}, {{contexts}} (each context as "[id] text", separated by blank lines),
// {{reference}}, {{expected_label}}, {{id}}, {{category}}, {{language}}, {{metadata.KEY}} (a text
// value as is, anything else as JSON). Spaces inside the braces are allowed. A case that lacks a
// reference, an expected label or a metadata key its template names is an input error (a prompt
// with a silent hole measures the wrong thing); contexts, category and language render empty.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qualbar/core/case.hpp"
#include "qualbar/core/error.hpp"

namespace qb {

class PromptTemplate {
 public:
  // Parses the template; throws InputError at `where` for an unknown placeholder or an unclosed
  // "{{".
  PromptTemplate(std::string_view text, const Location& where);

  // The text for a case; throws InputError naming the case when a field it needs is missing.
  [[nodiscard]] std::string render(const Case& c) const;

  [[nodiscard]] const std::string& text() const { return text_; }

 private:
  enum class Field { literal, input, contexts, reference, expected_label, id, category, language,
                     metadata };
  struct Part {
    Field field = Field::literal;
    std::string text;  // the literal, or the metadata key
  };
  std::string text_;
  std::vector<Part> parts_;
};

// The chat messages for a case. A chat input (`input` given as messages) is passed through as
// written, with the system prompt put first when the conversation has none; a text input becomes
// the system prompt (if any) and one user message rendered from `user` ({{input}} by default).
std::vector<Message> build_messages(const Case& c, const std::optional<PromptTemplate>& system,
                                    const std::optional<PromptTemplate>& user);

// A confidence stated in the text: "Confidence: 0.85", "confidence 85%", "confidence: 4/5",
// "Confidence level = 7 out of 10". The last one stated wins; a bare number above 1 (up to 100)
// is read as a percentage. nullopt when the text states none or the value is outside [0, 1].
std::optional<double> verbalized_confidence(std::string_view text);

}  // namespace qb
