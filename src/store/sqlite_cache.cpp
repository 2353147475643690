// The response cache of the SQLite store: answers by request key.
#include "store/sqlite_stores.hpp"

#include "qualbar/io/dataset.hpp"

namespace qb::detail {

SqliteCache::~SqliteCache() = default;

std::optional<std::string> SqliteCache::get(const std::string& key) {
  if (!get_) get_ = std::make_unique<Statement>(c_, "SELECT response_json FROM response_cache WHERE key = ?");
  get_->bind(1, key);
  std::optional<std::string> out;
  if (get_->step()) out = get_->text(0);
  get_->reset();
  return out;
}

void SqliteCache::put(std::span<const CacheEntry> entries) {
  if (entries.empty()) return;
  SqliteConnection::Transaction tx(c_);
  if (!put_) {
    put_ = std::make_unique<Statement>(
        c_,
        "INSERT OR REPLACE INTO response_cache (key, response_json, created_at) VALUES "
        "(?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))");
  }
  for (const auto& e : entries) {
    put_->bind(1, e.key).bind(2, response_to_json(*e.response));
    put_->run();
  }
  tx.commit();
}

}  // namespace qb::detail
