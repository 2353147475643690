#pragma once
// Safety rule packs (data/safety/*.yaml): parsed and compiled once, then scanned over a response's
// output for personal data and secrets; every violation is reported with its span, masked. The
// checksum validators a rule may name are in safety_validators.hpp.
// Internal to src/scorers: the safety, pii and secrets scorers share it.

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <re2/re2.h>

#include "scorers/pattern_prefilter.hpp"
#include "scorers/safety_validators.hpp"

namespace qb::detail {

enum class MaskStyle {
  last4,   // every letter and digit but the last 4 (fewer for short values) becomes *
  email,   // first character of the user part, ***, then @domain
  secret,  // at most the first 4 characters (a quarter of a short value), then ***
};

// Words near a match. Whole words ignoring case; a word in capitals matches capitals only; a
// trailing * matches any word starting so.
struct WordList {
  struct Word {
    std::unique_ptr<re2::RE2> re;
    bool check_start = false;  // starts with an ASCII letter or digit: needs a word boundary
    bool check_end = false;
  };
  std::vector<Word> words;
  [[nodiscard]] bool empty() const { return words.empty(); }
};

struct SafetyRule {
  std::string id;
  std::string description;
  std::string pack;
  std::unique_ptr<re2::RE2> pattern;       // reported on its own (may be null)
  std::unique_ptr<re2::RE2> weak_pattern;  // reported only near a context word (may be null)
  WordList context;
  std::size_t context_window = 60;  // characters on each side
  WordList ignore_after;
  std::unique_ptr<re2::RE2> ignore;         // a match whose text contains this is not reported
  std::unique_ptr<re2::RE2> ignore_inside;  // a match inside a match of this is not reported
  std::string validator_name;
  Validator validator = nullptr;
  MaskStyle mask = MaskStyle::last4;
};

struct SafetyPack {
  std::string name;  // the file name without .yaml: "pii"
  std::string file;  // "data/safety/pii.yaml", for messages
  std::string description;
  std::vector<SafetyRule> rules;
};

struct Violation {
  std::string rule;
  std::size_t begin = 0;  // byte offsets into the text, end excluded
  std::size_t end = 0;
  std::string masked;
};

// Parses and compiles one pack. Any problem is an InputError naming `file`, line and column.
SafetyPack parse_safety_pack(std::string name, std::string file, std::string_view yaml);

// The packs built into this qualbar (data/safety/*.yaml), parsed on first use, in name order.
const std::vector<SafetyPack>& safety_packs();

// Every violation of `rules` in `text`, in text order. Overlapping matches of different rules are
// reported once: the longer match, then the rule listed first.
std::vector<Violation> scan_safety(std::string_view text, std::span<const SafetyRule* const> rules);

// The same, for one fixed list of rules scanned many times (a scorer's): one pass of a
// PatternPrefilter over every pattern first, so a text none of them matches (most answers) costs
// that pass alone, and only the rules whose patterns matched are searched for their positions.
// Scanners of built-in rules share one pass over every built-in pattern, and an output scanned by
// several of them (pii, then secrets) is passed over once.
class SafetyScanner {
 public:
  explicit SafetyScanner(std::vector<const SafetyRule*> rules);
  ~SafetyScanner();
  SafetyScanner(SafetyScanner&&) noexcept;
  SafetyScanner& operator=(SafetyScanner&&) noexcept;
  [[nodiscard]] std::vector<Violation> scan(std::string_view text) const;
  [[nodiscard]] const std::vector<const SafetyRule*>& rules() const { return rules_; }
  // Whether this scanner uses the pass shared by the built-in rules (tests).
  [[nodiscard]] bool shares_the_built_in_pass() const { return !own_.has_value(); }

 private:
  std::vector<const SafetyRule*> rules_;
  std::vector<std::pair<std::size_t, bool>> of_;  // pattern index → (rule, weak pattern)
  std::vector<int> from_shared_;  // the shared pass's pattern index → this scanner's, or -1
  std::optional<PatternPrefilter> own_;  // when a rule is not built in
};

// Every occurrence of each canary in `text`, ignoring case, as violations of rule "canary".
std::vector<Violation> find_canaries(std::string_view text, std::span<const std::string> canaries);

// The text as evidence may show it.
std::string mask(std::string_view text, MaskStyle style);

}  // namespace qb::detail
