#pragma once
// The system under test. A provider answers every case of a run; a failed call is a Response with
// `error` set (an error case), never an exception. Exceptions are for a run that cannot go on
// (RunError: endpoint down, exit 3).

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "qualbar/core/case.hpp"
#include "qualbar/core/registry.hpp"
#include "qualbar/core/response.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb {

class Provider {
 public:
  virtual ~Provider() = default;
  // The model id recorded with the run.
  [[nodiscard]] virtual std::string model() const = 0;
  // Provider settings for the audit record, as a JSON object: never a secret.
  [[nodiscard]] virtual std::string settings_json() const = 0;
  // Things the user should know that are not errors (e.g. responses matching no case).
  [[nodiscard]] virtual std::vector<std::string> warnings() const { return {}; }
  // Answers every case and returns the responses aligned with `cases`. `on_done(index,
  // response)` is called once per case as it completes, in any order (progress, durability).
  virtual std::vector<Response> run(
      std::span<const Case> cases,
      const std::function<void(std::size_t, const Response&)>& on_done) = 0;
};

struct ProviderOptions {
  std::string responses;  // replay: overrides the suite's responses file
  std::string model;      // overrides the model label
};

struct ProviderEntry {
  std::string name;
  std::string summary;
  std::function<std::unique_ptr<Provider>(const Suite&, const ProviderOptions&)> make;
};

Registry<ProviderEntry>& provider_registry();

struct ProviderRegistrar {
  explicit ProviderRegistrar(ProviderEntry e) { provider_registry().add(std::move(e)); }
};

}  // namespace qb
