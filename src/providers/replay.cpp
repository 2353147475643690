// replay: recorded responses (JSONL) joined to cases by id. A case without a response is an
// error case, as is a response whose `error` is set; neither is dropped or passed.

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/io/dataset.hpp"
#include "qualbar/providers/provider.hpp"
#include "qualbar/util/id_index.hpp"

namespace qb {
namespace {

class ReplayProvider final : public Provider {
 public:
  ReplayProvider(const Suite& suite, const ProviderOptions& options)
      : path_(options.responses.empty() ? suite.system.responses : options.responses) {
    if (path_.empty()) {
      throw InputError(Location{suite.file, 0, 0, "system.responses"},
                       "the replay provider needs a responses file: set system.responses in the "
                       "suite or pass --responses FILE");
    }
    ResponseLines loaded = load_response_lines(path_, suite.limits);
    responses_ = std::move(loaded.responses);
    lines_ = std::move(loaded.lines);
    count_ = responses_.size();
    model_ = !options.model.empty()        ? options.model
             : !suite.system.model.empty() ? suite.system.model
                                           : "";
    if (model_.empty()) {
      for (const auto& r : responses_) {
        if (!r.model.empty()) {
          model_ = r.model;
          break;
        }
      }
    }
    if (model_.empty()) model_ = std::filesystem::path(path_).stem().string();
  }

  std::string model() const override { return model_; }
  bool answers_locally() const override { return true; }

  std::string settings_json() const override {
    return nlohmann::json{{"responses", path_}, {"responses_count", count_}}.dump();
  }

  std::vector<std::string> warnings() const override {
    if (unmatched_ == 0) return {};
    return {fmt::format("{} response(s) in {} match no case of the dataset and were not scored",
                        unmatched_, path_)};
  }

  // Pairs the recorded responses with the cases, before anything runs: a second response for a
  // case is an error at its line. Responses in the cases' order (the usual recording) pair
  // without a hash table; uniqueness then follows from the cases' own.
  void check(std::span<const Case> cases) override {
    constexpr std::size_t none = static_cast<std::size_t>(-1);
    const std::size_t m = responses_.size();
    answered_.assign(cases.size(), 0);
    dest_.clear();
    bool in_order = m == cases.size();
    for (std::size_t i = 0; in_order && i < m; ++i) in_order = responses_[i].id == cases[i].id;
    if (in_order) {
      answered_.assign(cases.size(), 1);
      unmatched_ = 0;
      return;
    }
    IdIndex case_index;
    case_index.reserve(cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i) case_index.emplace(cases[i].id, i);
    std::vector<int> first_line(cases.size(), 0);
    dest_.assign(m, none);
    for (std::size_t j = 0; j < m; ++j) {
      auto it = case_index.find(responses_[j].id);
      if (it == case_index.end()) continue;
      const std::size_t i = it->second;
      const int line = j < lines_.size() ? lines_[j] : 0;
      if (answered_[i]) {
        throw InputError(Location{path_, line, 0, "id"},
                         fmt::format("duplicate response for case '{}' (first at line {})",
                                     responses_[j].id, first_line[i]));
      }
      dest_[j] = i;
      answered_[i] = 1;
      first_line[i] = line;
    }
    // Unmatched responses go after the cases; empty slots are added for unanswered cases.
    std::size_t next = cases.size();
    for (auto& d : dest_) {
      if (d == none) d = next++;
    }
    unmatched_ = next - cases.size();
    for (std::size_t i = 0; i < cases.size(); ++i) {
      if (!answered_[i]) dest_.push_back(i);
    }
  }

  // Puts the recorded responses in case order (paired by check()). When every case is to be
  // answered (a fresh run) this is done in place, without a second copy of a large run. A case
  // with no response gets an error response naming the file; responses matching no case are
  // counted and dropped.
  void run(std::span<const Case> cases, std::span<const std::size_t> todo,
           std::vector<Response>& out, ProviderSink& sink) override {
    if (answered_.size() != cases.size()) check(cases);
    lines_ = {};
    if (!dest_.empty()) {
      responses_.resize(dest_.size());
      for (std::size_t i = 0; i < dest_.size(); ++i) {
        while (dest_[i] != i) {
          const std::size_t d = dest_[i];
          std::swap(responses_[i], responses_[d]);
          std::swap(dest_[i], dest_[d]);
        }
      }
      dest_ = {};
    }
    responses_.resize(cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i) {
      if (answered_[i]) continue;
      responses_[i].id = cases[i].id;
      responses_[i].model = model_;
      responses_[i].error = fmt::format("no response for case '{}' in {}", cases[i].id, path_);
    }
    if (out.empty() && todo.size() == cases.size()) {
      out.swap(responses_);
    } else {
      out.resize(cases.size());
      for (const std::size_t i : todo) out[i] = std::move(responses_[i]);
    }
    responses_ = {};
    for (const std::size_t i : todo) sink.done(i);
  }

 private:
  std::string path_;
  std::vector<Response> responses_;
  std::vector<int> lines_;           // each response's line in the file, for errors
  std::vector<std::size_t> dest_;    // check(): where each response goes; empty when in order
  std::vector<char> answered_;       // check(): 1 for each case with a response
  SharedText model_;                 // one copy, shared by every answer it gives
  std::size_t count_ = 0;
  std::size_t unmatched_ = 0;
};

const ProviderRegistrar replay_registrar{
    ProviderEntry{"replay",
                  "Recorded responses (JSONL) joined to the cases by id.",
                  {"responses"},
                  [](const Suite& s, const ProviderOptions& o) {
                    return std::make_unique<ReplayProvider>(s, o);
                  }}};

}  // namespace
}  // namespace qb
