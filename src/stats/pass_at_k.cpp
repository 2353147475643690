#include "qualbar/stats/pass_at_k.hpp"

#include <cmath>

namespace qb::stats {

PassAtK pass_at_k(std::size_t n, std::size_t c, std::size_t k) {
  if (k == 0) return {kNaN, "k is 0: pass@k needs k >= 1"};
  if (c > n) return {kNaN, "more correct samples than samples (c > n)"};
  if (n < k) return {kNaN, "fewer samples than k (n < k): pass@k is not defined"};
  if (n - c < k) return {1.0, {}};  // every draw of k samples contains a correct one
  if (c == 0) return {0.0, {}};
  const auto nn = static_cast<double>(n);
  double log_fail = 0.0;  // log of C(n − c, k) / C(n, k)
  if (c <= k) {
    const auto kk = static_cast<double>(k);
    for (std::size_t i = n - c + 1; i <= n; ++i)
      log_fail += std::log1p(-kk / static_cast<double>(i));
  } else {
    const auto cc = static_cast<double>(c);
    for (std::size_t j = 0; j < k; ++j) log_fail += std::log1p(-cc / (nn - static_cast<double>(j)));
  }
  return {-std::expm1(log_fail), {}};
}

PassAtK mean_pass_at_k(std::span<const std::size_t> n, std::span<const std::size_t> c,
                       std::size_t k) {
  if (n.size() != c.size()) return {kNaN, "n and c have different lengths"};
  if (n.empty()) return {kNaN, "no problems"};
  double sum = 0.0;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const PassAtK one = pass_at_k(n[i], c[i], k);
    if (!one.reason.empty()) return one;
    sum += one.value;
  }
  return {sum / static_cast<double>(n.size()), {}};
}

}  // namespace qb::stats
