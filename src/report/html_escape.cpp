#include "report/html_escape.hpp"

#include <algorithm>
#include <cctype>

#include "qualbar/util/text.hpp"

namespace qb::html {
namespace {

bool is_control(unsigned char c) {
  return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

// Where an http(s) URL starting at the front of `s` ends: at white space, a quote, an angle
// bracket, a control character, or trailing punctuation that usually closes the sentence.
std::size_t url_length(std::string_view s) {
  std::size_t n = 0;
  while (n < s.size()) {
    const auto c = static_cast<unsigned char>(s[n]);
    if (c <= 0x20 || c == 0x7F || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`') break;
    ++n;
  }
  while (n > 0 && std::string_view(".,;:!?)]}").find(s[n - 1]) != std::string_view::npos) --n;
  return n;
}

}  // namespace

std::string text(std::string_view s) {
  const std::string valid = to_valid_utf8(s);
  std::string out;
  out.reserve(valid.size() + valid.size() / 8);
  for (char ch : valid) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        if (is_control(static_cast<unsigned char>(ch)))
          out += "\xEF\xBF\xBD";
        else
          out += ch;
    }
  }
  return out;
}

std::string attr(std::string_view s) { return text(s); }

std::optional<std::string> safe_url(std::string_view url) {
  const std::size_t scheme = starts_with_nocase(url, "https://")  ? 8
                             : starts_with_nocase(url, "http://") ? 7
                                                                  : 0;
  if (scheme == 0 || url.size() == scheme) return std::nullopt;
  const bool clean = std::none_of(url.begin(), url.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c <= 0x20 || c == 0x7F;
  });
  if (!clean) return std::nullopt;
  return attr(url);
}

std::string linkify(std::string_view s) {
  std::string out;
  std::size_t done = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != 'h' && s[i] != 'H') continue;
    const std::string_view rest = s.substr(i);
    if (!starts_with_nocase(rest, "http://") && !starts_with_nocase(rest, "https://")) continue;
    const std::string_view url = rest.substr(0, url_length(rest));
    const auto href = safe_url(url);
    if (!href) continue;
    out += text(s.substr(done, i - done));
    out += "<a href=\"" + *href + "\" rel=\"noopener noreferrer nofollow\">" + text(url) + "</a>";
    i += url.size() - 1;
    done = i + 1;
  }
  out += text(s.substr(done));
  return out;
}

}  // namespace qb::html
