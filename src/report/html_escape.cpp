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
  for (std::size_t i = 0; i < valid.size(); ++i) {
    // A bidirectional override would reorder what the reader sees (U+202E shows "exe.txt" as
    // "txt.exe"); a C1 control has no business in a page either.
    if (const std::size_t len = hidden_control_at(valid, i); len > 0) {
      out += "\xEF\xBF\xBD";
      i += len - 1;
      continue;
    }
    const char ch = valid[i];
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

namespace {
constexpr const char* kStyle = R"css(
:root{--fail:#c62828;--pass:#2e7d32;--small:#b26a00;--none:#757575;--ink:#1c1c1c;--muted:#5f6368;
--line:#dadce0;--band:#f6f7f9;--accent:#1a56b0}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:var(--ink);margin:0;background:#fff}
main{max-width:1000px;margin:0 auto;padding:24px 28px 60px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:20px;margin:36px 0 6px;padding-top:12px;
border-top:1px solid var(--line)}h3{font-size:16px;margin:20px 0 6px}
.meta,.note{color:var(--muted);font-size:13px}
.notice{border-left:4px solid var(--small);background:#fff6e5;padding:8px 12px;margin:10px 0}
.verdict{border-radius:8px;padding:14px 18px;margin:18px 0;border:2px solid}
.verdict.fail{border-color:var(--fail);background:#fdecea}.verdict.pass{border-color:var(--pass);
background:#e9f5ea}.verdict .big{font-size:22px;font-weight:700}
.verdict.fail .big{color:var(--fail)}.verdict.pass .big{color:var(--pass)}
.verdict ol{margin:8px 0 0;padding-left:22px}.verdict li{margin:3px 0}
.crit{display:inline-block;font-size:11px;font-weight:700;color:#fff;background:var(--fail);
border-radius:3px;padding:0 5px;margin-right:6px;vertical-align:1px}
table{border-collapse:collapse;width:100%;font-size:13.5px;margin:6px 0}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--band);font-weight:600}td.num,th.num{text-align:right;
font-variant-numeric:tabular-nums;white-space:nowrap}
.status{font-weight:700;white-space:nowrap}.status.fail{color:var(--fail)}
.status.pass{color:var(--pass)}.status.small{color:var(--small)}.status.none{color:var(--none)}
.chart{display:block;max-width:100%;height:auto;margin:8px 0}
.chart text{font-size:12px;fill:var(--ink)}.chart .tick{fill:var(--muted);font-size:11px}
.chart .grid{stroke:#eceef1}.chart .band{fill:var(--band)}
.chart .bar{stroke:var(--fail);stroke-width:2;stroke-dasharray:5 3}
.chart .whisker{stroke:#444;stroke-width:1.5}.chart .beyond{fill:#444}
.chart .dot{stroke-width:2}.row.fail .dot{fill:var(--fail);stroke:var(--fail)}
.row.pass .dot{fill:var(--pass);stroke:var(--pass)}.row.small .dot{fill:#fff;stroke:var(--small)}
.row.none .dot{fill:#fff;stroke:var(--none)}.row.overall .label{font-weight:700}
.row.fail .label{fill:var(--fail)}
.chart .diagonal{stroke:var(--muted);stroke-dasharray:4 3}.chart .bin{fill:#7aa7e0}
.chart .bin.over{fill:#e0a07a}.chart .conf{fill:var(--ink)}
.chart .quantile{stroke:var(--ink);stroke-dasharray:2 2}.chart .mark{font-size:11px}
.legend{font-size:12.5px;color:var(--muted);margin:2px 0 8px}
.legend b{display:inline-block;width:10px;height:10px;border-radius:50%;margin:0 4px 0 12px;
vertical-align:-1px}.legend .l-fail{background:var(--fail)}.legend .l-pass{background:var(--pass)}
.legend .l-small{border:2px solid var(--small)}.legend .l-none{border:2px solid var(--none)}
.legend .l-bar{border-radius:0;width:0;height:12px;border-left:2px dashed var(--fail)}
details{margin:8px 0}summary{cursor:pointer;color:var(--accent)}
nav{font-size:13.5px;margin:8px 0}nav a{margin-right:12px}a{color:var(--accent)}
td.id{white-space:nowrap}.text{white-space:pre-wrap;overflow-wrap:anywhere;max-width:360px}
.evidence{white-space:pre-wrap;overflow-wrap:anywhere;max-width:300px}
input[type=search]{font:inherit;padding:6px 10px;width:360px;max-width:100%;
border:1px solid #aaa;border-radius:6px}
.kv{display:flex;flex-wrap:wrap;gap:6px 22px;font-size:13.5px;margin:6px 0}.kv b{font-weight:600}
footer{margin-top:40px;font-size:12px;color:var(--muted)}
)css";
}  // namespace

const char* page_style() { return kStyle; }

}  // namespace qb::html
