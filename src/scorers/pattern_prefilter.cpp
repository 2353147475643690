#include "scorers/pattern_prefilter.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

namespace qb::detail {
namespace {

// One pattern of a set compiled with default options: its own options written inline.
std::string for_set(const re2::RE2& re) {
  const re2::RE2::Options& o = re.options();
  const std::string p = o.literal() ? re2::RE2::QuoteMeta(re.pattern()) : re.pattern();
  std::string flags;
  if (!o.case_sensitive()) flags += 'i';
  if (o.dot_nl()) flags += 's';
  return flags.empty() ? p : "(?" + flags + ":" + p + ")";
}

}  // namespace

PatternPrefilter::PatternPrefilter(std::vector<const re2::RE2*> patterns)
    : patterns_(std::move(patterns)) {
  // The set's memory budget: the patterns' own together, between RE2's default and 64 MiB (ten
  // languages' refusal patterns need about 40).
  std::int64_t budget = 0;
  for (const re2::RE2* re : patterns_) budget += re->options().max_mem();
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(std::clamp<std::int64_t>(budget, options.max_mem(), std::int64_t{64} << 20));
  auto set = std::make_shared<re2::RE2::Set>(options, re2::RE2::UNANCHORED);
  for (const re2::RE2* re : patterns_)
    if (set->Add(for_set(*re), nullptr) < 0) return;
  if (!patterns_.empty() && set->Compile()) set_ = std::move(set);
}

void PatternPrefilter::every(std::vector<int>& out) const {
  out.clear();
  for (std::size_t k = 0; k < patterns_.size(); ++k) out.push_back(static_cast<int>(k));
}

void PatternPrefilter::matching(std::string_view text, std::vector<int>& out) const {
  out.clear();
  if (!set_) return every(out);
  re2::RE2::Set::ErrorInfo error{};
  if (!set_->Match(text, &out, &error) && error.kind != re2::RE2::Set::kNoError) {
    // The set's automaton ran out of memory on this text: every pattern is searched instead.
    return every(out);
  }
  std::sort(out.begin(), out.end());
}

bool PatternPrefilter::any(std::string_view text) const {
  if (!set_) return !patterns_.empty();
  re2::RE2::Set::ErrorInfo error{};
  return set_->Match(text, nullptr, &error) || error.kind != re2::RE2::Set::kNoError;
}

}  // namespace qb::detail
