#pragma once
// Secrets (API keys, header values from the environment) are replaced by "[redacted]" in every
// text qualbar keeps or prints that came from an endpoint. Redaction runs on the whole text,
// before any excerpt is cut from it, so no part of a key survives a truncation.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace qb {

class Redactor {
 public:
  // Shorter secrets cannot be told from ordinary text ("EMPTY", "x"): they are not redacted,
  // and the caller warns that such a key is treated as a placeholder.
  static constexpr std::size_t kMinSecretBytes = 8;

  // Adds a secret; false (and nothing added) when it is shorter than kMinSecretBytes.
  bool add(std::string secret);
  [[nodiscard]] bool empty() const { return secrets_.empty(); }

  // Every occurrence of every secret replaced by "[redacted]".
  void apply(std::string& text) const;
  [[nodiscard]] std::string operator()(std::string text) const {
    apply(text);
    return text;
  }

 private:
  std::vector<std::string> secrets_;  // longest first, so a secret inside another goes too
};

}  // namespace qb
