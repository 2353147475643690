#include "qualbar/store/store.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>

#include <fmt/format.h>

#include "qualbar/core/error.hpp"
#include "qualbar/store/store_registry.hpp"

namespace qb {

Registry<StoreEntry>& store_registry() {
  static Registry<StoreEntry> registry("store");
  return registry;
}

std::unique_ptr<Store> open_store(const std::string& path, StoreAccess access) {
  // The scheme picks the store kind ("postgresql://..."); a plain path is SQLite.
  const auto colon = path.find("://");
  const std::string kind = colon == std::string::npos ? "sqlite" : path.substr(0, colon);
  if (kind == "sqlite" && access == StoreAccess::existing && !std::filesystem::exists(path)) {
    throw InputError(
        fmt::format("there is no store at '{}': run `qualbar run SUITE{}` first, or name the store "
                    "with --store",
                    path, store_flag_hint(path)));
  }
  return store_registry().get(kind).open(path);
}

std::size_t StoredRun::n_answered() const {
  std::size_t n = 0;
  for (const char a : answered) n += a != 0 ? 1 : 0;
  return n;
}

std::string store_flag_hint(const std::string& path) {
  return path == kDefaultStorePath ? std::string() : fmt::format(" --store {}", path);
}

std::string resolve_store_path(const std::string& flag, const std::string& suite_store) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("QUALBAR_STORE"); env != nullptr && *env != '\0') return env;
  if (!suite_store.empty()) return suite_store;
  return kDefaultStorePath;
}

std::string new_run_id() {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const std::time_t t = system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  std::random_device rd;
  return fmt::format("r-{}-{:04x}", buf, rd() & 0xffffu);
}

}  // namespace qb
