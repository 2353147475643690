#include "qualbar/providers/provider.hpp"

namespace qb {

Registry<ProviderEntry>& provider_registry() {
  static Registry<ProviderEntry> registry("provider");
  return registry;
}

}  // namespace qb
