#include "qualbar/util/secret.hpp"

#include <array>
#include <stdexcept>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "qualbar/core/error.hpp"

namespace qb {

std::string random_secret(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1)
    throw RunError("the system's random number generator failed");
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (const unsigned char c : raw) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 63]);
  return out;
}

namespace {
std::array<unsigned char, EVP_MAX_MD_SIZE> sha256_digest(std::string_view s, unsigned int& n) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  if (EVP_Digest(s.data(), s.size(), digest.data(), &n, EVP_sha256(), nullptr) != 1)
    throw RunError("SHA-256 failed");
  return digest;
}
}  // namespace

std::string sha256_base64(std::string_view s) {
  unsigned int n = 0;
  const auto digest = sha256_digest(s, n);
  std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> out{};
  const int len = EVP_EncodeBlock(out.data(), digest.data(), static_cast<int>(n));
  return {reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(len)};
}

std::string sha256_hex(std::string_view s) {
  unsigned int n = 0;
  const auto digest = sha256_digest(s, n);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

bool same_secret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace qb
