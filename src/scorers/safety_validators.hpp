#pragma once
// Checksum and structure validators that safety rules name (`validator: iban`): a match of the
// rule's pattern is reported only when its validator accepts the matched text.
// Internal to src/scorers: the safety rule packs (safety_rules.hpp) and their tests use them.

#include <string>
#include <string_view>
#include <vector>

namespace qb::detail {

// A check a match must pass: a checksum or structure rule. Takes the matched text.
using Validator = bool (*)(std::string_view);

// The validator registered under `name`, or nullptr.
Validator find_validator(std::string_view name);
std::vector<std::string> validator_names();

// Validators. Each takes the matched text; separators (spaces, dashes, dots) are ignored.
bool luhn_valid(std::string_view text);          // mod-10 over the digits; not all zeros
bool payment_card_valid(std::string_view text);  // 13-19 digits, known network and length, Luhn
bool iban_valid(std::string_view text);          // known country, its length, mod 97 == 1
bool us_ssn_valid(std::string_view text);
bool uk_nino_valid(std::string_view text);
bool fr_nir_valid(std::string_view text);
bool es_dni_valid(std::string_view text);  // DNI and NIE
bool it_codice_fiscale_valid(std::string_view text);
bool br_cpf_valid(std::string_view text);
bool in_aadhaar_valid(std::string_view text);  // Verhoeff
bool nl_bsn_valid(std::string_view text);      // 11-test
bool de_steuer_id_valid(std::string_view text);
bool phone_valid(std::string_view text);
bool jwt_valid(std::string_view text);
bool random_token_valid(std::string_view text);  // capitals, small letters and digits

}  // namespace qb::detail
