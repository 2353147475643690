#pragma once
// Answers kept for reuse: the same request (its endpoint and full body, hashed into a key) gets
// the same answer without a call. The system's answers (when its provider allows it) and the
// judge's grades are kept here; errors never are. A store implements it (store/store.hpp), so the
// providers and the judge need no store of their own.

#include <optional>
#include <span>
#include <string>

#include "qualbar/core/response.hpp"

namespace qb {

// One answer to keep under its request's key.
struct CacheEntry {
  std::string key;
  const Response* response = nullptr;
};

class ResponseCache {
 public:
  virtual ~ResponseCache() = default;
  // The answer kept for `key`, as a responses-format JSON line.
  [[nodiscard]] virtual std::optional<std::string> get(const std::string& key) = 0;
  // Keeps answers (a key kept before gets the new answer), all or none.
  virtual void put(std::span<const CacheEntry> entries) = 0;
};

}  // namespace qb
