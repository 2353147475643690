#pragma once
// Writing JSON text without building a document: for the lines written a million at a time
// (stored answers), where a DOM per line costs more than the rest of the save.

#include <string>
#include <string_view>

namespace qb {

// Appends `s` as a JSON string (quoted; `"`, `\` and control characters escaped). `s` is UTF-8;
// bytes from 0x80 up are copied as they are.
void append_json_string(std::string& out, std::string_view s);

// Appends a finite number as the shortest text that reads back as the same double, with ".0" on
// an integral value (as nlohmann::json writes it); `null` for NaN and infinities.
void append_json_number(std::string& out, double v);

}  // namespace qb
