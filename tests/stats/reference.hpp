#pragma once
// Shared by the statistics tests: the committed reference fixtures (tests/reference/*.json,
// written by make_*_reference.py with SciPy, statsmodels, scikit-learn and NumPy) and the
// comparison the tests use when the method is the same as the library's.

#include <cmath>
#include <fstream>
#include <iomanip>
#include <map>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace qb::stats::test {

// The parsed fixture tests/reference/<file>, read once.
inline const nlohmann::json& reference(const std::string& file) {
  static std::map<std::string, nlohmann::json> cache;
  auto it = cache.find(file);
  if (it != cache.end()) return it->second;
  const std::string path = std::string(QB_REFERENCE_DIR) + "/" + file;
  std::ifstream in(path);
  if (!in)
    throw std::runtime_error("cannot open " + path +
                             "; run its make_*_reference.py with /usr/bin/python3");
  return cache.emplace(file, nlohmann::json::parse(in)).first->second;
}

// 1e-9 relative (or `relative`), or 1e-12 absolute near zero. A null reference value means NaN.
inline ::testing::AssertionResult close_to(double actual, const nlohmann::json& expected,
                                           double relative = 1e-9) {
  if (expected.is_null()) {
    if (std::isnan(actual)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "got " << actual << ", want NaN";
  }
  const double want = expected.get<double>();
  const double diff = std::fabs(actual - want);
  if (diff <= 1e-12 || diff <= relative * std::fabs(want)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << std::setprecision(17) << "got " << actual << ", want "
                                       << want << " (difference " << diff << ")";
}

}  // namespace qb::stats::test
