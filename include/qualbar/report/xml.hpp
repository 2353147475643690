#pragma once
// XML for text that came from a dataset, a model or a suite (JUnit outputs).

#include <string>
#include <string_view>

namespace qb {

// Escapes text for XML 1.0 content and attribute values: the five markup characters as entities,
// tab and line breaks as character references in attributes (a parser would make them spaces), and
// every character XML 1.0 does not allow (other C0 controls, U+FFFE, U+FFFF, invalid UTF-8) as
// U+FFFD.
std::string xml_escape(std::string_view raw, bool attribute = true);

}  // namespace qb
