#include "qualbar/providers/prompt.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include "qualbar/util/text.hpp"

namespace qb {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

[[noreturn]] void missing(const Case& c, const std::string& what) {
  throw InputError(fmt::format(
      "case '{}' (dataset line {}): the prompt template uses {{{{{}}}}} but the case has no {}",
      c.id, c.source_line, what, what == "reference" || what == "expected_label"
                                     ? what
                                     : fmt::format("metadata key '{}'", what.substr(9))));
}

}  // namespace

PromptTemplate::PromptTemplate(std::string_view text, const Location& where) : text_(text) {
  static const std::vector<std::pair<std::string_view, Field>> kFields = {
      {"input", Field::input},       {"contexts", Field::contexts},
      {"reference", Field::reference}, {"expected_label", Field::expected_label},
      {"id", Field::id},             {"category", Field::category},
      {"language", Field::language}};
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      parts_.push_back({Field::literal, std::string(text.substr(pos))});
      break;
    }
    if (open > pos) parts_.push_back({Field::literal, std::string(text.substr(pos, open - pos))});
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      throw InputError(where, fmt::format("'{{{{' at character {} is never closed with '}}}}'",
                                          open + 1));
    }
    const std::string_view name = trim(text.substr(open + 2, close - open - 2));
    Part part;
    bool known = false;
    for (const auto& [n, f] : kFields) {
      if (name == n) {
        part.field = f;
        known = true;
      }
    }
    if (!known && name.starts_with("metadata.") && name.size() > 9) {
      part.field = Field::metadata;
      part.text = std::string(name.substr(9));
      known = true;
    }
    if (!known) {
      throw InputError(
          where, fmt::format("unknown placeholder {{{{{}}}}}; known: {{{{input}}}}, "
                             "{{{{contexts}}}}, {{{{reference}}}}, {{{{expected_label}}}}, "
                             "{{{{id}}}}, {{{{category}}}}, {{{{language}}}}, {{{{metadata.KEY}}}}",
                             name));
    }
    parts_.push_back(std::move(part));
    pos = close + 2;
  }
}

std::string PromptTemplate::render(const Case& c) const {
  std::string out;
  out.reserve(text_.size() + c.input.size());
  for (const auto& p : parts_) {
    switch (p.field) {
      case Field::literal:
        out += p.text;
        break;
      case Field::input:
        out += c.input;
        break;
      case Field::contexts: {
        const std::vector<Context>& contexts = c.details().contexts;
        for (std::size_t i = 0; i < contexts.size(); ++i) {
          if (i > 0) out += "\n\n";
          if (!contexts[i].id.empty()) out += fmt::format("[{}] ", contexts[i].id);
          out += contexts[i].text;
        }
        break;
      }
      case Field::reference:
        if (!c.reference) missing(c, "reference");
        out += *c.reference;
        break;
      case Field::expected_label:
        if (!c.expected_label) missing(c, "expected_label");
        out += *c.expected_label;
        break;
      case Field::id:
        out += c.id;
        break;
      case Field::category:
        out += c.category;
        break;
      case Field::language:
        out += c.language;
        break;
      case Field::metadata: {
        if (c.details().metadata_json.empty()) missing(c, "metadata." + p.text);
        const auto meta = nlohmann::json::parse(c.details().metadata_json);
        const auto it = meta.find(p.text);
        if (it == meta.end()) missing(c, "metadata." + p.text);
        out += it->is_string() ? it->get<std::string>() : it->dump();
        break;
      }
    }
  }
  return out;
}

std::vector<Message> build_messages(const Case& c, const std::optional<PromptTemplate>& system,
                                    const std::optional<PromptTemplate>& user) {
  std::vector<Message> out;
  if (const std::vector<Message>& messages = c.details().messages; !messages.empty()) {
    if (system && messages.front().role != "system") out.push_back({"system", system->render(c)});
    out.insert(out.end(), messages.begin(), messages.end());
    return out;
  }
  if (system) out.push_back({"system", system->render(c)});
  out.push_back({"user", user ? user->render(c) : c.input});
  return out;
}

std::optional<double> verbalized_confidence(std::string_view text) {
  static const RE2 re(
      R"((?i)confiden(?:ce|t)(?:\s+(?:score|level|rating))?\s*(?:[:=]|is|of)?\s*(\d+(?:\.\d+)?)\s*(%|(?:/|out\s+of)\s*(\d+(?:\.\d+)?))?)");
  re2::StringPiece input(text.data(), text.size());
  std::string number, suffix, denominator;
  std::optional<double> last;
  while (RE2::FindAndConsume(&input, re, &number, &suffix, &denominator)) {
    double v = std::stod(number);
    if (!suffix.empty() && suffix[0] == '%') {
      v /= 100.0;
    } else if (!denominator.empty()) {
      const double d = std::stod(denominator);
      v = d > 0 ? v / d : -1.0;
    } else if (v > 1.0 && v <= 100.0) {
      v /= 100.0;
    }
    last = v >= 0.0 && v <= 1.0 ? std::optional<double>(v) : std::nullopt;
  }
  return last;
}

}  // namespace qb
