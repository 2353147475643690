// The family of a model id, for the judge check's self-preference flag.
#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "qualbar/review/judge_check.hpp"

namespace qb::review {

namespace {

// Words in a model id that name a host, vendor or region rather than the model
// ("us.anthropic.claude-3-5-sonnet-v1:0", "ft:gpt-4o-mini:org::id"; a path's last part only).
bool vendor_word(std::string_view w) {
  static constexpr std::array<std::string_view, 12> kWords = {
      "us",        "eu",   "apac",   "global", "ft",    "openai",
      "anthropic", "meta", "google", "amazon", "azure", "mistralai"};
  return std::find(kWords.begin(), kWords.end(), w) != kWords.end();
}

// Families whose models go by more than one name.
std::string alias(std::string family) {
  if (family == "chatgpt" || family == "o") return "gpt";  // o1, o3, o4-mini: OpenAI's reasoners
  if (family == "mixtral" || family == "codestral" || family == "ministral") return "mistral";
  if (family == "codellama") return "llama";
  return family;
}

}  // namespace

std::string model_family(const std::string& model) {
  const std::size_t slash = model.find_last_of('/');  // "meta-llama/Llama-3-70b": the model part
  std::vector<std::string> words;
  std::string word;
  bool letters = true;  // still in the word's leading letters: "llama3" → "llama", "o3" → "o"
  for (std::size_t i = slash == std::string::npos ? 0 : slash + 1; i <= model.size(); ++i) {
    const auto ch = i < model.size() ? static_cast<unsigned char>(model[i]) : '\0';
    if (std::isalnum(ch) == 0) {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
      letters = true;
    } else if (letters && std::isalpha(ch) != 0) {
      word.push_back(static_cast<char>(std::tolower(ch)));
    } else {
      letters = false;
    }
  }
  for (const std::string& w : words)
    if (!vendor_word(w)) return alias(w);
  return words.empty() ? "" : alias(words.front());
}

}  // namespace qb::review
