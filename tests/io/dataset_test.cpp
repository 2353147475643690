#include "qualbar/io/dataset.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "qualbar/bind/bind.hpp"
#include "qualbar/core/error.hpp"

namespace qb {
namespace QB_UNITY_ID {

// Parsed and bound (the `assert` lists compiled), as a run reads a dataset.
Dataset parse(std::string_view text) {
  Dataset d;
  parse_cases(text, "cases.jsonl", d);
  bind_cases(d);
  return d;
}

Case parse_one(std::string_view line) {
  Dataset d = parse(line);
  EXPECT_EQ(d.cases.size(), 1U);
  return d.cases.at(0);
}

// The InputError message parsing or binding `text` throws, or "" when it throws none.
std::string error_of(std::string_view text) {
  try {
    (void)parse(text);
  } catch (const InputError& e) {
    EXPECT_EQ(e.code(), ExitCode::input_error);
    return e.what();
  }
  return "";
}

TEST(ParseCases, OnlyIdAndInputAreNeeded) {
  const Case c = parse_one(R"({"id":"q-001","input":"How long do refunds take?"})");
  EXPECT_EQ(c.id, "q-001");
  EXPECT_EQ(c.input, "How long do refunds take?");
  EXPECT_TRUE(c.details().messages.empty());
  EXPECT_FALSE(c.reference);
  EXPECT_TRUE(c.details().contexts.empty());
  EXPECT_FALSE(c.expected_label);
  EXPECT_FALSE(c.details().should_refuse);
  EXPECT_EQ(c.category, "");
  EXPECT_EQ(c.language, "");
  EXPECT_TRUE(c.details().tags.empty());
  EXPECT_TRUE(c.details().asserts.empty());
  EXPECT_FALSE(c.details().tests);
  EXPECT_EQ(c.details().metadata_json, "");
  EXPECT_EQ(c.source_line, 1);
}

// A stored run's lines parsed as they are kept: the same cases as the joined text gives, with
// their line numbers, and nothing of the text kept beside them; a bad line is named by number.
TEST(ParseCases, LinesTheCallerKeepsParseAsTheirJoinedTextWithoutACopy) {
  const std::vector<std::string> lines = {
      R"({"id":"a","input":"first","category":"billing"})",
      R"({"id":"b","input":"sec\u00f6nd","reference":"x","metadata":{"k":1}})",
      R"({"id":"c","input":"third","tags":["t1","t2"]})"};
  Dataset joined;
  parse_cases(lines[0] + "\n" + lines[1] + "\n" + lines[2] + "\n", "run r-1", joined);
  Dataset kept;
  parse_case_lines(lines, "run r-1", kept);
  ASSERT_EQ(kept.cases.size(), 3U);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(kept.cases[i].id, joined.cases[i].id);
    EXPECT_EQ(kept.cases[i].input, joined.cases[i].input);
    EXPECT_EQ(kept.cases[i].category, joined.cases[i].category);
    EXPECT_EQ(kept.cases[i].details().metadata_json, joined.cases[i].details().metadata_json);
    EXPECT_EQ(kept.cases[i].details().tags, joined.cases[i].details().tags);
    EXPECT_EQ(kept.cases[i].source_line, static_cast<int>(i) + 1);
  }
  EXPECT_EQ(kept.cases[1].input, "sec\u00f6nd");
  EXPECT_TRUE(kept.raw_lines.empty());
  EXPECT_TRUE(kept.sources.empty());
  EXPECT_EQ(joined.raw_lines.size(), 3U);

  const std::vector<std::string> bad = {lines[0], R"({"id":"b","input":)", lines[2]};
  Dataset none;
  try {
    parse_case_lines(bad, "run r-1", none);
    ADD_FAILURE() << "a malformed line was parsed";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("run r-1:2"), std::string::npos) << e.what();
  }
  Dataset empty;
  EXPECT_THROW(parse_case_lines({}, "run r-1", empty), InputError);
}

TEST(ParseCases, EveryContractFieldInItsNativeType) {
  const Case c = parse_one(
      R"({"id":"q-001","category":"refunds","input":"How long?","reference":"30 days",)"
      R"("contexts":[{"id":"doc-12#3","text":"Refunds take 30 days."},{"id":"doc-9","text":"Returns."}],)"
      R"("expected_label":"billing","should_refuse":false,"language":"en","tags":["pricing","known-failure-17"],)"
      R"("assert":[{"type":"contains","value":"30 days"},{"type":"not-regex","value":"(?i)guarantee"},)"
      R"({"type":"token-f1","value":"thirty days","threshold":0.7}],)"
      R"("tests":"assert f(1) == 2","metadata":{"tier":"pro","priority":2}})");
  EXPECT_EQ(c.id, "q-001");
  EXPECT_EQ(c.category, "refunds");
  EXPECT_EQ(c.input, "How long?");
  EXPECT_EQ(c.reference, "30 days");
  ASSERT_EQ(c.details().contexts.size(), 2U);
  EXPECT_EQ(c.details().contexts[0].id, "doc-12#3");
  EXPECT_EQ(c.details().contexts[0].text, "Refunds take 30 days.");
  EXPECT_EQ(c.details().contexts[1].id, "doc-9");
  EXPECT_EQ(c.expected_label, "billing");
  ASSERT_TRUE(c.details().should_refuse);
  EXPECT_FALSE(*c.details().should_refuse);
  EXPECT_EQ(c.language, "en");
  EXPECT_EQ(c.details().tags, (std::vector<std::string>{"pricing", "known-failure-17"}));
  ASSERT_EQ(c.details().asserts.size(), 3U);
  EXPECT_EQ(c.details().asserts[0].type, "contains");
  EXPECT_FALSE(c.details().asserts[0].negated);
  EXPECT_DOUBLE_EQ(c.details().asserts[0].threshold, 1.0);
  EXPECT_NE(c.details().asserts[0].scorer, nullptr);
  EXPECT_EQ(c.details().asserts[1].type, "not-regex");
  EXPECT_TRUE(c.details().asserts[1].negated);
  EXPECT_NE(c.details().asserts[1].scorer, nullptr);
  EXPECT_EQ(c.details().asserts[2].type, "token-f1");
  EXPECT_DOUBLE_EQ(c.details().asserts[2].threshold, 0.7);
  EXPECT_EQ(c.details().tests, "assert f(1) == 2");
  EXPECT_EQ(nlohmann::json::parse(c.details().metadata_json),
            (nlohmann::json{{"tier", "pro"}, {"priority", 2}}));
}

TEST(ParseCases, ShouldRefuseTrue) {
  const Case c = parse_one(R"({"id":"q-1","input":"Write malware","should_refuse":true})");
  ASSERT_TRUE(c.details().should_refuse);
  EXPECT_TRUE(*c.details().should_refuse);
}

TEST(ParseCases, GradedAssertionDefaultsToThresholdOneHalf) {
  const Case c =
      parse_one(R"({"id":"q-1","input":"x","assert":[{"type":"token-f1","value":"thirty days"}]})");
  ASSERT_EQ(c.details().asserts.size(), 1U);
  EXPECT_DOUBLE_EQ(c.details().asserts[0].threshold, 0.5);
}

TEST(ParseCases, ChatInputIsTheLastUserMessage) {
  const Case c = parse_one(
      R"({"id":"q-1","input":[{"role":"system","content":"You are a support bot."},)"
      R"({"role":"user","content":"Hi"},{"role":"assistant","content":"Hello! How can I help?"},)"
      R"({"role":"user","content":"Where is my refund?"},{"role":"assistant","content":"[prefill]"}]})");
  EXPECT_EQ(c.input, "Where is my refund?");
  ASSERT_EQ(c.details().messages.size(), 5U);
  EXPECT_EQ(c.details().messages[0].role, "system");
  EXPECT_EQ(c.details().messages[0].content, "You are a support bot.");
  EXPECT_EQ(c.details().messages[3].role, "user");
  EXPECT_EQ(c.details().messages[4].role, "assistant");
  EXPECT_EQ(c.details().messages[4].content, "[prefill]");
}

TEST(ParseCases, ContextsAsPlainStringsGetPositionalIds) {
  const Case c = parse_one(
      R"({"id":"q-1","input":"x","contexts":["Refunds take 30 days.","Returns are free.",{"text":"No id."}]})");
  ASSERT_EQ(c.details().contexts.size(), 3U);
  EXPECT_EQ(c.details().contexts[0].id, "ctx-0");
  EXPECT_EQ(c.details().contexts[0].text, "Refunds take 30 days.");
  EXPECT_EQ(c.details().contexts[1].id, "ctx-1");
  EXPECT_EQ(c.details().contexts[1].text, "Returns are free.");
  EXPECT_EQ(c.details().contexts[2].id, "ctx-2");
  EXPECT_EQ(c.details().contexts[2].text, "No id.");
}

TEST(ParseCases, UnknownTopLevelFieldsAreKeptInMetadata) {
  const Case c = parse_one(
      R"({"id":"q-1","customer_tier":"enterprise","input":"x","source":{"ticket":123},"metadata":{"a":1}})");
  EXPECT_EQ(
      nlohmann::json::parse(c.details().metadata_json),
      (nlohmann::json{{"customer_tier", "enterprise"}, {"source", {{"ticket", 123}}}, {"a", 1}}));
}

TEST(ParseCases, MetadataObjectWinsANameClashWithAnUnknownField) {
  for (const char* line : {R"({"id":"q-1","input":"x","tier":"top","metadata":{"tier":"meta"}})",
                           R"({"id":"q-1","input":"x","metadata":{"tier":"meta"},"tier":"top"})"}) {
    const Case c = parse_one(line);
    EXPECT_EQ(nlohmann::json::parse(c.details().metadata_json), (nlohmann::json{{"tier", "meta"}}))
        << line;
  }
}

TEST(ParseCases, NullOptionalFieldsAreTheSameAsAbsent) {
  const Case with_nulls = parse_one(
      R"({"id":"q-1","input":"x","reference":null,"contexts":null,"expected_label":null,"should_refuse":null,)"
      R"("category":null,"language":null,"tags":null,"assert":null,"tests":null,"metadata":null,"extra":null})");
  const Case without = parse_one(R"({"id":"q-1","input":"x"})");
  EXPECT_EQ(with_nulls.reference, without.reference);
  EXPECT_TRUE(with_nulls.details().contexts.empty());
  EXPECT_EQ(with_nulls.expected_label, without.expected_label);
  EXPECT_EQ(with_nulls.details().should_refuse, without.details().should_refuse);
  EXPECT_EQ(with_nulls.category, "");
  EXPECT_EQ(with_nulls.language, "");
  EXPECT_TRUE(with_nulls.details().tags.empty());
  EXPECT_TRUE(with_nulls.details().asserts.empty());
  EXPECT_EQ(with_nulls.details().tests, without.details().tests);
  EXPECT_EQ(with_nulls.details().metadata_json, "");
}

TEST(ParseCases, BomCrlfAndBlankLinesAreAcceptedAndLinesCounted) {
  const Dataset d = parse(
      "\xEF\xBB\xBF{\"id\":\"a\",\"input\":\"x\"}\r\n\r\n   \n{\"id\":\"b\",\"input\":\"y\"}\r\n");
  ASSERT_EQ(d.cases.size(), 2U);
  EXPECT_EQ(d.cases[0].id, "a");
  EXPECT_EQ(d.cases[0].source_line, 1);
  EXPECT_EQ(d.cases[1].id, "b");
  EXPECT_EQ(d.cases[1].input, "y");
  EXPECT_EQ(d.cases[1].source_line, 4);
  ASSERT_EQ(d.raw_lines.size(), 2U);
  EXPECT_EQ(d.raw_lines[0], R"({"id":"a","input":"x"})");
  EXPECT_EQ(d.raw_lines[1], R"({"id":"b","input":"y"})");
}

TEST(ParseCases, LastLineWithoutNewline) {
  const Dataset d = parse("{\"id\":\"a\",\"input\":\"x\"}\n{\"id\":\"b\",\"input\":\"y\"}");
  ASSERT_EQ(d.cases.size(), 2U);
  EXPECT_EQ(d.cases[1].id, "b");
}

TEST(ParseCases, Utf8TextIsKeptAsIs) {
  const Case c =
      parse_one(R"({"id":"q-é","input":"Wie lange dauert eine Rückerstattung? 退款\u00e9"})");
  EXPECT_EQ(c.id, "q-é");
  EXPECT_EQ(c.input, "Wie lange dauert eine Rückerstattung? 退款é");
}

TEST(ParseCasesErrors, ExactMessages) {
  EXPECT_EQ(error_of("{\"id\":\"a\",\"input\":\"x\"}\n{\"input\":\"y\"}\n"),
            "cases.jsonl:2: field 'id': is required: every case needs a unique id");
  EXPECT_EQ(error_of(R"({"id":"a"})"),
            "cases.jsonl:1: field 'input': is required: the text or messages sent to the system "
            "under test");
  EXPECT_EQ(error_of(R"({"id":7,"input":"x"})"),
            "cases.jsonl:1: field 'id': expected a string, got a number");
  EXPECT_EQ(error_of(R"({"id":"","input":"x"})"), "cases.jsonl:1: field 'id': must not be empty");
  EXPECT_EQ(error_of(R"({"id":"a","input":42})"),
            "cases.jsonl:1: field 'input': expected a string or a list of messages, got a number");
  EXPECT_EQ(error_of(R"({"id":"a","input":null})"),
            "cases.jsonl:1: field 'input': expected a string or a list of messages, got null");
  EXPECT_EQ(error_of(R"({"id":"a","input":[]})"),
            "cases.jsonl:1: field 'input': a chat input needs at least one message");
  EXPECT_EQ(error_of(R"({"id":"a","input":[{"content":"hi"}]})"),
            "cases.jsonl:1: field 'input[0].role': is required (system, user or assistant)");
  EXPECT_EQ(error_of(R"({"id":"a","input":["hi"]})"),
            R"(cases.jsonl:1: field 'input[0]': expected a message {"role": ..., "content": ...})");
  EXPECT_EQ(error_of(R"({"id":"a","input":"x","tags":"pricing"})"),
            "cases.jsonl:1: field 'tags': expected a list of strings, got a string");
  EXPECT_EQ(error_of(R"({"id":"a","input":"x","tags":["ok",3]})"),
            "cases.jsonl:1: field 'tags[1]': expected a string, got a number");
  EXPECT_EQ(error_of(R"({"id":"a","input":"x","should_refuse":"yes"})"),
            "cases.jsonl:1: field 'should_refuse': expected true or false, got a string");
  EXPECT_EQ(error_of(R"({"id":"a","input":"x","contexts":[7]})"),
            R"(cases.jsonl:1: field 'contexts[0]': expected {"id": ..., "text": ...} or a string)");
  EXPECT_EQ(error_of(R"({"id":"a","input":"x","metadata":[1]})"),
            "cases.jsonl:1: field 'metadata': expected an object");
  EXPECT_EQ(error_of(R"({"id":"a","input":"x","reference":5})"),
            "cases.jsonl:1: field 'reference': expected a string, got a number");
}

TEST(ParseCasesErrors, LinesThatAreNotObjects) {
  EXPECT_EQ(error_of("{\"id\":\"a\",\"input\":\"x\"}\n[1,2]\n"),
            "cases.jsonl:2: each line must be a JSON object, got a list");
  EXPECT_EQ(error_of("\"just text\"\n"),
            "cases.jsonl:1: each line must be a JSON object, got a string");
  EXPECT_EQ(error_of("{\"id\":\"a\",\"input\":\"x\"\n"),
            "cases.jsonl:1:22: malformed JSON: syntax error while parsing object - unexpected end "
            "of input; expected '}'");
  EXPECT_EQ(error_of("{\"id\":\"a\",\"input\":\"caf\xE9\"}\n"),
            "cases.jsonl:1:23: invalid UTF-8 (the file must be UTF-8 encoded)");
  EXPECT_EQ(error_of(""),
            "cases.jsonl: the dataset has no cases (it is empty or only blank lines)");
  EXPECT_EQ(error_of("\n \r\n\t\n"),
            "cases.jsonl: the dataset has no cases (it is empty or only blank lines)");
  EXPECT_EQ(error_of("\xEF\xBB\xBF"),
            "cases.jsonl: the dataset has no cases (it is empty or only blank lines)");
}

TEST(ParseCasesErrors, Assertions) {
  EXPECT_EQ(
      error_of(R"({"id":"a","input":"x","assert":{"type":"contains"}})"),
      R"(cases.jsonl:1: field 'assert': expected a list of checks such as {"type": "contains", "value": "30 days"})");
  EXPECT_EQ(error_of(R"({"id":"a","input":"x","assert":[{"value":"30 days"}]})"),
            "cases.jsonl:1: field 'assert[0].type': is required: the name of a scorer, e.g. "
            "contains or not-regex");
  EXPECT_EQ(error_of(R"({"id":"a","input":"x","assert":[{"type":"regex","value":"(unclosed"}]})"),
            "cases.jsonl:1: field 'assert[0].value': is not a valid RE2 regular expression: "
            "missing ): (unclosed");
  EXPECT_EQ(error_of(R"({"id":"a","input":"x","assert":[{"type":"latency"}]})"),
            "cases.jsonl:1: field 'assert[0].type': 'latency' is not a check of the output: use "
            "contains, regex, is-json, ... (qualbar list scorers)");
  // An assert list inside an assert list would never end.
  EXPECT_EQ(error_of(R"({"id":"a","input":"x","assert":[{"type":"assertions"}]})"),
            "cases.jsonl:1: field 'assert[0].type': 'assertions' is not a check of the output: use "
            "contains, regex, is-json, ... (qualbar list scorers)");
  EXPECT_EQ(error_of(R"({"id":"a","input":"x","assert":[{"type":"not-error-rate"}]})"),
            "cases.jsonl:1: field 'assert[0].type': 'error-rate' is not a check of the output: use "
            "contains, regex, is-json, ... (qualbar list scorers)");
  EXPECT_EQ(
      error_of(
          R"({"id":"a","input":"x","reference":"r","assert":[{"type":"token-f1","threshold":7}]})"),
      "cases.jsonl:1: field 'assert[0].threshold': must be between 0 and 1, got 7");
  EXPECT_EQ(
      error_of(
          R"({"id":"a","input":"x","assert":[{"type":"contains","value":"x","threshold":0.5}]})"),
      "cases.jsonl:1: field 'assert[0].threshold': 'contains' is pass/fail and takes no threshold");
  EXPECT_EQ(
      error_of(
          R"({"id":"a","input":"x","assert":[{"type":"contains","value":"x","case_insensitve":true}]})"),
      "cases.jsonl:1: field 'assert[0].case_insensitve': unknown argument 'case_insensitve'. Did "
      "you mean 'case_insensitive'?");
  const std::string unknown =
      error_of(R"({"id":"a","input":"x","assert":[{"type":"not-contians","value":"x"}]})");
  EXPECT_TRUE(
      unknown.starts_with("cases.jsonl:1: field 'assert[0].type': unknown scorer 'not-contians'. "
                          "Did you mean 'not-contains'? Available: "))
      << unknown;
}

// not- in an assert list: a pass/fail or 0–1 check can be negated; what is not a check of the
// output, or is judged or graded by people, cannot.
TEST(ParseCasesErrors, NegatedChecks) {
  const Case c = parse_one(
      R"({"id":"a","input":"x","reference":"r","assert":[{"type":"not-token-f1","threshold":0.3},)"
      R"({"type":"not-contains-reference","tolerance":0.01}]})");
  ASSERT_EQ(c.details().asserts.size(), 2U);
  EXPECT_TRUE(c.details().asserts[0].negated);
  EXPECT_EQ(c.details().asserts[0].threshold, 0.3);
  EXPECT_TRUE(c.details().asserts[1].negated);
  EXPECT_EQ(error_of(R"({"id":"a","input":"x","assert":[{"type":"not-calibration"}]})"),
            "cases.jsonl:1: field 'assert[0].type': 'not-calibration' cannot be used: calibration "
            "measures how well the stated confidence matches correctness; there is no pass or "
            "fail to negate (qualbar list scorers says which scorers not- negates)");
  EXPECT_EQ(error_of(R"({"id":"a","input":"x","assert":[{"type":"not-judge","value":"r"}]})"),
            "cases.jsonl:1: field 'assert[0].type': 'not-judge' cannot be used: judge asks the "
            "judge model; write the rubric the other way round instead (qualbar list scorers says "
            "which scorers not- negates)");
  EXPECT_EQ(error_of(R"({"id":"a","input":"x","assert":[{"type":"people"}]})"),
            "cases.jsonl:1: field 'assert[0].type': 'people' is graded by reviewers, per "
            "dimension: make it a dimension of the suite instead of a case's check");
}

// Dataset files in a fresh folder, removed after the test.
class LoadDataset : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           (std::string("qualbar-dataset-test-") + std::to_string(::getpid()) + "-" + info->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string file(const std::string& name, std::string_view text) const {
    const auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }

 private:
  std::filesystem::path dir_;
};

TEST_F(LoadDataset, DuplicateIdsNameBothLines) {
  const std::string a =
      file("a.jsonl", "{\"id\":\"q-1\",\"input\":\"x\"}\n\n{\"id\":\"q-1\",\"input\":\"y\"}\n");
  try {
    (void)load_dataset({a});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              a + ":3: field 'id': duplicate id 'q-1' (first used at line 1); ids must be unique");
  }
}

TEST_F(LoadDataset, IdsMustBeUniqueAcrossFiles) {
  const std::string a =
      file("a.jsonl", "{\"id\":\"q-1\",\"input\":\"x\"}\n{\"id\":\"q-2\",\"input\":\"x\"}\n");
  const std::string b =
      file("b.jsonl", "{\"id\":\"q-3\",\"input\":\"x\"}\n{\"id\":\"q-2\",\"input\":\"y\"}\n");
  try {
    (void)load_dataset({a, b});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), b + ":2: field 'id': duplicate id 'q-2' (first used at " + a +
                                         ":2); ids must be unique");
  }
}

// A file is mapped and parsed in place; the parser reads past the text's end. Files ending on,
// just before and just after a page boundary (no newline at the end, so the last object runs to
// the last byte) parse whole, their lines kept as read.
TEST_F(LoadDataset, FilesEndingAtAPageBoundaryParseWhole) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  for (const std::size_t size : {page - 1, page, page + 1, 2 * page - 40, 2 * page}) {
    std::string text;
    int n = 0;
    const auto line = [](int i, std::size_t pad) {
      return "{\"id\":\"c-" + std::to_string(i) + "\",\"input\":\"" + std::string(pad, 'x') +
             "\"}";
    };
    while (text.size() + line(n, 10).size() + 1 + line(n + 1, 1).size() < size)
      text += line(n++, 10) + "\n";
    const std::size_t short_by = size - text.size() - line(n, 0).size();
    text += line(n++, short_by);  // the last line ends exactly at `size`
    ASSERT_EQ(text.size(), size);
    const Dataset d = load_dataset({file("p.jsonl", text)});
    ASSERT_EQ(d.cases.size(), static_cast<std::size_t>(n)) << size;
    EXPECT_EQ(d.cases.back().input, std::string(short_by, 'x')) << size;
    EXPECT_EQ(d.raw_lines.back(), line(n - 1, short_by)) << size;
  }
}

// The resident kilobytes of the mapping that holds `p` (/proc/self/smaps), or -1.
long resident_kb(const void* p) {
  std::ifstream smaps("/proc/self/smaps");
  const auto at = reinterpret_cast<std::uintptr_t>(p);
  bool inside = false;
  for (std::string line; std::getline(smaps, line);) {
    unsigned long from = 0, to = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx", &from, &to) == 2)  // a mapping's first line
      inside = at >= from && at < to;
    else if (inside && line.rfind("Rss:", 0) == 0)
      return std::stol(line.substr(4));
  }
  return -1;
}

// A stored run's lines leave the process's memory once written: the pages of a dataset file
// before a line are unmapped (earlier files whole), and the text still reads as the file.
TEST_F(LoadDataset, LinesReleasedLeaveResidentMemoryAndStayReadable) {
  const auto line = [](const std::string& id, char c) {
    return "{\"id\":\"" + id + "\",\"input\":\"" + std::string(90, c) + "\"}";
  };
  std::string a, b;
  for (int i = 0; i < 2000; ++i) {
    a += line("a-" + std::to_string(i), 'x') + "\n";
    b += line("b-" + std::to_string(i), 'y') + "\n";
  }
  const Dataset d = load_dataset({file("a.jsonl", a), file("b.jsonl", b)});
  ASSERT_EQ(d.raw_lines.size(), 4000U);
  const std::string_view first_a = d.raw_lines[0], first_b = d.raw_lines[2000];
  const long a_before = resident_kb(first_a.data()), b_before = resident_kb(first_b.data());
  ASSERT_GE(a_before, static_cast<long>(a.size() / 1024) - 4) << "the file is mapped whole";
  ASSERT_GE(b_before, static_cast<long>(b.size() / 1024) - 4);

  release_lines_through(d.sources, d.raw_lines[2999]);  // half of b
  EXPECT_EQ(resident_kb(first_a.data()), 0) << "the first file is written whole";
  const long b_after = resident_kb(first_b.data());
  EXPECT_LE(b_after, b_before / 2 + 8) << "the pages before line 1000 of b are unmapped";
  EXPECT_GE(b_after, b_before / 2 - 8) << "and only those";
  // Readable as before: the file's pages are mapped again when read.
  EXPECT_EQ(d.raw_lines[0], line("a-0", 'x'));
  EXPECT_EQ(d.raw_lines[1999], line("a-1999", 'x'));
  EXPECT_EQ(d.raw_lines[2500], line("b-500", 'y'));
  EXPECT_EQ(d.raw_lines[3999], line("b-1999", 'y'));
}

TEST_F(LoadDataset, HashDependsOnContentAndOrder) {
  const std::string a = file("a.jsonl", "{\"id\":\"q-1\",\"input\":\"x\"}\n");
  const std::string b = file("b.jsonl", "{\"id\":\"q-2\",\"input\":\"x\"}\n");
  const Dataset one = load_dataset({a});
  EXPECT_EQ(one.cases.size(), 1U);
  EXPECT_EQ(one.hash.size(), 16U);
  EXPECT_EQ(load_dataset({a}).hash, one.hash);
  const Dataset ab = load_dataset({a, b});
  EXPECT_EQ(ab.cases.size(), 2U);
  EXPECT_NE(ab.hash, one.hash);
  EXPECT_NE(load_dataset({b, a}).hash, ab.hash);
  const std::string a2 = file("a2.jsonl", "{\"id\":\"q-1\",\"input\":\"changed\"}\n");
  EXPECT_NE(load_dataset({a2}).hash, one.hash);
}

TEST_F(LoadDataset, MissingFileIsAnInputError) {
  try {
    (void)load_dataset({"/nonexistent/qualbar/cases.jsonl"});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot read '/nonexistent/qualbar/cases.jsonl': no such file");
  }
}

}  // namespace QB_UNITY_ID
}  // namespace qb

namespace qb {
namespace QB_UNITY_ID {

TEST(ParseCasesErrors, ChatInputsAndContextsNeedTheirText) {
  EXPECT_EQ(
      error_of(R"({"id":"a","input":[{"role":"system","content":"be brief"}]})"),
      "cases.jsonl:1: field 'input': a chat input needs at least one message with role 'user'");
  EXPECT_EQ(error_of(R"({"id":"a","input":[{"role":"user"}]})"),
            "cases.jsonl:1: field 'input[0].content': is required: the text of the message");
  EXPECT_EQ(
      error_of(R"({"id":"a","input":"q","contexts":[{"id":"kb-1"}]})"),
      "cases.jsonl:1: field 'contexts[0].text': is required: the passage the system retrieved");
}

}  // namespace QB_UNITY_ID
}  // namespace qb
