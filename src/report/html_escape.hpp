#pragma once
// Escaping for the HTML report: every string that came from a dataset, a model or a suite goes
// through one of these before it reaches the page. Invalid UTF-8 becomes U+FFFD first.

#include <optional>
#include <string>
#include <string_view>

namespace qb::html {

// Element content (and RCDATA such as <title>): & < > " ' become character references; control
// characters other than tab, line feed and carriage return, and the bidirectional controls
// that reorder what a reader sees (U+202E …), become U+FFFD.
std::string text(std::string_view s);

// A double-quoted attribute value. The same escaping as text(): quotes cannot end the value.
std::string attr(std::string_view s);

// An http or https URL, escaped for an href; nullopt for any other scheme (javascript:, data:,
// vbscript:, relative URLs) and for URLs with white space or control characters, which browsers
// would strip or reinterpret ("java\tscript:").
std::optional<std::string> safe_url(std::string_view url);

// Escaped text in which every http(s) URL becomes a link that opens without a referrer or an
// opener. Anything else, a javascript: "link" included, stays text.
std::string linkify(std::string_view s);

// The stylesheet of qualbar's HTML pages (run report, comparison), inlined in each page.
const char* page_style();

}  // namespace qb::html
