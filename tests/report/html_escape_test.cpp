// Escaping for the HTML report (src/report/html_escape.cpp), with hostile strings.
#include "report/html_escape.hpp"

#include <gtest/gtest.h>

namespace qb::html {
namespace QB_UNITY_ID {

TEST(HtmlEscape, TextEscapesMarkupQuotesAndAmpersands) {
  EXPECT_EQ(text("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
  EXPECT_EQ(text("\"><img src=x onerror=alert(1)>"),
            "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
  EXPECT_EQ(text("Tom & Jerry's \"show\""), "Tom &amp; Jerry&#39;s &quot;show&quot;");
  EXPECT_EQ(text("&lt;"), "&amp;lt;") << "an existing reference is escaped again, not trusted";
  EXPECT_EQ(text("plain text, ünïcödé ✓"), "plain text, ünïcödé ✓");
}

TEST(HtmlEscape, AttributeValuesCannotBeClosed) {
  EXPECT_EQ(attr("x\" onmouseover=\"alert(1)"), "x&quot; onmouseover=&quot;alert(1)");
  EXPECT_EQ(attr("x' onmouseover='alert(1)"), "x&#39; onmouseover=&#39;alert(1)");
}

TEST(HtmlEscape, InvalidUtf8AndControlCharactersBecomeReplacementCharacters) {
  EXPECT_EQ(text("a\xFF<b"), "a\xEF\xBF\xBD&lt;b");
  EXPECT_EQ(text(std::string_view("\xC3", 1)), "\xEF\xBF\xBD") << "a truncated sequence";
  EXPECT_EQ(text(std::string("a\0b\x1b[31m", 8)),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD[31m");
  EXPECT_EQ(text("line\nnext\ttab"), "line\nnext\ttab");
}

TEST(HtmlEscape, SafeUrlKeepsOnlyHttpAndHttps) {
  EXPECT_EQ(safe_url("https://example.com/a?b=1&c=2"), "https://example.com/a?b=1&amp;c=2");
  EXPECT_EQ(safe_url("HTTP://example.com/"), "HTTP://example.com/");
  EXPECT_EQ(safe_url("https://x.test/\"onmouseover=\"alert(1)"),
            "https://x.test/&quot;onmouseover=&quot;alert(1)");
  for (const char* bad :
       {"javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "java\tscript:x",
        "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "//evil.test/x",
        "/relative", "https://", "https://a.test/x y", "https://a.test/\nx", "ftp://a.test/"}) {
    EXPECT_EQ(safe_url(bad), std::nullopt) << bad;
  }
}

TEST(HtmlEscape, LinkifyLinksHttpUrlsAndLeavesEverythingElseAsText) {
  EXPECT_EQ(linkify("see https://docs.test/a?x=1&y=2."),
            "see <a href=\"https://docs.test/a?x=1&amp;y=2\" rel=\"noopener noreferrer "
            "nofollow\">https://docs.test/a?x=1&amp;y=2</a>.");
  EXPECT_EQ(linkify("click javascript:alert(1) now"), "click javascript:alert(1) now");
  EXPECT_EQ(linkify("<a href=\"javascript:alert(1)\">x</a>"),
            "&lt;a href=&quot;javascript:alert(1)&quot;&gt;x&lt;/a&gt;");
  // A quote ends the URL, so it cannot break out of the href.
  EXPECT_EQ(linkify("http://a.test/\"><script>alert(1)</script>"),
            "<a href=\"http://a.test/\" rel=\"noopener noreferrer nofollow\">http://a.test/</a>"
            "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
  EXPECT_EQ(linkify("javascript:http://a.test/"),
            "javascript:<a href=\"http://a.test/\" rel=\"noopener noreferrer nofollow\">"
            "http://a.test/</a>");
  EXPECT_EQ(linkify("bad \xFF byte"), "bad \xEF\xBF\xBD byte");
}

}  // namespace QB_UNITY_ID
}  // namespace qb::html
