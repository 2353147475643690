#include "qualbar/report/markdown.hpp"

#include "qualbar/util/text.hpp"

namespace qb {

std::string markdown_escape(std::string_view raw, std::size_t max) {
  const std::string text = to_valid_utf8(raw);
  std::string out;
  out.reserve(text.size() + 8);
  std::size_t points = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80 && points++ == max) {
      out += "…";
      break;
    }
    if (c < 0x20 || c == 0x7F) {
      out += ' ';
    } else if (const std::size_t len = hidden_control_at(text, i); len > 0) {
      out += "\xEF\xBF\xBD";  // a C1 or bidirectional control: shown, never obeyed
      i += len - 1;
    } else if (c == '@') {
      out += "@\u2060";
    } else if (std::string_view(R"(\`*_[]<>|~$&#!)").find(static_cast<char>(c)) !=
               std::string_view::npos) {
      out += '\\';
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace qb
