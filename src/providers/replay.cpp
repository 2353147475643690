// replay: recorded responses (JSONL) joined to cases by id. A case without a response is an
// error case, as is a response whose `error` is set; neither is dropped or passed.
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/io/dataset.hpp"
#include "qualbar/providers/provider.hpp"

namespace qb {
namespace {

class ReplayProvider final : public Provider {
 public:
  ReplayProvider(const Suite& suite, const ProviderOptions& options)
      : path_(options.responses.empty() ? suite.system.responses : options.responses) {
    if (path_.empty()) {
      throw InputError(Location{suite.file, 0, 0, "system.responses"},
                       "the replay provider needs a responses file: set system.responses in the suite or pass --responses FILE");
    }
    responses_ = load_responses(path_);
    model_ = !options.model.empty() ? options.model : !suite.system.model.empty() ? suite.system.model : "";
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

  std::string settings_json() const override {
    return nlohmann::json{{"responses", path_}, {"responses_count", responses_.size()}}.dump();
  }

  std::vector<std::string> warnings() const override {
    if (unmatched_ == 0) return {};
    return {fmt::format("{} response(s) in {} match no case of the dataset and were not scored", unmatched_, path_)};
  }

  void run(std::span<const Case> cases, const std::function<void(std::size_t, Response)>& on_response) override {
    std::unordered_map<std::string_view, std::size_t> by_id;
    by_id.reserve(responses_.size());
    for (std::size_t i = 0; i < responses_.size(); ++i) by_id.emplace(responses_[i].id, i);
    std::size_t matched = 0;
    for (std::size_t i = 0; i < cases.size(); ++i) {
      auto it = by_id.find(cases[i].id);
      matched += it != by_id.end() ? 1 : 0;
      if (it == by_id.end()) {
        Response missing;
        missing.id = cases[i].id;
        missing.model = model_;
        missing.error = fmt::format("no response for case '{}' in {}", cases[i].id, path_);
        on_response(i, std::move(missing));
      } else {
        on_response(i, responses_[it->second]);
      }
    }
    unmatched_ = responses_.size() - matched;
  }

 private:
  std::string path_;
  std::vector<Response> responses_;
  std::string model_;
  std::size_t unmatched_ = 0;
};

const ProviderRegistrar registrar{ProviderEntry{
    "replay", "Recorded responses (JSONL) joined to the cases by id.",
    [](const Suite& s, const ProviderOptions& o) { return std::make_unique<ReplayProvider>(s, o); }}};

}  // namespace
}  // namespace qb
