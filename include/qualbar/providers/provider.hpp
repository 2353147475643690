#pragma once
// The system under test. A provider answers every case of a run; a failed call is a Response with
// `error` set (an error case), never an exception. Exceptions are for a run that cannot go on
// (RunError: endpoint down, exit 3). A provider is one file plus one ProviderRegistrar line.

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

// Where a provider reports while it runs, and what it asks: the runner makes each answer durable,
// counts it for progress, and says when the user pressed Ctrl-C.
class ProviderSink {
 public:
  virtual ~ProviderSink() = default;
  // Case `index` is answered: its response is in out[index]. Once per case of `todo`, any order.
  virtual void done(std::size_t index) = 0;
  // A call is being retried ("HTTP 429, retrying in 2.0 s"): progress counts it.
  virtual void retrying(std::size_t /*index*/, const std::string& /*why*/) {}
  // A natural pause after some answers: a moment to make them durable.
  virtual void idle() {}
  // Ctrl-C once: start nothing new, finish what is in flight, return.
  [[nodiscard]] virtual bool stop_requested() const { return false; }
  // Ctrl-C twice: drop what is in flight and return at once.
  [[nodiscard]] virtual bool abort_requested() const { return false; }
};

class Provider {
 public:
  virtual ~Provider() = default;
  // The model id recorded with the run.
  [[nodiscard]] virtual std::string model() const = 0;
  // Provider settings for the audit record, as a JSON object: never a secret.
  [[nodiscard]] virtual std::string settings_json() const = 0;
  // Things the user should know that are not errors (e.g. responses matching no case).
  [[nodiscard]] virtual std::vector<std::string> warnings() const { return {}; }
  // What the user should know about the settings, said once before anything runs (e.g. an API
  // key too short to be redacted).
  [[nodiscard]] virtual std::vector<std::string> settings_warnings() const { return {}; }
  // Made with `keys_needed` false: the keys a run will need that are not set.
  [[nodiscard]] virtual std::vector<std::string> missing_keys() const { return {}; }
  // Checks the cases against the provider's settings before anything runs (e.g. a prompt
  // template naming a field a case lacks, a second recorded answer for one case) and prepares
  // what run() needs of them; throws InputError naming the line.
  virtual void check(std::span<const Case> /*cases*/) {}
  // The cache key of a case's request ("" when this provider's answers are not cached): the same
  // key means the same request, so a stored answer can stand in for a new call.
  [[nodiscard]] virtual std::string cache_key(const Case& /*c*/) const { return {}; }
  // True when asking costs nothing and reaches no one (answers replayed from a file): a stored
  // run then records its cases while it answers. Otherwise they are recorded first, so a store
  // that cannot take the run stops it before any call is paid for.
  [[nodiscard]] virtual bool answers_locally() const { return false; }
  // Answers the cases whose indices are in `todo` (ascending): writes each response to
  // out[index] and then calls sink.done(index). `out` is sized to `cases`, or empty when no case
  // has an answer yet (size it with out.resize(cases.size()), or move a whole vector in: a
  // million replayed responses are then never held twice). A failed call is an error response,
  // never an exception; a RunError means the run cannot go on (endpoint down). Returns early,
  // leaving cases unanswered, when the sink asks to stop. Once a case is done, `out` is not
  // resized or replaced and its response not changed: the run saves it on another thread.
  virtual void run(std::span<const Case> cases, std::span<const std::size_t> todo,
                   std::vector<Response>& out, ProviderSink& sink) = 0;
};

struct ProviderOptions {
  std::string responses;  // replay: overrides the suite's responses file
  std::string model;      // overrides the model label
  // False when validating: a key that is not set is listed (missing_keys), not an error.
  bool keys_needed = true;
};

struct ProviderEntry {
  std::string name;
  std::string summary;
  std::vector<std::string> fields;  // the settings it reads under `system` (besides provider, model)
  std::function<std::unique_ptr<Provider>(const Suite&, const ProviderOptions&)> make;
};

Registry<ProviderEntry>& provider_registry();

struct ProviderRegistrar {
  explicit ProviderRegistrar(ProviderEntry e) { provider_registry().add(std::move(e)); }
};

}  // namespace qb
