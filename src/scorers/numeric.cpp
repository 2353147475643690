// numeric: the last number in the output is within tolerance of the expected number.
#include <cmath>
#include <optional>

#include <fmt/format.h>
#include <re2/re2.h>

#include "qualbar/scorers/scorer.hpp"
#include "qualbar/util/text.hpp"

namespace qb {
namespace {

// The last number in `text`: digits with optional sign, thousands separators and decimals.
std::optional<double> last_number(std::string_view text) {
  static const re2::RE2 pattern(R"((-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?))");
  re2::StringPiece input(text.data(), text.size());
  std::string match;
  std::optional<double> last;
  while (re2::RE2::FindAndConsume(&input, pattern, &match)) {
    std::string digits;
    for (char ch : match) {
      if (ch != ',') digits.push_back(ch);
    }
    last = std::strtod(digits.c_str(), nullptr);
  }
  return last;
}

class Numeric final : public Scorer {
 public:
  explicit Numeric(Args& a)
      : value_(a.number("value")), abs_tol_(a.number("abs_tol").value_or(0.0)),
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
    return Score::fail(fmt::format("got {}, expected {} (tolerance {})", *got, *expected, tol));
  }

 private:
  std::optional<double> value_;
  double abs_tol_;
  double rel_tol_;
};

}  // namespace

QB_REGISTER_SCORER("numeric",
                   (ScorerInfo{.summary = "The last number in the output is within abs_tol / rel_tol of "
                                          "`value` or of the reference's last number.",
                               .primary_arg = "value"}),
                   [](Args& a) { return std::make_unique<Numeric>(a); });

}  // namespace qb
