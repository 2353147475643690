// The Kolmogorov–Smirnov null distributions, ported from SciPy 1.10 so that qualbar's p-values
// agree with scipy.stats.ks_2samp (Boost 1.74 has no Kolmogorov–Smirnov distribution):
//  * kstwo_sf: scipy/stats/_ksstats.py (_kolmogn with cdf=False), Simard & L'Ecuyer (2011);
//  * smirnov_sf: scipy/special/cephes/kolmogorov.c (_smirnov), the Smirnov / Birnbaum–Tingey sum.
//    SciPy sums in double-double; here each term is formed from logarithms (see smirnov_sf_impl),
//    which keeps about 10 significant digits for n up to 10⁶;
//  * the exact two-sample probabilities: scipy/stats/_stats_py.py and _stats_pythran.py.
// The branch structure and every cut-off are SciPy's, so both pick the same method everywhere.

#include "ks_distribution.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "qualbar/stats/common.hpp"
#include "qualbar/stats/drift.hpp"

namespace qb::stats {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kE128 = 128;
const double kEP128 = std::ldexp(1.0, kE128);
const double kEM128 = std::ldexp(1.0, -kE128);
constexpr double kCephesMinLog = -7.451332191019412076235e2;  // cephes MINLOG

double clip01(double p) { return std::clamp(p, 0.0, 1.0); }

// log(n! / n^n) by Stirling's series with n·log(n) removed analytically
// (_log_nfactorial_div_n_pow_n).
double log_nfactorial_div_n_pow_n(double n) {
  static constexpr double kStirling[] = {-2.955065359477124183e-2,  6.4102564102564102564e-3,
                                         -1.9175269175269175269e-3, 8.4175084175084175084e-4,
                                         -5.952380952380952381e-4,  7.9365079365079365079e-4,
                                         -2.7777777777777777778e-3, 8.3333333333333333333e-2};
  const double rn = 1.0 / n;
  const double x = rn / n;
  double poly = 0.0;
  for (double c : kStirling) poly = poly * x + c;
  return std::log(n) / 2 - n + std::log(2 * kPi) / 2 + rn * poly;
}

// ---- Durbin's matrix algorithm, as Marsaglia–Tsang–Wang (_kolmogn_DMTW): CDF P(D_n <= d) ------

void mat_mul(const std::vector<double>& a, const std::vector<double>& b, std::vector<double>& out,
             int m) {
  std::fill(out.begin(), out.end(), 0.0);
  for (int i = 0; i < m; ++i) {
    double* row = &out[static_cast<std::size_t>(i) * m];
    for (int k = 0; k < m; ++k) {
      const double aik = a[static_cast<std::size_t>(i) * m + k];
      if (aik == 0.0) continue;
      const double* brow = &b[static_cast<std::size_t>(k) * m];
      for (int j = 0; j < m; ++j) row[j] += aik * brow[j];
    }
  }
}

double kolmogn_dmtw_cdf(std::int64_t n, double d) {
  if (d >= 1.0) return 1.0;
  const double nd = static_cast<double>(n) * d;
  if (nd <= 0.5) return 0.0;
  const int k = static_cast<int>(std::ceil(nd));
  const double h = k - nd;
  const int m = 2 * k - 1;
  const auto mm = static_cast<std::size_t>(m) * m;

  std::vector<double> v(m), w(m);
  double fac = 1.0;
  for (int j = 1; j <= m; ++j) {
    v[j - 1] = 1.0 - std::pow(h, j);
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] *= fac;
  }
  const double tt = std::pow(std::max(2 * h - 1.0, 0.0), m) - 2 * std::pow(h, m);
  v[m - 1] = (1.0 + tt) * fac;

  std::vector<double> H(mm, 0.0);
  for (int i = 1; i < m; ++i)
    for (int r = i - 1; r < m; ++r) H[static_cast<std::size_t>(r) * m + i] = w[r - (i - 1)];
  for (int r = 0; r < m; ++r) H[static_cast<std::size_t>(r) * m] = v[r];
  for (int c = 0; c < m; ++c) H[static_cast<std::size_t>(m - 1) * m + c] = v[m - 1 - c];

  std::vector<double> P(mm, 0.0), tmp(mm);
  for (int i = 0; i < m; ++i) P[static_cast<std::size_t>(i) * m + i] = 1.0;
  std::int64_t nn = n;
  int expnt = 0, h_expnt = 0;
  while (nn > 0) {
    if (nn % 2) {
      mat_mul(P, H, tmp, m);
      P.swap(tmp);
      expnt += h_expnt;
    }
    nn /= 2;
    if (nn == 0) break;  // SciPy squares once more here; the result does not use it
    mat_mul(H, H, tmp, m);
    H.swap(tmp);
    h_expnt *= 2;
    if (std::fabs(H[static_cast<std::size_t>(k - 1) * m + (k - 1)]) > kEP128) {
      for (double& x : H) x /= kEP128;
      h_expnt += kE128;
    }
  }
  double p = P[static_cast<std::size_t>(k - 1) * m + (k - 1)];
  const double dn = static_cast<double>(n);
  for (std::int64_t i = 1; i <= n; ++i) {
    p = static_cast<double>(i) * p / dn;
    if (std::fabs(p) < kEM128) {
      p *= kEP128;
      expnt -= kE128;
    }
  }
  if (expnt != 0) p = std::ldexp(p, expnt);
  return clip01(p);
}

// ---- Pomeranz's recursion (_kolmogn_Pomeranz): CDF P(D_n <= x) --------------------------------

void pomeranz_j1j2(std::int64_t i, std::int64_t n, std::int64_t ll, int ceilf, int roundf,
                   std::int64_t& j1, std::int64_t& j2) {
  std::int64_t a, b;
  if (i == 0) {
    a = -ll - ceilf - 1;
    b = ll + ceilf - 1;
  } else {
    const std::int64_t ip1div2 = (i + 1) / 2, ip1mod2 = (i + 1) % 2;
    if (ip1mod2 == 0) {
      if (ip1div2 == n + 1) {
        a = n - ll - ceilf - 1;
        b = n + ll + ceilf - 1;
      } else {
        a = ip1div2 - 1 - ll - roundf - 1;
        b = ip1div2 + ll - 1 + ceilf - 1;
      }
    } else {
      a = ip1div2 - 1 - ll - 1;
      b = ip1div2 + ll + roundf - 1;
    }
  }
  j1 = std::max<std::int64_t>(a + 2, 0);
  j2 = std::min(b, n);
}

double kolmogn_pomeranz_cdf(std::int64_t n, double x) {
  const double dn = static_cast<double>(n);
  const double t = dn * x;
  const auto ll = static_cast<std::int64_t>(std::floor(t));
  const double f = t - static_cast<double>(ll);
  const double g = std::min(f, 1.0 - f);
  const int ceilf = f > 0 ? 1 : 0;
  const int roundf = f > 0.5 ? 1 : 0;
  const auto npwrs = static_cast<std::size_t>(2 * (ll + 1));
  std::vector<double> gpower(npwrs), twogpower(npwrs), onem2gpower(npwrs);
  gpower[0] = twogpower[0] = onem2gpower[0] = 1.0;
  const double g_n = g / dn, two_g_n = 2 * g / dn, one_m2g_n = (1 - 2 * g) / dn;
  for (std::size_t m = 1; m < npwrs; ++m) {
    gpower[m] = gpower[m - 1] * g_n / static_cast<double>(m);
    twogpower[m] = twogpower[m - 1] * two_g_n / static_cast<double>(m);
    onem2gpower[m] = onem2gpower[m - 1] * one_m2g_n / static_cast<double>(m);
  }
  std::vector<double> V0(npwrs, 0.0), V1(npwrs, 0.0), conv;
  V1[0] = 1.0;
  std::int64_t V0s = 0, V1s = 0;
  int expnt = 0;
  std::int64_t j1, j2;
  pomeranz_j1j2(0, n, ll, ceilf, roundf, j1, j2);
  for (std::int64_t i = 1; i < 2 * n + 2; ++i) {
    const std::int64_t k1 = j1;
    V0.swap(V1);
    std::swap(V0s, V1s);
    std::fill(V1.begin(), V1.end(), 0.0);
    pomeranz_j1j2(i, n, ll, ceilf, roundf, j1, j2);
    const std::vector<double>& pwrs =
        (i == 1 || i == 2 * n + 1) ? gpower : (i % 2 ? twogpower : onem2gpower);
    const std::int64_t ln2 = j2 - k1 + 1;
    if (ln2 <= 0) continue;
    // np.convolve(V0[k1 − V0s : k1 − V0s + ln2], pwrs[:ln2]) (slices truncated at the end).
    const std::int64_t start = k1 - V0s;
    const auto alen = static_cast<std::size_t>(
        std::clamp<std::int64_t>(static_cast<std::int64_t>(npwrs) - start, 0, ln2));
    const auto blen = std::min(static_cast<std::size_t>(ln2), npwrs);
    if (alen == 0 || blen == 0) continue;
    conv.assign(alen + blen - 1, 0.0);
    for (std::size_t p = 0; p < alen; ++p) {
      const double ap = V0[static_cast<std::size_t>(start) + p];
      if (ap == 0.0) continue;
      for (std::size_t q = 0; q < blen; ++q) conv[p + q] += ap * pwrs[q];
    }
    const std::int64_t conv_start = j1 - k1;
    const std::int64_t conv_len = j2 - j1 + 1;
    double vmax = 0.0;
    for (std::int64_t c = 0; c < conv_len; ++c) {
      const std::int64_t idx = conv_start + c;
      V1[static_cast<std::size_t>(c)] =
          (idx >= 0 && idx < static_cast<std::int64_t>(conv.size())) ? conv[idx] : 0.0;
    }
    for (double val : V1) vmax = std::max(vmax, val);
    if (0 < vmax && vmax < kEM128) {
      for (double& val : V1) val *= kEP128;
      expnt -= kE128;
    }
    V1s = V0s + j1 - k1;
  }
  double ans = V1[static_cast<std::size_t>(n - V1s)];
  for (std::int64_t m = 1; m <= n; ++m) {
    if (std::fabs(ans) > kEP128) {
      ans *= kEM128;
      expnt += kE128;
    }
    ans *= static_cast<double>(m);
  }
  if (expnt != 0) ans = std::ldexp(ans, expnt);
  return clip01(ans);
}

// ---- Pelz–Good asymptotic series (_kolmogn_PelzGood): CDF P(D_n <= x) -------------------------

double kolmogn_pelz_good_cdf(std::int64_t n, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const double dn = static_cast<double>(n);
  const double z = std::sqrt(dn) * x;
  const double z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2;
  const double pi2 = kPi * kPi, pi4 = pi2 * pi2, pi6 = pi4 * pi2;
  const double qlog = -pi2 / 8 / z2;
  if (qlog < -708) return 0.0;
  double q = std::exp(qlog);

  const double k1a = -z2, k1b = pi2 / 4;
  const double k2a = 6 * z6 + 2 * z4, k2b = (2 * z4 - 5 * z2) * pi2 / 4,
               k2c = pi4 * (1 - 2 * z2) / 16;
  const double k3d = pi6 * (5 - 30 * z2) / 64, k3c = pi4 * (-60 * z2 + 212 * z4) / 16,
               k3b = pi2 * (135 * z4 - 96 * z6) / 4, k3a = -30 * z6 - 90 * std::pow(z, 8);

  double K[4] = {0, 0, 0, 0};
  const int maxk = static_cast<int>(std::ceil(16 * z / kPi));
  for (int k = maxk; k > 0; --k) {
    const double m = 2.0 * k - 1, m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
    const double qpower = std::pow(q, 8.0 * k);
    const double c[4] = {1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4,
                         k3a + k3b * m2 + k3c * m4 + k3d * m6};
    for (int i = 0; i < 4; ++i) K[i] = K[i] * qpower + c[i];
  }
  const double sqrt2pi = std::sqrt(2 * kPi);
  const double div[4] = {z, 6 * z4, 72 * std::pow(z, 7), 6480 * std::pow(z, 10)};
  for (int i = 0; i < 4; ++i) K[i] = K[i] * q * sqrt2pi / div[i];

  q = std::exp(-pi2 / 2 / z2);
  const double sqrt3z = std::sqrt(3.0) * z;
  double k2extra = 0.0, k3extra = 0.0;
  for (int k = maxk; k > 0; --k) {
    const double k2 = static_cast<double>(k) * k;
    const double qp = std::pow(q, k2);
    const double kspi = kPi * k;
    k2extra += k2 * qp;
    k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * k2 * qp;
  }
  K[2] += k2extra * (pi2 * sqrt2pi / (-36 * z3));
  K[3] += k3extra * (pi2 * sqrt2pi / (216 * z6));
  double sum = 0.0;
  for (int i = 0; i < 4; ++i) sum += K[i] / std::pow(dn, i / 2.0);
  return sum;
}

// ---- the Smirnov sum --------------------------------------------------------------------------

double smirnov_sf_impl(std::int64_t n, double x) {
  if (n == 1) return 1.0 - x;
  if (x == 0.0) return 1.0;
  if (x == 1.0) return 0.0;
  const double dn = static_cast<double>(n);
  // floor(n·x) and its remainder alpha, exactly (n·x as a double-double hi + lo).
  const double hi = dn * x;
  const double lo = std::fma(dn, x, -hi);
  double fl = std::floor(hi);
  double alpha;
  if (fl == hi) {
    const double flo = std::floor(lo);
    fl += flo;
    alpha = lo - flo;
  } else {
    alpha = (hi - fl) + lo;
  }
  auto nxfl = static_cast<std::int64_t>(fl);
  if (alpha >= 1.0) {
    nxfl += 1;
    alpha = 0.0;
  }

  // x <= 1/n: P(D+ <= x) = x (1 + x)^(n − 1).
  if (nxfl == 0 || (nxfl == 1 && alpha == 0)) {
    const long double cdf = static_cast<long double>(x) * std::pow(1.0L + x, n - 1);
    return clip01(static_cast<double>(1.0L - cdf));
  }
  if (-2 * dn * x * x < kCephesMinLog) return 0.0;
  if (nxfl >= n - 1) return clip01(static_cast<double>(std::pow(1.0L - x, n)));
  if (n > 1000000) {
    // SciPy's approximation for very large n: p ≈ exp(−(6nx + 1)² / 18n).
    const double logp = -std::pow(6.0 * dn * x + 1, 2) / 18.0 / dn;
    return clip01(logp < -std::log(2.0) ? std::exp(logp) : 1.0 + std::expm1(logp));
  }
  const std::int64_t n_upper = n - (n - nxfl + (alpha == 0 ? 1 : 0)) + 1;
  const bool upper =
      (n_upper <= 1 && x < 0.5) || (n >= 10 && n_upper <= 3 && x <= 0.5 / std::sqrt(dn));

  // A_v = C(n, v) (1 − x − v/n)^(n − v) (x + v/n)^(v − 1); P(D+ >= x) = x Σ_{v <= n(1−x)} A_v,
  // or P(D+ < x) = x Σ_{v > n(1−x)} A_v (the "upper" sum, only for a few terms).
  // Factors in exact form: 1 − x − v/n = (n − v − ⌊nx⌋ − α)/n,  x + v/n = (⌊nx⌋ + v + α)/n.
  const std::int64_t n_terms = upper ? n_upper : n - nxfl;
  // Logarithms in double (glibc's log is within an ulp), products and sums in long double: each
  // term carries a relative error of about (n − v)·|log(1 − x − v/n)|·1e-16, below 1e-10 for
  // n <= 10⁶, at a third of the cost of long double logarithms.
  long double log_c = 0.0L;  // log C(n, j), j the term's position in the sum
  long double sum = 0.0L;
  const std::int64_t vmid = n / 2;
  for (std::int64_t j = 0; j < n_terms; ++j) {
    const std::int64_t v = upper ? n - j : j;
    const double a = (static_cast<double>(n - v - nxfl) - alpha) / dn;  // 1 − x − v/n
    const double b = (static_cast<double>(nxfl + v) + alpha) / dn;      // x + v/n
    // In the upper sum v > n(1 − x), so 1 − x − v/n < 0 and the terms alternate in sign.
    long double log_term = log_c;
    double sign = 1.0;
    if (n - v != 0) {
      log_term += static_cast<long double>(n - v) * std::log(std::fabs(a));
      if (a < 0 && (n - v) % 2 != 0) sign = -1.0;
    }
    if (v - 1 != 0) log_term += static_cast<long double>(v - 1) * std::log(b);
    const double term = sign * std::exp(static_cast<double>(log_term));
    sum += term;
    if (term != 0.0) {
      if (4.0 * static_cast<double>(n_terms - j) * std::fabs(term) <
              __DBL_EPSILON__ * static_cast<double>(sum) &&
          j != n_terms - 1)
        break;
    } else if (j > vmid) {
      break;
    }
    log_c += std::log(static_cast<double>(n - j) / static_cast<double>(j + 1));
  }
  const double prob = static_cast<double>(static_cast<long double>(x) * sum);
  return clip01(upper ? 1.0 - prob : prob);
}

}  // namespace

double smirnov_sf(std::size_t n, double d) {
  if (n == 0 || !(d >= 0.0 && d <= 1.0)) return kNaN;
  return smirnov_sf_impl(static_cast<std::int64_t>(n), d);
}

// scipy.stats.kstwo.sf(x, n): rv_continuous returns 1 at and below the support's lower end
// 0.5/n and 0 at and above 1, and calls _kolmogn(n, x, cdf=False) in between.
double kstwo_sf(std::size_t n_in, double x) {
  if (n_in == 0 || std::isnan(x)) return kNaN;
  const auto n = static_cast<std::int64_t>(n_in);
  const double dn = static_cast<double>(n);
  if (x <= 0.5 / dn) return 1.0;
  if (x >= 1.0) return 0.0;
  const double t = dn * x;
  if (t <= 1.0) {  // Ruben–Gambino: P(D_n <= x) = n!/n^n (2t − 1)^n for 1/2n <= x <= 1/n
    double prob;
    if (n <= 140) {
      prob = 1.0;
      for (std::int64_t i = 1; i <= n; ++i)
        prob *= static_cast<double>(i) * (1.0 / dn) * (2 * t - 1);
    } else {
      prob = std::exp(log_nfactorial_div_n_pow_n(dn) + dn * std::log(2 * t - 1));
    }
    return clip01(1.0 - prob);
  }
  if (t >= dn - 1) return clip01(2 * std::pow(1.0 - x, dn));  // Ruben–Gambino
  if (x >= 0.5) return clip01(2 * smirnov_sf_impl(n, x));     // exact: D+ and D− exclusive

  const double nxsquared = t * x;
  if (n <= 140) {
    if (nxsquared <= 0.754693) return clip01(1.0 - kolmogn_dmtw_cdf(n, x));
    if (nxsquared <= 4) return clip01(1.0 - kolmogn_pomeranz_cdf(n, x));
    return clip01(2 * smirnov_sf_impl(n, x));  // Miller's approximation
  }
  if (nxsquared >= 370.0) return 0.0;
  if (nxsquared >= 2.2) return clip01(2 * smirnov_sf_impl(n, x));
  double cdf;
  if (n <= 100000 && dn * std::pow(x, 1.5) <= 1.4) {
    cdf = kolmogn_dmtw_cdf(n, x);
  } else {
    cdf = kolmogn_pelz_good_cdf(n, x);
  }
  return clip01(1.0 - cdf);
}

namespace detail {

double ks_prob_outside_square(std::int64_t n, std::int64_t h) {
  // P = 2 A0 (1 − A1 (1 − A2 (1 − …))), A_k = C(2n, n − kh) / C(2n, n) built from h ratios.
  double P = 0.0;
  for (std::int64_t k = n / h; k >= 0; --k) {
    double p1 = 1.0;
    for (std::int64_t j = 0; j < h; ++j)
      p1 = static_cast<double>(n - k * h - j) * p1 / static_cast<double>(n + k * h + j + 1);
    P = p1 * (1.0 - P);
  }
  return 2 * P;
}

double ks_prob_outside_inside_method(std::int64_t m, std::int64_t n, std::int64_t g,
                                     std::int64_t h) {
  if (m < n) std::swap(m, n);
  const std::int64_t mg = m / g, ng = n / g;
  // A(x, y): proportion of paths to (x, y) that left the band |nx/g − my/g| < h, one column at a
  // time, over a sliding window [minj, maxj) of rows.
  auto ceil_div = [](double a, double b) { return static_cast<std::int64_t>(std::ceil(a / b)); };
  auto floor_div = [](double a, double b) { return static_cast<std::int64_t>(std::floor(a / b)); };
  std::int64_t minj = 0;
  std::int64_t maxj = std::min(ceil_div(static_cast<double>(h), static_cast<double>(mg)), n + 1);
  std::int64_t curlen = maxj - minj;
  const std::int64_t len_a = std::min(2 * maxj + 2, n + 1);
  std::vector<double> A(static_cast<std::size_t>(std::max(len_a, n + 1)) + 1, 1.0);
  for (std::int64_t j = minj; j < maxj; ++j) A[static_cast<std::size_t>(j)] = 0.0;
  for (std::int64_t i = 1; i <= m; ++i) {
    const std::int64_t lastminj = minj, lastlen = curlen;
    minj = std::max<std::int64_t>(
        floor_div(static_cast<double>(ng * i - h), static_cast<double>(mg)) + 1, 0);
    minj = std::min(minj, n);
    maxj = std::min(ceil_div(static_cast<double>(ng * i + h), static_cast<double>(mg)), n + 1);
    if (maxj <= minj) return 1.0;
    double val = minj == 0 ? 0.0 : 1.0;
    const auto di = static_cast<double>(i);
    for (std::int64_t jj = 0; jj < maxj - minj; ++jj) {
      const std::int64_t j = jj + minj;
      val =
          (A[static_cast<std::size_t>(jj + minj - lastminj)] * di + val * static_cast<double>(j)) /
          (di + static_cast<double>(j));
      A[static_cast<std::size_t>(jj)] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) {
      for (std::int64_t q = maxj - minj; q < maxj - minj + (lastlen - curlen); ++q)
        A[static_cast<std::size_t>(q)] = 1.0;
    }
  }
  return A[static_cast<std::size_t>(maxj - minj - 1)];
}

}  // namespace detail
}  // namespace qb::stats
