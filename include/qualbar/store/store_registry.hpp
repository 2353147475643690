#pragma once
// Store kinds register here: "sqlite" for a path, later "postgresql" for a postgresql:// URL.

#include <functional>
#include <memory>
#include <string>

#include "qualbar/core/registry.hpp"
#include "qualbar/store/store.hpp"

namespace qb {

struct StoreEntry {
  std::string name;  // the URL scheme it serves; "sqlite" serves plain paths
  std::string summary;
  std::function<std::unique_ptr<Store>(const std::string&)> open;
};

Registry<StoreEntry>& store_registry();

struct StoreRegistrar {
  explicit StoreRegistrar(StoreEntry e) { store_registry().add(std::move(e)); }
};

}  // namespace qb
