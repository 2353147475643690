#include "qualbar/suite/suite.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "qualbar/bind/bind.hpp"
#include "qualbar/core/error.hpp"

namespace qb {
namespace QB_UNITY_ID {

const std::string kMinimal = R"(schema_version: 1
name: support
datasets: cases.jsonl
dimensions:
  correct: exact-match
  f1_pass:
    scorer: token-f1
    threshold: 0.5
  similarity: token-f1
  latency:
    scorer: latency
  cost: cost
)";

// Parsed and bound, as a run reads it.
Suite parse(const std::string& yaml) { return read_suite(yaml, "suite.yaml", "/data/suite"); }

std::string error_of(const std::string& yaml) {
  try {
    (void)parse(yaml);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

std::vector<std::string> names_of(const Suite& s) {
  std::vector<std::string> out;
  for (const auto& d : s.dimensions) out.push_back(d.name);
  return out;
}

std::vector<std::string> slice_names(const Suite& s) {
  std::vector<std::string> out;
  for (const auto& sl : s.slices) out.push_back(sl.name());
  return out;
}

TEST(ParseSuite, Defaults) {
  const Suite s = parse(kMinimal);
  EXPECT_EQ(s.schema_version, 1);
  EXPECT_EQ(s.name, "support");
  EXPECT_EQ(s.description, "");
  EXPECT_EQ(s.file, "suite.yaml");
  EXPECT_EQ(s.datasets, (std::vector<std::string>{"/data/suite/cases.jsonl"}));
  EXPECT_EQ(s.system.provider, "replay");
  EXPECT_EQ(s.system.responses, "");
  EXPECT_EQ(s.system.model, "");
  EXPECT_EQ(slice_names(s), (std::vector<std::string>{"category", "language"}));
  EXPECT_TRUE(s.bars.empty());
  EXPECT_TRUE(s.critical_slices.empty());
  EXPECT_DOUBLE_EQ(s.confidence, 0.95);
  EXPECT_DOUBLE_EQ(s.power, 0.80);
  EXPECT_DOUBLE_EQ(s.min_effect, 0.10);
  EXPECT_EQ(s.store, "");
  EXPECT_EQ(s.source_text, kMinimal);
  EXPECT_EQ(s.hash.size(), 16U);
  EXPECT_EQ(s.bars_hash.size(), 16U);
}

TEST(ParseSuite, DimensionsInOrderThenTheBuiltInErrorsDimension) {
  const Suite s = parse(kMinimal);
  EXPECT_EQ(names_of(s), (std::vector<std::string>{"correct", "f1_pass", "similarity", "latency",
                                                   "cost", "errors"}));
  const DimensionSpec* correct = s.find_dimension("correct");
  ASSERT_NE(correct, nullptr);
  EXPECT_EQ(correct->scorer, "exact-match");
  EXPECT_FALSE(correct->threshold);
  EXPECT_FALSE(correct->builtin);
  EXPECT_EQ(correct->args_json, "");
  EXPECT_EQ(correct->where.line, 5);
  EXPECT_EQ(correct->where.column, 3);
  EXPECT_EQ(s.find_dimension("f1_pass")->threshold, 0.5);
  const DimensionSpec* errors = s.find_dimension("errors");
  ASSERT_NE(errors, nullptr);
  EXPECT_EQ(errors->scorer, "error-rate");
  EXPECT_TRUE(errors->builtin);
  EXPECT_EQ(s.find_dimension("nope"), nullptr);
}

TEST(ParseSuite, UsefulDefaultsToThePassFailDimensions) {
  // exact-match is pass/fail; token-f1 with a threshold is a pass rate; without one it is a mean;
  // latency and cost are measurements; the built-in errors dimension is never "useful".
  EXPECT_EQ(parse(kMinimal).useful, (std::vector<std::string>{"correct", "f1_pass"}));
  EXPECT_EQ(parse(kMinimal + "useful: [f1_pass]\n").useful, (std::vector<std::string>{"f1_pass"}));
  // Declaring the error rate yourself does not make "had an error" a condition of usefulness.
  std::string declared = kMinimal;
  declared.insert(declared.find("  cost: cost"), "  errors: error-rate\n");
  EXPECT_EQ(parse(declared).useful, (std::vector<std::string>{"correct", "f1_pass"}));
}

TEST(ParseSuite, ScorerArgumentsAreKeptAsJson) {
  const Suite s = parse(R"(schema_version: 1
name: s
datasets: [a.jsonl, /abs/b.jsonl, ../c.jsonl]
dimensions:
  mentions:
    scorer: contains
    args: {value: 30 days, case_insensitive: true}
    description: Says the refund window.
)");
  EXPECT_EQ(s.datasets,
            (std::vector<std::string>{"/data/suite/a.jsonl", "/abs/b.jsonl", "/data/c.jsonl"}));
  const DimensionSpec* d = s.find_dimension("mentions");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->args_json, R"({"case_insensitive":true,"value":"30 days"})");
  EXPECT_EQ(d->description, "Says the refund window.");
}

TEST(ParseSuite, SystemStoreAndStatistics) {
  const Suite s = parse(kMinimal + R"(system:
  provider: replay
  responses: responses/bot-v2.jsonl
  model: bot-v2
store: runs/qualbar.db
confidence: 0.9
power: 0.9
min_effect: 0.05
description: The support bot.
)");
  EXPECT_EQ(s.system.provider, "replay");
  EXPECT_EQ(s.system.responses, "/data/suite/responses/bot-v2.jsonl");
  EXPECT_EQ(s.system.model, "bot-v2");
  EXPECT_EQ(s.store, "/data/suite/runs/qualbar.db");
  EXPECT_DOUBLE_EQ(s.confidence, 0.9);
  EXPECT_DOUBLE_EQ(s.power, 0.9);
  EXPECT_DOUBLE_EQ(s.min_effect, 0.05);
  EXPECT_EQ(s.description, "The support bot.");
}

TEST(ParseSuite, CrossedSlices) {
  const Suite s = parse(kMinimal + "slices: [category, language, [category, language], tags]\n");
  ASSERT_EQ(s.slices.size(), 4U);
  EXPECT_EQ(s.slices[2].keys, (std::vector<std::string>{"category", "language"}));
  EXPECT_EQ(slice_names(s),
            (std::vector<std::string>{"category", "language", "category × language", "tags"}));
}

TEST(ParseSuite, BarsOverallAndPerSlice) {
  const Suite s = parse(kMinimal + R"(bars:
  correct:
    min: 0.85
    per_slice: {min: 0.6}
  latency: {p95_max: 2500, p50_max: 900}
  cost: {per_useful_max: 0.005}
  errors: {max: 0.02}
)");
  ASSERT_EQ(s.bars.size(), 4U);
  const DimensionBars& correct = s.bars.at("correct");
  ASSERT_EQ(correct.overall.size(), 1U);
  EXPECT_EQ(correct.overall[0].key, "min");
  EXPECT_EQ(correct.overall[0].stat, "estimate");
  EXPECT_FALSE(correct.overall[0].is_max);
  EXPECT_DOUBLE_EQ(correct.overall[0].limit, 0.85);
  ASSERT_EQ(correct.per_slice.size(), 1U);
  EXPECT_EQ(correct.per_slice[0].stat, "estimate");
  EXPECT_DOUBLE_EQ(correct.per_slice[0].limit, 0.6);
  EXPECT_EQ(correct.where.line, 14);

  const DimensionBars& latency = s.bars.at("latency");
  ASSERT_EQ(latency.overall.size(), 2U);
  EXPECT_EQ(latency.overall[0].key, "p95_max");
  EXPECT_EQ(latency.overall[0].stat, "p95");
  EXPECT_TRUE(latency.overall[0].is_max);
  EXPECT_DOUBLE_EQ(latency.overall[0].limit, 2500);
  EXPECT_EQ(latency.overall[1].stat, "p50");
  EXPECT_TRUE(latency.per_slice.empty());

  EXPECT_EQ(s.bars.at("cost").overall.at(0).stat, "per_useful");
  EXPECT_TRUE(s.bars.at("cost").overall.at(0).is_max);
  EXPECT_EQ(s.bars.at("errors").overall.at(0).stat, "estimate");
  EXPECT_TRUE(s.bars.at("errors").overall.at(0).is_max);
}

TEST(ParseSuite, CriticalSliceAsAString) {
  const Suite s = parse(kMinimal + "critical_slices: [category=refund-dispute]\n");
  ASSERT_EQ(s.critical_slices.size(), 1U);
  const CriticalSlice& c = s.critical_slices[0];
  EXPECT_EQ(c.slice.keys, (std::vector<std::string>{"category"}));
  EXPECT_EQ(c.values, (std::vector<std::string>{"refund-dispute"}));
  EXPECT_TRUE(c.bars.empty());
  EXPECT_EQ(c.label(), "category=refund-dispute");
  EXPECT_EQ(c.where.line, 13);
  // Already a reported slice: not added twice.
  EXPECT_EQ(slice_names(s), (std::vector<std::string>{"category", "language"}));
}

TEST(ParseSuite, CriticalSliceAsAMapWithBarsAndCrossedKeys) {
  const Suite s = parse(kMinimal + R"(critical_slices:
  - slice: category=refund-dispute × language=de
    bars:
      correct: {min: 0.8}
      latency: {p95_max: 3000}
  - slice: customer_tier=enterprise
)");
  ASSERT_EQ(s.critical_slices.size(), 2U);
  const CriticalSlice& c = s.critical_slices[0];
  EXPECT_EQ(c.slice.keys, (std::vector<std::string>{"category", "language"}));
  EXPECT_EQ(c.values, (std::vector<std::string>{"refund-dispute", "de"}));
  EXPECT_EQ(c.label(), "category=refund-dispute × language=de");
  ASSERT_EQ(c.bars.size(), 2U);
  EXPECT_DOUBLE_EQ(c.bars.at("correct").at(0).limit, 0.8);
  EXPECT_EQ(c.bars.at("latency").at(0).stat, "p95");
  EXPECT_TRUE(s.critical_slices[1].bars.empty());
  // A critical slice is always reported, even when `slices` does not list its keys.
  EXPECT_EQ(slice_names(s), (std::vector<std::string>{"category", "language", "category × language",
                                                      "customer_tier"}));
}

TEST(ParseSuite, CriticalSliceSeparators) {
  for (const char* text : {"category=refunds&language=de", "category=refunds, language=de",
                           "category=refunds × language=de"}) {
    const Suite s = parse(kMinimal + "critical_slices:\n  - \"" + text + "\"\n");
    ASSERT_EQ(s.critical_slices.size(), 1U) << text;
    EXPECT_EQ(s.critical_slices[0].label(), "category=refunds × language=de") << text;
  }
}

TEST(ParseSuite, HashFollowsTheText) {
  const Suite a = parse(kMinimal);
  EXPECT_EQ(parse(kMinimal).hash, a.hash);
  EXPECT_NE(parse(kMinimal + "# a comment\n").hash, a.hash);
  EXPECT_NE(parse(kMinimal + "description: x\n").hash, a.hash);
}

TEST(ParseSuite, BarsHashChangesOnlyWithWhatDecidesPassOrFail) {
  const std::string bars = "bars:\n  correct: {min: 0.85}\n";
  const std::string base = kMinimal + bars;
  const std::string h = parse(base).bars_hash;

  // Not about the bars: same bars_hash, though the suite hash changes.
  for (const std::string& other :
       {base + "description: new words\n", base + "# comment\n", base + "confidence: 0.9\n",
        base + "slices: [category]\n", base + "system: {model: bot-v3}\n",
        base + "power: 0.9\nmin_effect: 0.2\n"}) {
    const Suite s = parse(other);
    EXPECT_EQ(s.bars_hash, h) << other;
    EXPECT_NE(s.hash, parse(base).hash) << other;
  }
  // The bars themselves.
  EXPECT_NE(parse(kMinimal + "bars:\n  correct: {min: 0.9}\n").bars_hash, h);
  EXPECT_NE(parse(kMinimal + "bars:\n  correct: {min: 0.85, per_slice: {min: 0.5}}\n").bars_hash,
            h);
  EXPECT_NE(
      parse(kMinimal + "bars:\n  correct: {min: 0.85}\n  latency: {p95_max: 2000}\n").bars_hash, h);
  EXPECT_NE(parse(kMinimal).bars_hash, h);
  EXPECT_NE(parse(base + "critical_slices: [category=refunds]\n").bars_hash, h);
  EXPECT_NE(parse(base + "critical_slices: [category=billing]\n").bars_hash,
            parse(base + "critical_slices: [category=refunds]\n").bars_hash);
  EXPECT_NE(parse(base + "useful: [correct]\n").bars_hash, h);
  // What passing means: a threshold or a scorer argument.
  std::string other_threshold = base;
  other_threshold.replace(other_threshold.find("threshold: 0.5"), 14, "threshold: 0.6");
  EXPECT_NE(parse(other_threshold).bars_hash, h);
  std::string with_args = base;
  with_args.replace(with_args.find("correct: exact-match"), 20,
                    "correct: {scorer: exact-match, args: {value: x}}");
  EXPECT_NE(parse(with_args).bars_hash, h);
  // Comments, spacing and flow or block style are not bars.
  EXPECT_EQ(parse(kMinimal + "bars:\n  correct:   {min:   0.85}   # the bar\n").bars_hash, h);
  EXPECT_EQ(parse(kMinimal + "bars:\n  correct:\n    min: 0.85\n").bars_hash, h);
}

// A suite for production only needs no dataset: its `monitor` map says what it is for. Without
// one, datasets are required.
TEST(ParseSuite, AMonitorOnlySuiteNeedsNoDatasets) {
  const std::string monitor_only =
      "schema_version: 1\nname: prod\ndimensions:\n  helpful: {scorer: people, args: {rubric: "
      "\"Solves it.\"}}\n  no_pii: {scorer: pii}\nmonitor: {sample_rate: 0.01}\n";
  const Suite s = parse(monitor_only);
  EXPECT_TRUE(s.datasets.empty());
  EXPECT_EQ(s.monitor.sample_rate, 0.01);
  EXPECT_EQ(error_of("schema_version: 1\nname: prod\ndimensions:\n  no_pii: {scorer: pii}\n"),
            "suite.yaml:1:1: field 'datasets': is required (see docs/suite.md)");
}

TEST(ParseSuite, GradingGraceWeeksIsACountOfWeeks) {
  EXPECT_EQ(parse(kMinimal + "monitor: {grading_grace_weeks: 0}\n").monitor.grading_grace_weeks,
            0U);
  EXPECT_EQ(parse(kMinimal).monitor.grading_grace_weeks, 1U);
  EXPECT_NE(error_of(kMinimal + "monitor: {grading_grace_weeks: -1}\n")
                .find("field 'monitor.grading_grace_weeks'"),
            std::string::npos);
}

TEST(ParseSuiteErrors, ExactMessages) {
  EXPECT_EQ(error_of("name: s\n"),
            "suite.yaml:1:1: field 'schema_version': is required (see docs/suite.md)");
  EXPECT_EQ(
      error_of("- a\n- b\n"),
      "suite.yaml:1:1: a suite is a YAML map with fields such as name, datasets and dimensions");
  EXPECT_EQ(error_of(kMinimal + "bar:\n  correct: {min: 0.8}\n"),
            "suite.yaml:13:1: field 'bar': unknown field 'bar'. Did you mean 'bars'?");
  EXPECT_EQ(error_of(kMinimal + "confidence: 1\n"),
            "suite.yaml:13:13: field 'confidence': must be between 0 and 1 (exclusive), got 1");
  EXPECT_EQ(error_of(kMinimal + "confidence: high\n"),
            "suite.yaml:13:13: field 'confidence': expected a number, got 'high'");
  EXPECT_EQ(error_of(kMinimal + "useful: [cost]\n"),
            "suite.yaml:13:10: field 'useful': 'cost' is not a pass/fail dimension, so a response "
            "cannot pass it");
  EXPECT_EQ(error_of(kMinimal + "useful: [errors]\n"),
            "suite.yaml:13:10: field 'useful': 'errors' is not a pass/fail dimension, so a "
            "response cannot pass it");
  EXPECT_EQ(error_of(kMinimal + "useful: [corect]\n"),
            "suite.yaml:13:10: field 'useful': there is no dimension 'corect'. Did you mean "
            "'correct'? Dimensions: correct, f1_pass, similarity, latency, cost, errors");
  EXPECT_EQ(error_of(kMinimal + "critical_slices: [refunds]\n"),
            "suite.yaml:13:19: field 'critical_slices': 'refunds' is not of the form key=value "
            "(e.g. category=refund-dispute)");
  EXPECT_EQ(error_of(kMinimal + "critical_slices: [category=]\n"),
            "suite.yaml:13:19: field 'critical_slices': 'category=' is not of the form key=value "
            "(e.g. category=refund-dispute)");
  EXPECT_EQ(error_of(kMinimal + "bars:\n  latency: {min: 100}\n"),
            "suite.yaml:14:13: field 'bars.latency.min': this dimension is a measurement with "
            "percentiles (such as latency), so its limits are p50_min, p50_max, p90_min, p90_max, "
            "p95_min, p95_max, p99_min, p99_max, mean_min, mean_max; 'min' is for a pass rate");
  EXPECT_EQ(
      error_of(kMinimal + "bars:\n  correct: {p95_max: 0.5}\n"),
      "suite.yaml:14:13: field 'bars.correct.p95_max': this dimension is a pass rate, so its "
      "limits are min, max; 'p95_max' is for a measurement with percentiles (such as latency)");
  EXPECT_EQ(error_of(kMinimal + "bars:\n  correct: {min: high}\n"),
            "suite.yaml:14:18: field 'bars.correct.min': expected a number, got 'high'");
  EXPECT_EQ(error_of(kMinimal + "bars:\n  correct: 0.8\n"),
            "suite.yaml:14:12: field 'bars.correct': expected a map of limits such as {min: 0.85}");
}

TEST(ParseSuiteErrors, Dimensions) {
  const std::string head = "schema_version: 1\nname: s\ndatasets: cases.jsonl\ndimensions:\n";
  EXPECT_EQ(error_of(head + "  Correct: exact-match\n"),
            "suite.yaml:5:3: field 'dimensions.Correct': a dimension name is lower case letters, "
            "digits, '_' and '-', starting with a letter");
  EXPECT_EQ(error_of(head + "  correct: {args: {}}\n"),
            "suite.yaml:5:3: field 'dimensions.correct.scorer': is required: which scorer measures "
            "this dimension (qualbar list scorers)");
  EXPECT_EQ(error_of(head + "  correct: {scorer: exact-match, treshold: 0.5}\n"),
            "suite.yaml:5:34: field 'dimensions.correct.treshold': unknown field 'treshold'. Did "
            "you mean 'threshold'?");
  EXPECT_EQ(error_of(head + "  f1: {scorer: token-f1, threshold: 1.5}\n"),
            "suite.yaml:5:37: field 'dimensions.f1.threshold': must be between 0 and 1, got 1.5");
  EXPECT_EQ(error_of(head + "  latency: {scorer: latency, threshold: 0.5}\n"),
            "suite.yaml:5:41: field 'dimensions.latency.threshold': 'latency' is a measurement, so "
            "it takes no threshold (thresholds are for 0–1 scores such as token-f1)");
  EXPECT_EQ(error_of(head + "  pattern: regex\n"),
            "suite.yaml:5:3: field 'dimensions.pattern.args.pattern': is required: the regular "
            "expression (RE2 syntax) to find");
  EXPECT_EQ(
      error_of(head + "  pattern:\n    scorer: regex\n    args:\n      pattern: \"(unclosed\"\n"),
      "suite.yaml:8:16: field 'dimensions.pattern.args.pattern': is not a valid RE2 regular "
      "expression: missing ): (unclosed");
  EXPECT_EQ(error_of(head + "  errors: exact-match\n"),
            "suite.yaml:5:3: field 'dimensions.errors': 'errors' is the built-in error-rate "
            "dimension; choose another name");
  EXPECT_EQ(error_of(head + "  correct: [exact-match]\n"),
            "suite.yaml:5:12: field 'dimensions.correct': expected a scorer name or a map {scorer: "
            "..., args: ...}");
  const std::string unknown = error_of(head + "  correct: exact-macth\n");
  EXPECT_TRUE(
      unknown.starts_with("suite.yaml:5:12: field 'dimensions.correct.scorer': unknown scorer "
                          "'exact-macth'. Did you mean 'exact-match'? Available: "))
      << unknown;
}

TEST(ParseSuiteErrors, YamlSyntax) {
  EXPECT_EQ(error_of("schema_version: 1\nname: tiny: support\n"),
            "suite.yaml:2:11: this is not valid YAML: illegal map value");
  EXPECT_EQ(error_of("schema_version: 1\ndatasets: [a.jsonl\ndimensions:\n  c: exact-match\n"),
            "suite.yaml:3:11: this is not valid YAML: end of sequence flow not found");
}

// A quote left open swallows the rest of the file into one string: every bar after it is
// silently dropped and `validate` says the suite is valid. A YAML parser must reject it.
TEST(ParseSuite, UnterminatedQuoteIsRejected) {
  const std::string text = kMinimal.substr(0, kMinimal.find("  cost: cost")) +
                           "  cost:\n    scorer: cost\n    description: \"USD per answer\n"
                           "bars:\n  correct: {min: 0.85}\n";
  EXPECT_EQ(error_of(text),
            "suite.yaml:14:18: this quoted text is never closed: add the closing \"");
}

// YAML forbids duplicate keys; yaml-cpp would keep one of them silently, so a second `bars:`
// section would change the suite without a word.
TEST(ParseSuite, DuplicateKeyIsRejected) {
  const std::string text =
      kMinimal + "bars:\n  correct: {min: 0.85}\nbars:\n  correct: {min: 0.5}\n";
  EXPECT_THROW((void)parse(text), InputError)
      << "parsed; correct min = " << parse(text).bars.at("correct").overall.at(0).limit;
}

}  // namespace QB_UNITY_ID
}  // namespace qb
