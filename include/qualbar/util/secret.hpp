#pragma once
// Secrets for sign-in links, sessions, CSRF and API tokens: random from the operating system's
// generator (OpenSSL's RAND_bytes), and kept in a store only as their SHA-256.

#include <cstddef>
#include <string>
#include <string_view>

namespace qb {

// `bytes` random bytes as URL-safe base64 without padding (32 bytes: 43 characters).
std::string random_secret(std::size_t bytes = 32);

// The SHA-256 of `s`, 64 lower-case hex digits.
std::string sha256_hex(std::string_view s);
// The SHA-256 of `s` in standard base64 (a Content-Security-Policy hash of an inline script).
std::string sha256_base64(std::string_view s);

// Equal, in a time that does not depend on where two strings of one length differ.
bool same_secret(std::string_view a, std::string_view b);

}  // namespace qb
