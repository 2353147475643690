#pragma once
// Unicode-aware text helpers shared by the scorers (utf8proc underneath).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qb {

// An ASCII letter or digit.
inline bool is_ascii_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// The parts of a comma-separated list ("a, b,,c"), each without the spaces around it; empty
// parts are dropped.
std::vector<std::string> comma_list(std::string_view s);

// A fraction as a percentage with one decimal, "12.3%"; "—" when it is NaN or infinite.
std::string percent(double fraction);

// A p-value with three significant digits, "0.0312"; "—" when it is NaN.
std::string p_value_text(double p);

// A number with `decimals` decimals, "0.77"; "—" when it is NaN or infinite. A value that rounds
// to zero is "0.00", never "-0.00" (a kappa of −1e-17 is no agreement, not less than none).
std::string fixed_text(double value, int decimals);

// The same with its sign always shown, "+1.5" or "-1.5"; a value that rounds to zero is "+0.0",
// never "-0.0".
std::string signed_text(double value, int decimals);

// The decimals that tell apart the edges of `parts` equal parts of [0, 1]: the fewest, at least
// one, with 10^d >= parts. Edges i/parts more than 10^−d apart round to different numbers: 10
// bins read "0.4–0.5", 15 bins "0.47–0.53" (not "0.5–0.5"), 100 bins "0.47–0.48".
int decimals_for_parts(std::size_t parts);

// Byte offset of the first invalid UTF-8 sequence, or nullopt when the text is valid.
std::optional<std::size_t> find_invalid_utf8(std::string_view text);

// The text with every invalid UTF-8 sequence replaced by U+FFFD.
std::string to_valid_utf8(std::string_view text);

// Text from data made safe to show: valid UTF-8, with every control character (C0 but line
// feed and tab, DEL, C1 — so no escape or OSC sequence reaches a terminal) and every
// bidirectional control (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C, which reorder
// what a reader sees) replaced by U+FFFD.
std::string display_text(std::string_view text);
// The length in bytes of a C1 control or a bidirectional control that starts at text[i] (valid
// UTF-8), 0 when none does: for escapers that keep the rest of the text as it is.
std::size_t hidden_control_at(std::string_view text, std::size_t i);

struct NormalizeOptions {
  bool casefold = true;
  bool strip_punctuation = true;
  bool strip_accents = false;
};

// NFKC, then optional case folding, punctuation removal and accent stripping; runs of white space
// become one space and the ends are trimmed. ASCII input takes a fast path with the same result.
std::string normalize_text(std::string_view text, const NormalizeOptions& options = {});
// normalize_text(a) == normalize_text(b), without allocating per call (a scorer's hot path).
bool normalized_equal(std::string_view a, std::string_view b, const NormalizeOptions& options = {});

// Unicode case folding only (no other normalisation): white space and punctuation are kept.
std::string casefold(std::string_view text);

// A character of a script written without spaces between words (Chinese, Japanese kana, Thai,
// Lao, Myanmar, Khmer): each is a word token of its own.
bool is_unspaced_script(char32_t cp);

// Word tokens of normalised text: runs of letters, marks and digits; every CJK ideograph, kana
// and other unspaced-script character is a token of its own.
std::vector<std::string_view> word_tokens(std::string_view normalized);

// SQuAD-style token F1 between two texts (each normalised first). Both empty: 1. One empty: 0.
double token_f1(std::string_view prediction, std::string_view reference);

// Shortens to at most `max_bytes` on a UTF-8 boundary, adding "…" when cut. For evidence.
std::string excerpt(std::string_view text, std::size_t max_bytes = 120);

// Code points in UTF-8 text (bytes that do not continue a character): a length as people count
// it, for terminal columns, lengths and limits.
std::size_t code_points(std::string_view text);

// Terminal columns of text that may carry colour: code points, not counting SGR escape sequences
// ("\033[...m", which only qualbar's own styling puts there).
std::size_t visible_width(std::string_view text);

// Text broken into lines of at most `width` columns (0: no limit) at spaces, a word longer than
// the width cut where it must be; a run of spaces within a line is kept (aligned columns stay
// aligned) and dropped where the line breaks. Colour stays right: a line ending inside a coloured span is
// reset, and the next line opens it again.
std::vector<std::string> wrap_words(std::string_view text, std::size_t width);

// Whether a long word may be cut right after `c` ('=', '/', '-', ',' or ':'): where it breaks by
// itself (category=, a/b, refund-).
bool breaks_after(char c);

// A word wider than `width` (no escapes in it) in pieces that fit, as wrap_words cuts it: each
// piece after the last breaks_after character that leaves it at least a third full, else at the
// width itself (an "unnatural" cut, in the middle of a name or a number).
std::vector<std::string_view> cut_word(std::string_view word, std::size_t width);

}  // namespace qb
