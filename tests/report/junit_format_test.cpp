// The junit report format (src/report/junit_format.cpp): one testcase per bar-checked cell and per
// fairness bar, failures with the terminal's sentence, and well-formed XML 1.0 whatever the data.
#include <map>
#include <memory>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "qualbar/bind/bind.hpp"
#include "qualbar/io/dataset.hpp"
#include "qualbar/metrics/scoring.hpp"
#include "qualbar/report/format.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb {
namespace QB_UNITY_ID {

// A minimal XML 1.0 reader for the tests: elements, attributes, text, the five predefined entities
// and character references. It rejects what a conforming parser rejects in such documents: bad
// UTF-8, characters XML 1.0 does not allow, a raw '<' or '&' in text or attributes, an unknown
// entity, a mismatched or unclosed tag, a duplicate attribute, content after the root.
struct Element {
  std::string name;
  std::map<std::string, std::string> attributes;
  std::vector<std::unique_ptr<Element>> children;
  std::string text;

  std::vector<const Element*> all(const std::string& n) const {
    std::vector<const Element*> out;
    for (const auto& c : children) {
      if (c->name == n) out.push_back(c.get());
      for (const Element* d : c->all(n)) out.push_back(d);
    }
    return out;
  }
};

class XmlReader {
 public:
  explicit XmlReader(std::string s) : s_(std::move(s)) {}

  std::unique_ptr<Element> document() {
    check_characters();
    if (s_.rfind("<?xml ", 0) == 0) {
      const auto end = s_.find("?>");
      if (end == std::string::npos) fail("unclosed XML declaration");
      i_ = end + 2;
    }
    skip_space();
    auto root = element();
    skip_space();
    if (i_ != s_.size()) fail("content after the root element");
    return root;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error(fmt::format("offset {}: {}", i_, what));
  }

  // Decodes UTF-8 and checks every code point is an XML 1.0 Char.
  void check_characters() const {
    for (std::size_t i = 0; i < s_.size();) {
      const unsigned char c = static_cast<unsigned char>(s_[i]);
      const int len = c < 0x80         ? 1
                      : (c >> 5) == 6  ? 2
                      : (c >> 4) == 14 ? 3
                      : (c >> 3) == 30 ? 4
                                       : 0;
      if (len == 0 || i + len > s_.size()) throw std::runtime_error("invalid UTF-8");
      char32_t cp = len == 1 ? c : c & (0xFF >> (len + 1));
      for (int k = 1; k < len; ++k) {
        const unsigned char t = static_cast<unsigned char>(s_[i + k]);
        if ((t & 0xC0) != 0x80) throw std::runtime_error("invalid UTF-8");
        cp = (cp << 6) | (t & 0x3F);
      }
      if (!allowed(cp))
        throw std::runtime_error(
            fmt::format("character U+{:04X} not allowed", static_cast<unsigned>(cp)));
      i += static_cast<std::size_t>(len);
    }
  }
  static bool allowed(char32_t cp) {
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
           (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
  }

  void skip_space() {
    while (i_ < s_.size() && std::string_view(" \t\r\n").find(s_[i_]) != std::string_view::npos)
      ++i_;
  }

  std::string name() {
    const std::size_t start = i_;
    while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_' ||
                              s_[i_] == '-' || s_[i_] == ':' || s_[i_] == '.'))
      ++i_;
    if (i_ == start) fail("expected a name");
    return s_.substr(start, i_ - start);
  }

  // Text up to `stop`, with references decoded; '<' and a bare '&' are errors.
  std::string chars(char stop) {
    std::string out;
    while (i_ < s_.size() && s_[i_] != stop) {
      const char c = s_[i_];
      if (c == '<') fail("raw '<'");
      if (c != '&') {
        out += c;
        ++i_;
        continue;
      }
      const auto end = s_.find(';', i_);
      if (end == std::string::npos) fail("bare '&'");
      const std::string ref = s_.substr(i_ + 1, end - i_ - 1);
      static const std::map<std::string, std::string> named = {
          {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}};
      if (auto it = named.find(ref); it != named.end()) {
        out += it->second;
      } else if (ref.size() > 1 && ref[0] == '#') {
        const unsigned long cp =
            ref[1] == 'x' ? std::stoul(ref.substr(2), nullptr, 16) : std::stoul(ref.substr(1));
        if (!allowed(static_cast<char32_t>(cp)) || cp > 0x7F) fail("bad character reference");
        out += static_cast<char>(cp);
      } else {
        fail("unknown entity &" + ref + ";");
      }
      i_ = end + 1;
    }
    return out;
  }

  std::unique_ptr<Element> element() {
    if (s_.compare(i_, 1, "<") != 0) fail("expected '<'");
    ++i_;
    auto e = std::make_unique<Element>();
    e->name = name();
    for (;;) {
      skip_space();
      if (s_.compare(i_, 2, "/>") == 0) {
        i_ += 2;
        return e;
      }
      if (s_.compare(i_, 1, ">") == 0) {
        ++i_;
        break;
      }
      const std::string key = name();
      if (s_.compare(i_, 2, "=\"") != 0) fail("expected =\" after " + key);
      i_ += 2;
      std::string value = chars('"');
      if (i_ >= s_.size()) fail("unclosed attribute");
      ++i_;
      if (!e->attributes.emplace(key, value).second) fail("duplicate attribute " + key);
    }
    for (;;) {
      e->text += chars('<');
      if (i_ >= s_.size()) fail("unclosed <" + e->name + ">");
      if (s_.compare(i_, 2, "</") == 0) {
        i_ += 2;
        if (name() != e->name) fail("mismatched end tag of <" + e->name + ">");
        skip_space();
        if (s_.compare(i_, 1, ">") != 0) fail("expected '>'");
        ++i_;
        return e;
      }
      e->children.push_back(element());
    }
  }

  std::string s_;
  std::size_t i_ = 0;
};

std::unique_ptr<Element> parse_xml(const std::string& s) { return XmlReader(s).document(); }

TEST(XmlReader, RejectsWhatIsNotWellFormed) {
  for (const char* bad :
       {"<a>", "<a></b>", "<a>x & y</a>", "<a>x < y</a>", "<a b=\"<\"/>", "<a>&nbsp;</a>",
        "<a/><b/>", "<a b=\"1\" b=\"2\"/>", "<a>\x01</a>", "<a>\xC3</a>", "<a>\xEF\xBF\xBE</a>"}) {
    EXPECT_THROW(parse_xml(bad), std::runtime_error) << bad;
  }
  const auto ok = parse_xml("<?xml version=\"1.0\"?>\n<a b=\"&lt;&#10;\"><c>x &amp; y</c></a>");
  EXPECT_EQ(ok->attributes.at("b"), "<\n");
  EXPECT_EQ(ok->children[0]->text, "x & y");
}

// Everything XML could choke on, and characters XML 1.0 does not allow at all.
const std::string kHostile = "a&b <c> \"d\" 'e' ]]> \x01\x0b\x1f tab\there\nnl \xEF\xBF\xBF end";

struct Built {
  Suite suite;
  Dataset dataset;
  std::vector<Response> responses;
  ScoreTable scores;
  Report report;
};

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<int>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

Built build(const std::string& model) {
  Built b;
  b.suite = read_suite(R"(schema_version: 1
name: support<&>
datasets: cases.jsonl
dimensions:
  correct: exact-match
  latency: latency
slices: [category]
bars:
  correct:
    min: 0.5
    per_slice: {min: 0.5}
  latency:
    p95_max: 2000
critical_slices:
  - slice: category=refund-dispute
    bars:
      correct: {min: 0.9}
  - slice: category=chargeback
    bars:
      correct: {min: 0.9}
fairness:
  - dimension: correct
    across: category
    max_gap: 0.2
    min_ratio: 0.1
    min_cases: 3
)",
                       "suite.yaml", ".");
  std::vector<std::pair<std::string, bool>> cases;
  for (int i = 0; i < 8; ++i) cases.emplace_back("billing", true);
  for (int i = 0; i < 4; ++i) cases.emplace_back("refund-dispute", i < 2);
  for (int i = 0; i < 3; ++i) cases.emplace_back(kHostile, false);
  std::string text;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    text += fmt::format(R"({{"id":"c{}","input":"q","reference":"yes","category":{}}})", i,
                        json_string(cases[i].first)) +
            "\n";
  }
  parse_cases(text, "cases.jsonl", b.dataset);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    Response r;
    r.id = b.dataset.cases[i].id;
    r.output = cases[i].second ? "yes" : "no";
    r.latency_ms = 800.0 + 100.0 * static_cast<double>(i);
    b.responses.push_back(r);
  }
  const auto scorers = build_scorers(b.suite);
  b.scores = score_cases(scorers, b.dataset.cases, b.responses);
  RunInfo run;
  run.id = "r-20261127-093906-abcd";
  run.model = model;
  run.started_at = "2026-11-27T09:39:06.015Z";
  run.ended_at = "2026-11-27T09:39:08.515Z";
  b.report = build_report(b.suite, b.dataset.cases, b.responses, b.scores, run);
  return b;
}

std::string junit(const Built& b) {
  std::ostringstream out;
  report_format_registry().get("junit").write(
      ReportInput{b.report, b.suite, b.dataset.cases, b.responses, b.scores}, out);
  return out.str();
}

std::string replaced(std::string s) {  // what the format makes of kHostile: disallowed → U+FFFD
  for (const std::string bad : {"\x01", "\x0b", "\x1f", "\xEF\xBF\xBF"}) {
    for (auto p = s.find(bad); p != std::string::npos; p = s.find(bad))
      s.replace(p, bad.size(), "\uFFFD");
  }
  return s;
}

TEST(JunitFormat, OneTestcasePerBarCheckedCellAndFairnessBarEachFailureWithItsSentence) {
  const Built b = build("bot-v2");
  const std::string xml = junit(b);
  std::unique_ptr<Element> root;
  ASSERT_NO_THROW(root = parse_xml(xml)) << xml;
  ASSERT_EQ(root->name, "testsuites");
  const auto suites = root->all("testsuite");
  ASSERT_EQ(suites.size(), 1U);
  const Element& suite = *suites[0];
  EXPECT_EQ(suite.attributes.at("name"), "support<&>");
  EXPECT_EQ(suite.attributes.at("time"), "2.500");

  // Expected from the report itself: every cell with a bar, every fairness bar, and the critical
  // slice no case falls in (chargeback).
  std::size_t cells = 0, failing_cells = 0, fairness_bars = 0, no_cases = 0;
  for (const auto& d : b.report.dimensions) {
    for (const Cell* c = &d.overall; c; c = nullptr) cells += c->bars.empty() ? 0 : 1;
    failing_cells += d.overall.status == CellStatus::fail ? 1 : 0;
    for (const auto& c : d.cells) {
      cells += c.bars.empty() ? 0 : 1;
      failing_cells += c.status == CellStatus::fail ? 1 : 0;
    }
  }
  std::size_t failing_fairness = 0;
  for (const auto& f : b.report.fairness) {
    fairness_bars += f.bars.size();
    for (const auto& bar : f.bars) failing_fairness += bar.passed ? 0 : 1;
  }
  for (const auto& f : b.report.failures) no_cases += f.dimension ? 0 : 1;
  ASSERT_EQ(fairness_bars, 2U);
  ASSERT_EQ(no_cases, 1U);
  ASSERT_GE(failing_cells, 2U);  // refund-dispute (critical) and the hostile category

  const auto testcases = suite.all("testcase");
  const auto failures = suite.all("failure");
  EXPECT_EQ(testcases.size(), cells + fairness_bars + no_cases);
  EXPECT_EQ(failures.size(), failing_cells + failing_fairness + no_cases);
  EXPECT_EQ(suite.attributes.at("tests"), std::to_string(testcases.size()));
  EXPECT_EQ(suite.attributes.at("failures"), std::to_string(failures.size()));
  EXPECT_EQ(root->attributes.at("tests"), std::to_string(testcases.size()));
  // Each cell misses at most one bar here, so every failure of the report is one <failure>, with
  // the sentence the terminal prints.
  ASSERT_EQ(failures.size(), b.report.failures.size());
  std::vector<std::string> messages, expected;
  for (const Element* f : failures) messages.push_back(f->attributes.at("message"));
  for (const auto& f : b.report.failures) expected.push_back(replaced(failure_text(f, b.report)));
  std::sort(messages.begin(), messages.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(messages, expected);

  // The critical slice's testcase, its failure and body.
  const Element* critical = nullptr;
  for (const Element* t : testcases)
    if (t->attributes.at("name") == "correct · category=refund-dispute") critical = t;
  ASSERT_NE(critical, nullptr) << xml;
  EXPECT_EQ(critical->attributes.at("classname"), "support<&>.correct");
  ASSERT_EQ(critical->children.size(), 1U);
  const Element& failure = *critical->children[0];
  EXPECT_EQ(failure.attributes.at("message"),
            "correct in category=refund-dispute (critical slice): pass rate 50.0% [15.0%, 85.0%] "
            "is below the bar ≥ 90.0%");
  EXPECT_EQ(failure.attributes.at("type"), "bar");
  EXPECT_NE(failure.text.find("pass rate: 50.0% [15.0%, 85.0%] (n=4)"), std::string::npos)
      << failure.text;
  EXPECT_NE(failure.text.find("bar ≥ 90.0% (critical): observed 50.0%, missed"), std::string::npos)
      << failure.text;
  // A passing cell is an empty testcase.
  for (const Element* t : testcases) {
    if (t->attributes.at("name") == "correct · category=billing") {
      EXPECT_TRUE(t->children.empty());
    }
  }
  const auto out = suite.all("system-out");
  ASSERT_EQ(out.size(), 1U);
  EXPECT_NE(out[0]->text.find("run r-20261127-093906-abcd · model bot-v2"), std::string::npos);
}

TEST(JunitFormat, HostileStringsAreEscapedAndRoundTrip) {
  const Built b = build(kHostile);
  const std::string xml = junit(b);
  std::unique_ptr<Element> root;
  ASSERT_NO_THROW(root = parse_xml(xml)) << xml;
  // The category comes back exactly, but for the characters XML 1.0 cannot carry.
  bool found = false;
  for (const Element* t : root->all("testcase"))
    found = found || t->attributes.at("name") == "correct · category=" + replaced(kHostile);
  EXPECT_TRUE(found) << xml;
  std::string model;
  for (const Element* p : root->all("property"))
    if (p->attributes.at("name") == "model") model = p->attributes.at("value");
  EXPECT_EQ(model, replaced(kHostile));
  EXPECT_NE(root->all("system-out")[0]->text.find("model " + replaced(kHostile)),
            std::string::npos);
  EXPECT_EQ(xml.find("<c>"), std::string::npos);
  EXPECT_EQ(xml.find("]]>"), std::string::npos);
}

}  // namespace QB_UNITY_ID
}  // namespace qb
