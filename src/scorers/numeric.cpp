// numeric: the last number in the output is within tolerance of the expected number.
#include <cctype>
#include <cmath>
#include <optional>

#include <fmt/format.h>
#include <re2/re2.h>

#include "qualbar/scorers/scorer.hpp"
#include "qualbar/util/text.hpp"

namespace qb {
namespace {

// The last number in `text`: digits with thousands separators, decimals (".5" too) and an
// exponent. A '-' is a minus sign only when no letter or digit stands right before it, so
// "pages 10-20" and "2024-01-15" hold no negative numbers.
std::optional<double> last_number(std::string_view text) {
  static const re2::RE2 pattern(
      R"((-?)(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|\.\d+))");
  std::optional<double> last;
  re2::StringPiece m[3];
  std::size_t pos = 0;
  while (pos <= text.size() && pattern.Match(re2::StringPiece(text.data(), text.size()), pos,
                                             text.size(), re2::RE2::UNANCHORED, m, 3)) {
    const auto start = static_cast<std::size_t>(m[0].data() - text.data());
    bool negative = !m[1].empty();
    if (negative && start > 0) {
      const unsigned char before = static_cast<unsigned char>(text[start - 1]);
      negative = !(std::isalnum(before) != 0 || before == '.' || before >= 0x80);
    }
    std::string digits;
    for (char ch : std::string_view(m[2].data(), m[2].size())) {
      if (ch != ',') digits.push_back(ch);
    }
    const double v = std::strtod(digits.c_str(), nullptr);
    last = negative ? -v : v;
    pos = start + m[0].size();
    if (m[0].empty()) ++pos;
  }
  return last;
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
