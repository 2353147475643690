// faithfulness: the share of the response's claims that its contexts support. The deterministic
// method needs no model: one passage must hold a claim's content words and every number, date,
// amount and name in it (claims.hpp, docs/faithfulness.md). The judge method gives the same claim
// list and the passages to the suite's judge, which decides claim by claim in JSON.
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/scorers/judge.hpp"
#include "qualbar/scorers/judge_reply.hpp"
#include "qualbar/scorers/scorer.hpp"
#include "qualbar/util/text.hpp"
#include "scorers/claims.hpp"

namespace qb {
namespace {

// The judge method's answer for one case, strictly read: one entry per claim, in order.
Score read_claim_verdicts(const ChatResult& r, const std::vector<detail::Claim>& claims) {
  if (r.error) return Score::ungraded("the judge could not check the claims: " + *r.error);
  const auto bad = [&](const std::string& why) {
    return Score::ungraded(
        fmt::format("the judge's answer is not a claim-by-claim verdict "
                    "({}): {}",
                    why, excerpt(r.content, 160)));
  };
  const auto j = judge_json(r.content);
  if (!j.is_object() || !j.contains("claims") || !j["claims"].is_array())
    return bad("no \"claims\" list");
  const auto& list = j["claims"];
  if (list.size() != claims.size())
    return bad(fmt::format("{} verdicts for {} claims", list.size(), claims.size()));
  std::size_t unsupported = 0;
  std::string details;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto& v = list[i];
    if (!v.is_object() || !v.contains("supported") || !v["supported"].is_boolean())
      return bad(fmt::format("claim {} has no true/false \"supported\"", i + 1));
    if (v.contains("claim") && v["claim"].is_number() && v["claim"].get<double>() != double(i + 1))
      return bad(fmt::format("verdict {} is for claim {}", i + 1, v["claim"].dump()));
    if (v["supported"].get<bool>()) continue;
    ++unsupported;
    const std::string reason = v.contains("reason") && v["reason"].is_string()
                                   ? excerpt(v["reason"].get<std::string>(), 80)
                                   : std::string("unsupported");
    details += fmt::format("{}{} ({})", details.empty() ? "" : "; ", detail::quote(claims[i].text),
                           reason);
  }
  const std::size_t n = claims.size();
  const double value = static_cast<double>(n - unsupported) / static_cast<double>(n);
  if (unsupported == 0)
    return Score::of(value, fmt::format("judge: all {} claim{} supported", n, n == 1 ? "" : "s"));
  return Score::of(value, excerpt(fmt::format("judge: {} of {} claim{} unsupported: {}",
                                              unsupported, n, n == 1 ? "" : "s", details),
                                  detail::kEvidenceBytes - 3));
}

class Faithfulness final : public Scorer {
 public:
  explicit Faithfulness(Args& a) {
    const std::string method = a.string("method").value_or("deterministic");
    if (method != "deterministic" && method != "judge")
      throw ArgError("method", fmt::format("must be 'deterministic' or 'judge', got '{}'", method));
    judge_ = method == "judge";
    coverage_ = detail::coverage_arg(a);
  }

  bool uses_judge() const override { return judge_; }

  // The judge method: the same claims as the deterministic method, each judged against the
  // passages, all cases at once.
  void prepare(std::span<const Case> cases, std::span<const Response> responses,
               JudgeContext& judge) override {
    if (!judge_) return;
    std::vector<std::vector<Message>> prompts;
    std::vector<std::size_t> which;
    std::vector<std::vector<detail::Claim>> claims_of;
    for (std::size_t i = 0; i < cases.size(); ++i) {
      const Case& c = cases[i];
      if (responses[i].is_error() || !detail::has_passages(c.details().contexts)) continue;
      const detail::Locale locale = detail::claim_locale(c.language, responses[i].output);
      auto claims = detail::split_claims(responses[i].output, locale,
                                         detail::context_ids(c.details().contexts));
      if (claims.empty()) continue;
      std::string user = "CONTEXT PASSAGES:";
      for (const auto& ctx : c.details().contexts) user += "\n[" + ctx.id + "] " + ctx.text;
      user += "\n\nCLAIMS:";
      for (std::size_t k = 0; k < claims.size(); ++k)
        user += fmt::format("\n{}. {}", k + 1, claims[k].text);
      prompts.push_back(
          {{"system",
            "You check an AI assistant's answer against the context passages it was given. For "
            "each numbered claim, decide whether the passages support it: every fact, number, "
            "date, amount and name in the claim must be stated in or directly implied by a "
            "passage; your own knowledge does not count. Reply with a single JSON object and "
            "nothing else: {\"claims\": [{\"claim\": 1, \"supported\": true or false, "
            "\"passage\": \"<id of the supporting passage, or null>\", \"reason\": \"<a few "
            "words>\"}, ...]} with one entry per claim, in order."},
           {"user", user}});
      which.push_back(i);
      claims_of.push_back(std::move(claims));
    }
    std::vector<JudgeSubject> subjects;
    for (const std::size_t i : which) subjects.push_back({cases[i].id, responses[i].output});
    const std::vector<ChatResult> results =
        judge.ask(prompts, subjects, [&](std::size_t j, const ChatResult& r) {
          return read_claim_verdicts(r, claims_of[j]).status == ScoreStatus::scored;
        });
    verdicts_.clear();
    for (std::size_t j = 0; j < which.size(); ++j)
      verdicts_.emplace(cases[which[j]].id, read_claim_verdicts(results[j], claims_of[j]));
  }

  Score score(const Case& c, const Response& r) const override {
    if (!detail::has_passages(c.details().contexts))
      return Score::not_applicable("the case has no contexts to check the response against");
    const detail::Locale locale = detail::claim_locale(c.language, r.output);
    const auto claims =
        detail::split_claims(r.output, locale, detail::context_ids(c.details().contexts));
    if (claims.empty()) return Score::not_applicable("the response makes no claim");
    if (judge_) {
      const auto it = verdicts_.find(c.id);
      if (it == verdicts_.end()) return Score::ungraded("not judged (the judge was not asked)");
      return it->second;
    }
    const detail::Grounding grounding(c.details().contexts, locale, coverage_);
    std::size_t unsupported = 0;
    std::string details;
    for (const auto& claim : claims) {
      const detail::Support s = grounding.check(detail::analyse_claim(claim.text, locale));
      if (s.supported) continue;
      ++unsupported;
      details += fmt::format("{}{} ({})", details.empty() ? "" : "; ", detail::quote(claim.text),
                             grounding.why(s));
    }
    const std::size_t n = claims.size();
    const double value = static_cast<double>(n - unsupported) / static_cast<double>(n);
    if (unsupported == 0)
      return Score::of(
          value, n == 1 ? "the claim is supported" : fmt::format("all {} claims supported", n));
    return Score::of(value, excerpt(fmt::format("{} of {} claim{} unsupported: {}", unsupported, n,
                                                n == 1 ? "" : "s", details),
                                    detail::kEvidenceBytes - 3));
  }

 private:
  bool judge_ = false;
  double coverage_ = detail::kDefaultCoverage;
  std::unordered_map<std::string, Score> verdicts_;  // judge method: by case id, from prepare()
};

}  // namespace

QB_REGISTER_SCORER(
    "faithfulness",
    (ScorerInfo{.summary = "Share of the response's claims its contexts support: one passage has "
                           "the claim's content words and every number, date, amount and name "
                           "in it; evidence lists unsupported claims.",
                .kind = ScoreKind::graded}),
    [](Args& a) { return std::make_unique<Faithfulness>(a); });

}  // namespace qb
