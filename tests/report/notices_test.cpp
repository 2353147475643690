// The notices under a report's table: what each ungraded dimension is waiting for.
#include <gtest/gtest.h>

#include "qualbar/metrics/report.hpp"
#include "qualbar/report/format.hpp"

namespace qb {
namespace {

DimensionResult ungraded(const std::string& name, const std::string& scorer) {
  DimensionResult d;
  d.name = name;
  d.scorer = scorer;
  d.overall.n = 6;
  d.overall.n_ungraded = 2;
  d.ungraded_example = "the judge could not grade: timeout";
  return d;
}

TEST(ReportNotices, APeopleGradedDimensionAsksForReviewersNotForTheJudge) {
  Report r;
  r.run.id = "r-20261206-000000-abcd";
  r.dimensions = {ungraded("helpful", "people"), ungraded("tone", "judge")};
  const std::vector<std::string> notices = report_notices(r);
  ASSERT_EQ(notices.size(), 2U);
  EXPECT_EQ(notices[0],
            "helpful: graded by people; 2 of 8 answers have no grade yet and are left out of its "
            "estimate. Hand them to reviewers: qualbar review export --run "
            "r-20261206-000000-abcd --dimension helpful --dir review/, then qualbar review import");
  EXPECT_EQ(notices[1].rfind("tone: the judge did not grade 2 of 8 answers", 0), 0U) << notices[1];
}

}  // namespace
}  // namespace qb
