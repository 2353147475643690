// Checksum and structure validators of the safety rule packs: a match of a rule's pattern is
// reported only when its validator accepts it (payment cards, IBANs, national ids, phones, JWTs,
// random tokens). Each takes the matched text and ignores separators.
#include "scorers/safety_validators.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>

#include <nlohmann/json.hpp>

#include "qualbar/util/text.hpp"

namespace qb::detail {
namespace {

std::string digits_of(std::string_view text) {
  std::string out;
  for (char c : text)
    if (c >= '0' && c <= '9') out += c;
  return out;
}

std::string upper_alnum_of(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c >= 'a' && c <= 'z')
      out += static_cast<char>(c - 'a' + 'A');
    else if (is_ascii_alnum(c))
      out += c;
  }
  return out;
}

bool only_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
bool all_same(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [&](char c) { return c == s.front(); });
}
int number_of(std::string_view digits) {
  int n = 0;
  for (char c : digits) n = n * 10 + (c - '0');
  return n;
}
}  // namespace

bool luhn_valid(std::string_view text) {
  const std::string d = digits_of(text);
  if (d.size() < 2 || (all_same(d) && d.front() == '0')) return false;
  int sum = 0;
  for (std::size_t i = 0; i < d.size(); ++i) {
    int v = d[d.size() - 1 - i] - '0';
    if (i % 2 == 1) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
    sum += v;
  }
  return sum % 10 == 0;
}

bool payment_card_valid(std::string_view text) {
  struct Network {
    int low, high, prefix_digits;
    std::uint32_t lengths;  // bit n set: n digits allowed
  };
  constexpr auto len = [](int from, int to) {
    std::uint32_t bits = 0;
    for (int n = from; n <= to; ++n) bits |= 1u << n;
    return bits;
  };
  // Issuer ranges (IIN) and card lengths of the networks in use; a number outside them is not a
  // card, whatever its checksum (IMEIs, order and tracking numbers are often Luhn-valid).
  static constexpr std::array<Network, 24> kNetworks = {{
      {4, 4, 1, len(13, 13) | len(16, 16) | len(19, 19)},  // Visa
      {51, 55, 2, len(16, 16)},
      {2221, 2720, 4, len(16, 16)},  // Mastercard
      {34, 34, 2, len(15, 15)},
      {37, 37, 2, len(15, 15)},  // American Express
      {6011, 6011, 4, len(16, 19)},
      {644, 649, 3, len(16, 19)},
      {65, 65, 2, len(16, 19)},      // Discover
      {3528, 3589, 4, len(16, 19)},  // JCB
      {300, 305, 3, len(14, 19)},
      {3095, 3095, 4, len(14, 19)},
      {36, 36, 2, len(14, 19)},
      {38, 39, 2, len(16, 19)},  // Diners Club
      {62, 62, 2, len(16, 19)},
      {81, 81, 2, len(16, 19)},  // UnionPay
      {50, 50, 2, len(13, 19)},
      {56, 58, 2, len(13, 19)},
      {63, 63, 2, len(16, 19)},
      {67, 67, 2, len(13, 19)},  // Maestro
      {60, 60, 2, len(16, 19)},
      {82, 82, 2, len(16, 16)},
      {508, 508, 3, len(16, 16)},    // RuPay
      {2200, 2204, 4, len(16, 19)},  // Mir
      {9792, 9792, 4, len(16, 16)},  // Troy
  }};
  const std::string d = digits_of(text);
  if (d.size() < 13 || d.size() > 19) return false;
  const bool known = std::any_of(kNetworks.begin(), kNetworks.end(), [&](const Network& n) {
    const int prefix = number_of(std::string_view(d).substr(0, n.prefix_digits));
    return prefix >= n.low && prefix <= n.high && ((n.lengths >> d.size()) & 1u) != 0;
  });
  return known && luhn_valid(d);
}

bool iban_valid(std::string_view text) {
  // Lengths from the SWIFT IBAN registry.
  static const std::map<std::string_view, std::size_t> kLengths = {
      {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16},
      {"BG", 22}, {"BH", 22}, {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22},
      {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DJ", 27}, {"DK", 18}, {"DO", 28}, {"EE", 20},
      {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FK", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22},
      {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28},
      {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30},
      {"KZ", 20}, {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21},
      {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MN", 20}, {"MR", 27},
      {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23}, {"PK", 24},
      {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33},
      {"SA", 24}, {"SC", 31}, {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27},
      {"SO", 23}, {"ST", 25}, {"SV", 28}, {"TL", 23}, {"TN", 24}, {"TR", 26}, {"UA", 29},
      {"VA", 22}, {"VG", 24}, {"XK", 20}, {"YE", 30},
  };
  const std::string s = upper_alnum_of(text);
  if (s.size() < 15) return false;
  const auto it = kLengths.find(std::string_view(s).substr(0, 2));
  if (it == kLengths.end() || it->second != s.size() || !only_digits(s.substr(2, 2))) return false;
  int rest = 0;  // the number BBAN + country + check digits (A = 10 ... Z = 35), mod 97
  for (char c : s.substr(4) + s.substr(0, 4)) {
    rest = c <= '9' ? (rest * 10 + (c - '0')) % 97 : (rest * 100 + (c - 'A' + 10)) % 97;
  }
  return rest == 1;
}

bool us_ssn_valid(std::string_view text) {
  const std::string d = digits_of(text);
  if (d.size() != 9) return false;
  const int area = number_of(d.substr(0, 3)), group = number_of(d.substr(3, 2)),
            serial = number_of(d.substr(5));
  // 078-05-1120 and 219-09-9999 were printed in advertising and are void.
  return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0 && d != "078051120" &&
         d != "219099999";
}

bool uk_nino_valid(std::string_view text) {
  const std::string s = upper_alnum_of(text);
  if (s.size() != 9 || !only_digits(s.substr(2, 6)) || s[8] < 'A' || s[8] > 'D') return false;
  constexpr std::string_view kNotFirst = "DFIQUV", kNotSecond = "DFIOQUV";
  if (kNotFirst.find(s[0]) != std::string_view::npos ||
      kNotSecond.find(s[1]) != std::string_view::npos)
    return false;
  const std::string prefix = s.substr(0, 2);
  for (std::string_view bad : {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
    if (prefix == bad) return false;
  return true;
}

bool fr_nir_valid(std::string_view text) {
  std::string s = upper_alnum_of(text);
  if (s.size() != 15) return false;
  // Corsica: department 2A counts as 19 and 2B as 18 in the key.
  if (s.substr(5, 2) == "2A")
    s.replace(5, 2, "19");
  else if (s.substr(5, 2) == "2B")
    s.replace(5, 2, "18");
  if (!only_digits(s)) return false;
  long long rest = 0;
  for (char c : s.substr(0, 13)) rest = (rest * 10 + (c - '0')) % 97;
  return 97 - rest == number_of(s.substr(13));
}

bool es_dni_valid(std::string_view text) {
  std::string s = upper_alnum_of(text);
  if (s.size() != 9) return false;
  if (s[0] == 'X' || s[0] == 'Y' || s[0] == 'Z') s[0] = static_cast<char>('0' + (s[0] - 'X'));
  if (!only_digits(s.substr(0, 8))) return false;
  constexpr std::string_view kLetters = "TRWAGMYFPDXBNJZSQVHLCKE";
  return kLetters[static_cast<std::size_t>(number_of(s.substr(0, 8)) % 23)] == s[8];
}

bool it_codice_fiscale_valid(std::string_view text) {
  const std::string s = upper_alnum_of(text);
  if (s.size() != 16) return false;
  // Characters in odd positions (1st, 3rd, ...) count by this table; even ones by their value
  // (0-9 for digits, 0-25 for letters). A digit counts as the letter of its value (0 as A).
  static constexpr std::array<int, 26> kOdd = {1,  0,  5, 7, 9, 13, 15, 17, 19, 21, 2,  4,  18,
                                               20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23};
  int sum = 0;
  for (std::size_t i = 0; i < 15; ++i) {
    const int v = s[i] <= '9' ? s[i] - '0' : s[i] - 'A';
    sum += i % 2 == 0 ? kOdd[static_cast<std::size_t>(v)] : v;
  }
  return s[15] == 'A' + sum % 26;
}

bool br_cpf_valid(std::string_view text) {
  const std::string d = digits_of(text);
  if (d.size() != 11 || all_same(d)) return false;
  for (std::size_t n = 9; n <= 10; ++n) {
    int sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += (d[i] - '0') * static_cast<int>(n + 1 - i);
    if ((sum * 10) % 11 % 10 != d[n] - '0') return false;
  }
  return true;
}

bool in_aadhaar_valid(std::string_view text) {
  static constexpr int kD[10][10] = {
      {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
      {2, 3, 4, 0, 1, 7, 8, 9, 5, 6}, {3, 4, 0, 1, 2, 8, 9, 5, 6, 7},
      {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
      {6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
      {8, 7, 6, 5, 9, 3, 2, 1, 0, 4}, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}};
  static constexpr int kP[8][10] = {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4},
                                    {5, 8, 0, 3, 7, 9, 6, 1, 4, 2}, {8, 9, 1, 6, 0, 4, 3, 5, 2, 7},
                                    {9, 4, 5, 3, 1, 2, 8, 7, 6, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
                                    {2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8}};
  const std::string d = digits_of(text);
  if (d.size() != 12 || d[0] < '2') return false;
  int c = 0;
  for (std::size_t i = 0; i < d.size(); ++i) c = kD[c][kP[i % 8][d[d.size() - 1 - i] - '0']];
  return c == 0;
}

bool nl_bsn_valid(std::string_view text) {
  const std::string d = digits_of(text);
  if (d.size() != 9 || all_same(d)) return false;
  int sum = -(d[8] - '0');
  for (std::size_t i = 0; i < 8; ++i) sum += (d[i] - '0') * static_cast<int>(9 - i);
  return sum % 11 == 0;
}

bool de_steuer_id_valid(std::string_view text) {
  const std::string d = digits_of(text);
  if (d.size() != 11 || d[0] == '0') return false;
  // In the first ten digits exactly one digit appears twice or three times (never three in a
  // row) and every other at most once.
  std::array<int, 10> count{};
  for (std::size_t i = 0; i < 10; ++i) ++count[static_cast<std::size_t>(d[i] - '0')];
  int repeated = 0;
  for (int c : count) {
    if (c > 3) return false;
    if (c >= 2) ++repeated;
  }
  if (repeated != 1) return false;
  for (std::size_t i = 0; i + 2 < 10; ++i)
    if (d[i] == d[i + 1] && d[i] == d[i + 2]) return false;
  int product = 10;  // ISO 7064 MOD 11,10
  for (std::size_t i = 0; i < 10; ++i) {
    int sum = (d[i] - '0' + product) % 10;
    if (sum == 0) sum = 10;
    product = sum * 2 % 11;
  }
  const int check = 11 - product == 10 ? 0 : 11 - product;
  return check == d[10] - '0';
}

bool phone_valid(std::string_view text) {
  const std::string d = digits_of(text);
  if (d.empty() || all_same(d)) return false;
  const bool international = text.front() == '+';
  if (international) {
    if (d.size() < 8 || d.size() > 15) return false;  // E.164: at most 15 digits
    // +1: the North American plan, area code and exchange 2-9.
    if (d[0] == '1' && (d.size() != 11 || d[1] < '2' || d[4] < '2')) return false;
    return true;
  }
  if (d.size() < 9 || d.size() > 12) return false;
  // A date written with a 4-digit year (01/02/2024 10, 2024.01.15 12) is not a phone number.
  std::vector<std::string> groups(1);
  for (char c : text) {
    if (c >= '0' && c <= '9')
      groups.back() += c;
    else if (!groups.back().empty())
      groups.emplace_back();
  }
  if (groups.back().empty()) groups.pop_back();
  auto year = [](const std::string& g) {
    return g.size() == 4 && (g.starts_with("19") || g.starts_with("20"));
  };
  auto day_or_month = [](const std::string& g) { return g.size() <= 2 && number_of(g) <= 31; };
  if (groups.size() >= 3 &&
      ((day_or_month(groups[0]) && day_or_month(groups[1]) && year(groups[2])) ||
       (year(groups[0]) && day_or_month(groups[1]) && day_or_month(groups[2]))))
    return false;
  return true;
}

bool jwt_valid(std::string_view text) {
  const std::size_t dot = text.find('.');
  if (dot == std::string_view::npos) return false;
  // base64url without padding, decoded by hand: the header is short.
  std::string header;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text.substr(0, dot)) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '-')
      v = 62;
    else if (c == '_')
      v = 63;
    else
      return false;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      header += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  // A header is a JSON object naming its algorithm: {"alg":"HS256","typ":"JWT"}.
  const auto json = nlohmann::json::parse(header, nullptr, /*allow_exceptions=*/false);
  return json.is_object() && json.contains("alg");
}

bool random_token_valid(std::string_view text) {
  const auto has = [&](char from, char to) {
    return std::any_of(text.begin(), text.end(), [&](char c) { return c >= from && c <= to; });
  };
  return has('A', 'Z') && has('a', 'z') && has('0', '9');
}

namespace {
struct NamedValidator {
  std::string_view name;
  Validator check;
};
constexpr std::array<NamedValidator, 15> kValidators = {{
    {"luhn", luhn_valid},
    {"card", payment_card_valid},
    {"iban", iban_valid},
    {"us-ssn", us_ssn_valid},
    {"uk-nino", uk_nino_valid},
    {"fr-nir", fr_nir_valid},
    {"es-dni", es_dni_valid},
    {"it-codice-fiscale", it_codice_fiscale_valid},
    {"br-cpf", br_cpf_valid},
    {"in-aadhaar", in_aadhaar_valid},
    {"nl-bsn", nl_bsn_valid},
    {"de-steuer-id", de_steuer_id_valid},
    {"phone", phone_valid},
    {"jwt", jwt_valid},
    {"random-token", random_token_valid},
}};
}  // namespace

Validator find_validator(std::string_view name) {
  for (const auto& v : kValidators)
    if (v.name == name) return v.check;
  return nullptr;
}

std::vector<std::string> validator_names() {
  std::vector<std::string> out;
  for (const auto& v : kValidators) out.emplace_back(v.name);
  return out;
}

}  // namespace qb::detail
