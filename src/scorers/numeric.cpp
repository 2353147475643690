// numeric: the last number in the output is within tolerance of the expected number.
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "qualbar/scorers/scorer.hpp"
#include "scorers/number_scan.hpp"

namespace qb {
namespace {

// The last number in `text` (detail::numbers_in).
std::optional<double> last_number(std::string_view text) {
  const auto numbers = detail::numbers_in(text);
  if (numbers.empty()) return std::nullopt;
  return numbers.back().value;
}

class Numeric final : public Scorer {
 public:
  explicit Numeric(Args& a)
      : value_(a.number("value")),
        abs_tol_(a.number("abs_tol").value_or(0.0)),
        rel_tol_(a.number("rel_tol").value_or(1e-9)) {
    if (abs_tol_ < 0) throw ArgError("abs_tol", "must be 0 or more");
    if (rel_tol_ < 0) throw ArgError("rel_tol", "must be 0 or more");
  }
  Score score(const Case& c, const Response& r) const override {
    std::optional<double> expected = value_;
    if (!expected && c.reference) expected = last_number(*c.reference);
    if (!expected) return Score::not_applicable("no number in the reference and no value");
    const auto got = last_number(r.output);
    if (!got) return Score::fail(fmt::format("no number in the output; expected {}", *expected));
    const double tol = std::max(abs_tol_, rel_tol_ * std::fabs(*expected));
    if (std::fabs(*got - *expected) <= tol) return Score::pass();
    return Score::fail(fmt::format("got {}, expected {} (tolerance {:.3g})", *got, *expected, tol));
  }

 private:
  std::optional<double> value_;
  double abs_tol_;
  double rel_tol_;
};

}  // namespace

QB_REGISTER_SCORER("numeric",
                   (ScorerInfo{
                       .summary = "The last number in the output is within abs_tol / rel_tol of "
                                  "`value` or of the reference's last number.",
                       .primary_arg = "value"}),
                   [](Args& a) { return std::make_unique<Numeric>(a); });

}  // namespace qb
