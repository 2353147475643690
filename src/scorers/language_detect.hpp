#pragma once
// Which language a text is in, by Compact Language Detector 2 (Debian's libcld2): the main
// language, its share of the text, the second language, and whether the detector is sure.

#include <string>
#include <string_view>
#include <vector>

namespace qb::detail {

struct LanguageGuess {
  std::string code;         // ISO 639-1 where there is one ("en", "de", "zh", "zh-Hant"); "un" unknown
  int percent = 0;          // of the text's letters in `code`
  std::string second;       // the next language ("un" when none)
  int second_percent = 0;
  bool reliable = false;    // the detector's own verdict (enough text, a clear winner)
  int text_bytes = 0;       // letters the detector looked at
};

// `hint` (a language code, "" = none) tips the balance between statistically close languages
// (Spanish and Galician, Malay and Indonesian) towards the one expected.
LanguageGuess detect_language(std::string_view text, std::string_view hint = {});

// Two codes of one set of statistically close languages (es/gl, ms/id, bs/hr/sr, ...).
bool close_languages(std::string_view a, std::string_view b);

// The languages of a text sentence by sentence (CLD2 on a whole text lets the longer language
// swallow a short passage in another): bytes per language, most first, over the sentences whose
// language could be told.
struct LanguageShare {
  std::string code;  // primary subtag
  std::size_t bytes = 0;
  std::string example;  // the first sentence in that language, for evidence
};
std::vector<LanguageShare> sentence_languages(std::string_view text);

// "pt-BR" → "pt", "zh-Hant" → "zh", case folded: languages compare on their primary subtag.
std::string primary_language(std::string_view code);

}  // namespace qb::detail
