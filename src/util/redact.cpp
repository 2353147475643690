#include "qualbar/util/redact.hpp"

#include <algorithm>

namespace qb {

bool Redactor::add(std::string secret) {
  if (secret.size() < kMinSecretBytes) return false;
  if (std::find(secrets_.begin(), secrets_.end(), secret) != secrets_.end()) return true;
  secrets_.push_back(std::move(secret));
  std::stable_sort(secrets_.begin(), secrets_.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  return true;
}

void Redactor::apply(std::string& text) const {
  for (const std::string& secret : secrets_) {
    std::size_t at = text.find(secret);
    if (at == std::string::npos) continue;
    std::string out;
    out.reserve(text.size());
    std::size_t from = 0;
    for (; at != std::string::npos; at = text.find(secret, from)) {
      out.append(text, from, at - from);
      out += "[redacted]";
      from = at + secret.size();
    }
    out.append(text, from);
    text = std::move(out);
  }
}

}  // namespace qb
