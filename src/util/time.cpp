#include "qualbar/util/time.hpp"

#include <ctime>

#include <re2/re2.h>

namespace qb {

std::string to_utc_rfc3339(std::string_view s) {
  static const RE2 re(
      R"((\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2})))");
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  std::string frac, zone, sign, oh_text, om_text;  // optional groups: an unmatched one is ""
  if (!RE2::FullMatch(s, re, &y, &mo, &d, &h, &mi, &se, &frac, &zone, &sign, &oh_text, &om_text))
    return {};
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return {};
  const int oh = oh_text.empty() ? 0 : std::stoi(oh_text);
  const int om = om_text.empty() ? 0 : std::stoi(om_text);
  if (oh > 23 || om > 59) return {};
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = se;
  std::time_t t = timegm(&tm);  // normalises tm: 2026-02-31 becomes 2026-03-03
  if (tm.tm_mday != d || tm.tm_mon != mo - 1) return {};
  const int offset = (oh * 60 + om) * 60;
  if (sign == "+") t -= offset;
  if (sign == "-") t += offset;
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
  return std::string(buf) + frac + "Z";
}

std::string iso_week(std::string_view date) {
  std::tm tm{};
  const std::string day(date.substr(0, 10));
  if (day.size() < 10 || !strptime(day.c_str(), "%Y-%m-%d", &tm)) return {};
  const std::time_t t = timegm(&tm);
  std::tm norm{};
  gmtime_r(&t, &norm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%G-W%V", &norm);
  return buf;
}

}  // namespace qb
