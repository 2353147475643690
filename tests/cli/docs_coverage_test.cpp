// Everything `qualbar list` names is documented in docs/: a scorer has a section (a heading that
// names it) in docs/scorers.md, a provider in docs/providers.md; a report format and a store are
// named as a heading or a `code span` in their docs. A plugin added without its documentation
// fails here, with the name and the page to write.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "run_qualbar.hpp"

namespace qb {
namespace QB_UNITY_ID {

namespace fs = std::filesystem;

// The names `qualbar list WHAT` prints: the indented lines right under its heading line.
std::vector<std::string> listed(const std::string& what) {
  test::TempDir dir("qualbar-docs-coverage");
  const test::ProcessResult r = test::run_args({"list", what}, dir);
  EXPECT_EQ(r.exit_code, 0) << r.how_it_ended() << "\n" << r.err;
  std::vector<std::string> names;
  std::istringstream in(r.out);
  std::string line;
  std::getline(in, line);  // "Scorers (use one as ...):"
  while (std::getline(in, line) && line.starts_with("  ")) {
    std::istringstream words(line);
    std::string name;
    words >> name;
    names.push_back(name);
  }
  return names;
}

struct Doc {
  std::string file;
  std::vector<std::string> headings;  // the words of every heading (# … ######), as written
  std::vector<std::string> spans;     // every `code span`, outside fenced code blocks
};

Doc read_doc(const std::string& file) {
  Doc doc{file, {}, {}};
  const std::string text = test::read_text(fs::path(QB_SOURCE_DIR) / "docs" / file);
  EXPECT_FALSE(text.empty()) << "docs/" << file << " is missing or empty";
  static const std::regex span("`([^`\n]+)`");
  std::istringstream in(text);
  bool fenced = false;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("```")) {
      fenced = !fenced;
      continue;
    }
    if (fenced) continue;
    if (line.starts_with("#")) {
      std::string w;
      for (const char ch : line + " ") {
        if (std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '-' || ch == '_') {
          w += ch;
        } else if (!w.empty()) {
          doc.headings.push_back(w);
          w.clear();
        }
      }
    }
    for (std::sregex_iterator it(line.begin(), line.end(), span), end; it != end; ++it)
      doc.spans.push_back((*it)[1].str());
  }
  return doc;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(DocsCoverage, EveryScorerHasASectionInScorersMd) {
  const Doc doc = read_doc("scorers.md");
  const auto names = listed("scorers");
  EXPECT_GE(names.size(), 20U) << "qualbar list scorers printed too few names to be parsed right";
  for (const auto& name : names) {
    EXPECT_TRUE(contains(doc.headings, name))
        << "`qualbar list scorers` names '" << name << "', but no heading of docs/scorers.md "
        << "does: add a section (### " << name << ") saying what it measures, its arguments, "
        << "when it is not applicable and its evidence";
  }
}

TEST(DocsCoverage, EveryProviderHasASectionInProvidersMd) {
  const Doc doc = read_doc("providers.md");
  const auto names = listed("providers");
  EXPECT_GE(names.size(), 3U);
  for (const auto& name : names) {
    EXPECT_TRUE(contains(doc.headings, name))
        << "`qualbar list providers` names '" << name << "', but no heading of docs/providers.md "
        << "does: add a section (## " << name << ") with the system fields it reads";
  }
}

TEST(DocsCoverage, EveryReportFormatIsNamedInTheReportDocs) {
  const std::vector<Doc> docs = {read_doc("report-json.md"), read_doc("report-formats.md"),
                                 read_doc("report-html.md")};
  const auto names = listed("formats");
  EXPECT_GE(names.size(), 6U);
  for (const auto& name : names) {
    bool found = false;
    for (const Doc& d : docs)
      found = found || contains(d.headings, name) || contains(d.spans, name);
    EXPECT_TRUE(found) << "`qualbar list formats` names '" << name << "', but neither "
                       << "docs/report-json.md, docs/report-formats.md nor docs/report-html.md "
                       << "names it as `" << name << "` or in a heading: document what it writes";
  }
}

TEST(DocsCoverage, EveryStoreIsNamedInStoreMd) {
  const Doc doc = read_doc("store.md");
  const auto names = listed("stores");
  EXPECT_GE(names.size(), 1U);
  for (const auto& name : names) {
    EXPECT_TRUE(contains(doc.headings, name) || contains(doc.spans, name))
        << "`qualbar list stores` names '" << name << "', but docs/store.md does not name it as `"
        << name << "` or in a heading";
  }
}

// The parser above reads what `list` prints; a change of layout must not make the checks vacuous.
TEST(DocsCoverage, ListingIsReadAsNames) {
  const auto scorers = listed("scorers");
  EXPECT_TRUE(contains(scorers, "regex"));
  EXPECT_TRUE(contains(scorers, "contains-reference"));
  EXPECT_FALSE(contains(scorers, "Never:"));
  EXPECT_TRUE(contains(listed("providers"), "replay"));
  EXPECT_TRUE(contains(listed("formats"), "terminal"));
  // A heading's words, not its substrings: "contains" does not document "contains-all".
  const Doc doc = read_doc("scorers.md");
  EXPECT_TRUE(contains(doc.headings, "contains-all"));
  EXPECT_FALSE(contains(doc.headings, "ains"));
}

}  // namespace QB_UNITY_ID
}  // namespace qb
