#include "qualbar/metrics/analysis.hpp"

namespace qb {

Registry<AnalysisEntry>& analysis_registry() {
  static Registry<AnalysisEntry> registry("analysis");
  return registry;
}

}  // namespace qb
