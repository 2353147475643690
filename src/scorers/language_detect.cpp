#include "scorers/language_detect.hpp"

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

#include <malloc.h>

#include <algorithm>
#include <cctype>

namespace CLD2 {
// From internal/lang_script.h (exported by libcld2; the header drags in internal types).
const char* LanguageCode(Language lang);
Language GetLanguageFromName(const char* src);
int LanguageCloseSet(Language lang);
}  // namespace CLD2

namespace qb::detail {

namespace {

// CLD2 allocates and frees its scoring buffers (a few hundred KB) on every call. glibc gives the
// top of the heap back to the system on each such free, so every call cost two brk system calls
// and fresh pages: 6× the time of a monitor ingest that detects languages, mostly in the kernel.
// Keeping up to 64 MiB of free heap makes them reuse the same memory.
void keep_heap_top() {
  static const bool done = [] {
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_TOP_PAD, 1 << 20);
    return true;
  }();
  (void)done;
}

}  // namespace

LanguageGuess detect_language(std::string_view text, std::string_view hint) {
  keep_heap_top();
  CLD2::Language language3[3];
  int percent3[3] = {0, 0, 0};
  double scores3[3] = {0, 0, 0};
  int text_bytes = 0;
  bool reliable = false;
  int valid_prefix = 0;
  const std::string hint_code(hint);
  const CLD2::CLDHints hints{nullptr, nullptr, CLD2::UNKNOWN_ENCODING,
                             hint.empty() ? CLD2::UNKNOWN_LANGUAGE
                                          : CLD2::GetLanguageFromName(hint_code.c_str())};
  const CLD2::Language top = CLD2::ExtDetectLanguageSummaryCheckUTF8(
      text.data(), static_cast<int>(text.size()), /*is_plain_text=*/true, &hints, /*flags=*/0,
      language3, percent3, scores3, /*resultchunkvector=*/nullptr, &text_bytes, &reliable,
      &valid_prefix);
  LanguageGuess g;
  g.code = CLD2::LanguageCode(top);
  g.percent = percent3[0];
  g.second = CLD2::LanguageCode(language3[1]);
  g.second_percent = percent3[1];
  g.reliable = reliable;
  g.text_bytes = text_bytes;
  return g;
}

std::vector<LanguageShare> sentence_languages(std::string_view text) {
  std::vector<LanguageShare> out;
  const auto add = [&](std::string_view sentence) {
    std::size_t letters = 0;
    for (const char ch : sentence) letters += (static_cast<unsigned char>(ch) >= 0x80 ||
                                               std::isalpha(static_cast<unsigned char>(ch)))
                                                  ? 1
                                                  : 0;
    if (letters < 12) return;  // too short for any detector to tell
    const LanguageGuess g = detect_language(sentence);
    if (g.code == "un" || !g.reliable) return;
    const std::string code = primary_language(g.code);
    for (auto& share : out) {
      if (close_languages(share.code, code)) {
        share.bytes += sentence.size();
        return;
      }
    }
    out.push_back({code, sentence.size(), std::string(sentence)});
  };
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    bool end = ch == '.' || ch == '!' || ch == '?' || ch == '\n';
    // 。！？ (U+3002, U+FF01, U+FF1F) end a sentence too.
    if (!end && i + 2 < text.size() && static_cast<unsigned char>(ch) == 0xE3 &&
        static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        static_cast<unsigned char>(text[i + 2]) == 0x82)
      end = true, i += 2;
    if (!end && i + 2 < text.size() && static_cast<unsigned char>(ch) == 0xEF &&
        static_cast<unsigned char>(text[i + 1]) == 0xBC &&
        (static_cast<unsigned char>(text[i + 2]) == 0x81 ||
         static_cast<unsigned char>(text[i + 2]) == 0x9F))
      end = true, i += 2;
    if (end) {
      add(text.substr(start, i + 1 - start));
      start = i + 1;
    }
  }
  if (start < text.size()) add(text.substr(start));
  std::stable_sort(out.begin(), out.end(),
                   [](const LanguageShare& a, const LanguageShare& b) { return a.bytes > b.bytes; });
  return out;
}

bool close_languages(std::string_view a, std::string_view b) {
  if (a == b) return true;
  const std::string x(a), y(b);
  const int set = CLD2::LanguageCloseSet(CLD2::GetLanguageFromName(x.c_str()));
  return set != 0 && set == CLD2::LanguageCloseSet(CLD2::GetLanguageFromName(y.c_str()));
}

std::string primary_language(std::string_view code) {
  std::string out;
  for (const char ch : code) {
    if (ch == '-' || ch == '_') break;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return out;
}

}  // namespace qb::detail
