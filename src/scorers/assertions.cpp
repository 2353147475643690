// assertions: every check of the case's `assert` list passes (behavioural tests).
#include <stdexcept>

#include <fmt/format.h>

#include "qualbar/scorers/scorer.hpp"

namespace qb {
namespace {

class Assertions final : public Scorer {
 public:
  explicit Assertions(Args&) {}
  Score score(const Case& c, const Response& r) const override {
    if (c.details().asserts.empty()) return Score::not_applicable("the case has no assert list");
    std::string failed;
    std::size_t applied = 0;
    for (std::size_t i = 0; i < c.details().asserts.size(); ++i) {
      const Assertion& a = c.details().asserts[i];
      if (!a.scorer)  // a programming error, not the user's: cases are bound before scoring
        throw std::logic_error("an assert list was not compiled: call bind_cases first");
      Score s = a.scorer->score(c, r);
      if (s.status == ScoreStatus::not_applicable) continue;
      ++applied;
      const bool passed = (s.value >= a.threshold) != a.negated;
      if (passed) continue;
      if (!failed.empty()) failed += "; ";
      failed += a.negated ? fmt::format("assert[{}] {}: {}", i, a.type,
                                        s.evidence.empty() ? "matched" : s.evidence)
                          : fmt::format("assert[{}] {}: {}", i, a.type, s.evidence);
    }
    if (applied == 0)
      return Score::not_applicable("no check of the assert list applies to this case");
    return failed.empty() ? Score::pass() : Score::fail(failed);
  }
};

}  // namespace

QB_REGISTER_SCORER("assertions",
                   (ScorerInfo{
                       .summary = "Every check in the case's `assert` list passes; evidence names "
                                  "each failed check.",
                       .not_negatable = "is the case's whole assert list: negate its checks one "
                                        "by one (not-contains, not-regex, ...)"}),
                   [](Args& a) { return std::make_unique<Assertions>(a); });

}  // namespace qb
