// The scorer registry, make_scorer and Args (src/scorers/scorer.cpp), and a conformance test that
// runs over every registered scorer.
#include "qualbar/scorers/scorer.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "qualbar/core/error.hpp"

namespace qb {
namespace QB_UNITY_ID {

// The smallest valid arguments of every registered scorer. A new scorer must be added here: the
// conformance test fails for a registered name without an entry.
const std::map<std::string, std::string>& minimal_args() {
  static const std::map<std::string, std::string> args = {
      {"assertions", ""},
      {"calibration", R"({"against":"x"})"},
      {"citation-accuracy", ""},
      {"citation-recall", ""},
      {"code-switching", ""},
      {"contains", R"({"value":"x"})"},
      {"contains-all", R"({"values":["x"]})"},
      {"contains-any", R"({"values":["x"]})"},
      {"contains-reference", ""},
      {"context-recall", ""},
      {"cost", ""},
      {"error-rate", ""},
      {"exact-match", ""},
      {"faithfulness", ""},
      {"is-json", ""},
      {"judge", R"({"rubric":"x"})"},
      {"judge-scale", R"({"rubric":"x"})"},
      {"json-schema", R"({"schema":{}})"},
      {"label-match", ""},
      {"language-match", ""},
      {"latency", ""},
      {"normalized-match", ""},
      {"numeric", ""},
      {"people", ""},
      {"pii", ""},
      {"refusal-correctness", ""},
      {"refused", ""},
      {"regex", R"({"pattern":"x"})"},
      {"safety", ""},
      {"secrets", ""},
      {"token-f1", ""},
      {"ttft", ""},
  };
  return args;
}

void expect_arg_error(const std::string& name, const std::string& args, const std::string& field,
                      const std::string& message) {
  try {
    (void)make_scorer(name, args);
    ADD_FAILURE() << "no ArgError for " << name << " " << args;
  } catch (const ArgError& e) {
    EXPECT_EQ(e.field(), field) << name << " " << args;
    EXPECT_EQ(std::string(e.what()), message) << name << " " << args;
  }
}

// ---- registry and make_scorer ----------------------------------------------------------------

// The list is every registered scorer, sorted (it grows as scorers are added).
std::string all_scorers() { return fmt::format("{}", fmt::join(scorer_registry().names(), ", ")); }

TEST(ScorerRegistry, UnknownNameSuggestsTheClosestAndListsAll) {
  try {
    (void)make_scorer("exact-mach", "");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.what(), "unknown scorer 'exact-mach'. Did you mean 'exact-match'? Available: " +
                            all_scorers());
    EXPECT_EQ(e.code(), ExitCode::input_error);
  }
  for (const char* name : {"assertions", "contains", "exact-match", "label-match", "token-f1"})
    EXPECT_NE(all_scorers().find(name), std::string::npos) << name;
}

TEST(ScorerRegistry, UnknownNameWithNothingCloseOnlyLists) {
  try {
    (void)make_scorer("bleu-score-v2", "");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.what(), "unknown scorer 'bleu-score-v2'. Available: " + all_scorers());
  }
}

TEST(ScorerRegistry, FindAndNames) {
  const auto& reg = scorer_registry();
  EXPECT_EQ(reg.kind(), "scorer");
  ASSERT_NE(reg.find("regex"), nullptr);
  EXPECT_EQ(reg.find("regex")->name, "regex");
  EXPECT_EQ(reg.find("not-regex"), nullptr);
  const auto names = reg.names();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(names.size(), reg.entries().size());
}

TEST(ScorerRegistry, DuplicateRegistrationIsAProgrammingError) {
  Registry<ScorerEntry> reg("scorer");
  reg.add(ScorerEntry{"x", ScorerInfo{.summary = "one"}, nullptr});
  try {
    reg.add(ScorerEntry{"x", ScorerInfo{.summary = "two"}, nullptr});
    FAIL() << "expected logic_error";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "two scorers are registered under the name 'x'");
  }
  EXPECT_EQ(reg.find("x")->info.summary, "one");
}

// ---- Args -------------------------------------------------------------------------------------

TEST(ScorerArgs, ArgumentsMustBeAMap) {
  expect_arg_error("exact-match", "[]", "args", "expected a map of arguments");
  expect_arg_error("exact-match", "\"Paris\"", "args", "expected a map of arguments");
}

// make_scorer promises ArgError for bad arguments; text that is not JSON at all is one.
TEST(ScorerArgs, MalformedJsonIsAnArgError) {
  try {
    (void)make_scorer("exact-match", R"({"value": "Paris")");
    FAIL() << "expected ArgError";
  } catch (const ArgError& e) {
    EXPECT_EQ(e.field(), "args");
  } catch (const std::exception& e) {
    FAIL() << "expected ArgError, got: " << e.what();
  }
}

TEST(ScorerArgs, WrongTypesNamed) {
  expect_arg_error("exact-match", R"({"value":3})", "value", "expected a string, got a number");
  expect_arg_error("exact-match", R"({"value":["a"]})", "value", "expected a string, got a list");
  expect_arg_error("exact-match", R"({"value":{"a":1}})", "value", "expected a string, got a map");
  expect_arg_error("exact-match", R"({"value":true})", "value",
                   "expected a string, got true/false");
  expect_arg_error("numeric", R"({"abs_tol":"0.1"})", "abs_tol", "expected a number, got a string");
  expect_arg_error("label-match", R"({"from_output":1})", "from_output",
                   "expected true or false, got a number");
}

TEST(ScorerArgs, NullMeansAbsent) {
  Case c;
  c.reference = "Paris";
  Response r;
  r.output = "Paris";
  EXPECT_EQ(make_scorer("exact-match", R"({"value":null})")->score(c, r).value, 1.0);
}

TEST(ScorerArgs, UnknownArgumentSuggestsOrListsWhatTheScorerTakes) {
  expect_arg_error("exact-match", R"({"valeu":"x"})", "valeu",
                   "unknown argument 'valeu'. Did you mean 'value'?");
  expect_arg_error("regex", R"({"pattern":"a","flags":"i"})", "flags",
                   "unknown argument 'flags'. This scorer takes: case_insensitive, pattern");
  expect_arg_error("assertions", R"({"all":true})", "all",
                   "unknown argument 'all'. This scorer takes no arguments");
}

// ---- conformance over every registered scorer -------------------------------------------------

TEST(ScorerConformance, EveryScorerHasMinimalArgsInThisTest) {
  for (const ScorerEntry* e : scorer_registry().entries()) {
    EXPECT_TRUE(minimal_args().count(e->name))
        << "scorer '" << e->name
        << "' is registered but has no minimal arguments in minimal_args()";
  }
  for (const auto& [name, _] : minimal_args()) {
    EXPECT_NE(scorer_registry().find(name), nullptr)
        << "minimal_args() names unregistered '" << name << "'";
  }
}

TEST(ScorerConformance, EveryScorerDescribesItself) {
  for (const ScorerEntry* e : scorer_registry().entries()) {
    EXPECT_FALSE(e->info.summary.empty()) << e->name;
    EXPECT_TRUE(e->make) << e->name;
    if (e->info.kind == ScoreKind::measurement) {
      EXPECT_FALSE(e->info.unit.empty()) << e->name << ": a measurement needs a unit";
    } else {
      EXPECT_TRUE(e->info.unit.empty()) << e->name << ": quality scores have no unit";
    }
  }
}

TEST(ScorerConformance, EveryScorerBuildsFromMinimalArgs) {
  for (const ScorerEntry* e : scorer_registry().entries()) {
    const auto it = minimal_args().find(e->name);
    if (it == minimal_args().end()) continue;  // reported by EveryScorerHasMinimalArgsInThisTest
    EXPECT_NO_THROW({ EXPECT_NE(make_scorer(e->name, it->second), nullptr) << e->name; })
        << e->name;
  }
}

TEST(ScorerConformance, EmptyResponseOnEmptyCase) {
  for (const ScorerEntry* e : scorer_registry().entries()) {
    const auto it = minimal_args().find(e->name);
    if (it == minimal_args().end()) continue;
    const auto scorer = make_scorer(e->name, it->second);
    Score s;
    ASSERT_NO_THROW(s = scorer->score(Case{}, Response{})) << e->name;
    // Only the runner marks failed calls of the system; a judged scorer marks what its judge did
    // not grade (and a case the judge was not asked about) as ungraded, as a people-graded one
    // marks every case, so it never passes or fails what nobody graded.
    if (scorer->uses_judge() || e->info.graded_by_people) {
      EXPECT_EQ(s.status, ScoreStatus::ungraded) << e->name << ": ungraded must not pass";
    } else {
      EXPECT_NE(s.status, ScoreStatus::error) << e->name << ": only the runner marks failed calls";
    }
    if (s.status == ScoreStatus::scored && e->info.kind != ScoreKind::measurement) {
      EXPECT_GE(s.value, 0.0) << e->name;
      EXPECT_LE(s.value, 1.0) << e->name;
    }
    if (s.status == ScoreStatus::not_applicable) {
      EXPECT_FALSE(s.evidence.empty()) << e->name << ": not-applicable should say why";
    }
  }
}

TEST(ScorerConformance, BinaryScorersGiveZeroOrOne) {
  Case c;
  c.reference = "Paris 42";
  c.expected_label = "billing";
  Response r;
  r.output = "paris 41";
  for (const ScorerEntry* e : scorer_registry().entries()) {
    if (e->info.kind != ScoreKind::binary) continue;
    const auto it = minimal_args().find(e->name);
    if (it == minimal_args().end()) continue;
    const Score s = make_scorer(e->name, it->second)->score(c, r);
    if (s.status != ScoreStatus::scored) continue;
    EXPECT_TRUE(s.value == 0.0 || s.value == 1.0) << e->name << " gave " << s.value;
  }
}

}  // namespace QB_UNITY_ID
}  // namespace qb
