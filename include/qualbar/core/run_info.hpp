#pragma once
// The audit record of one run: enough to know exactly what was measured, never a secret.

#include <cstddef>
#include <string>

namespace qb {

struct RunInfo {
  std::string id;
  std::string suite_name;
  std::string suite_hash;
  std::string bars_hash;
  std::string dataset_hash;
  std::string model;
  std::string provider;       // registered provider name
  std::string provider_json;  // provider settings, without secrets
  std::string qualbar_version;
  std::string started_at;  // RFC 3339, UTC
  std::string ended_at;
  std::string host;
  std::string user;
  std::string status;  // "complete", "failed"
  std::size_t n_cases = 0;
  std::size_t n_errors = 0;
  bool passed = false;  // every gating bar met
};

}  // namespace qb
