#include "qualbar/metrics/score_table.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "qualbar/util/text.hpp"

namespace qb {

void ScoreTable::set(std::size_t c, std::size_t d, const Score& s) {
  Slot& slot = scores_[c * n_dimensions_ + d];
  slot.value = s.value;
  slot.status = s.status;
  std::string_view ev = s.evidence;
  if (ev.size() > kMaxEvidenceBytes) {
    std::size_t cut = kMaxEvidenceBytes;
    while (cut > 0 && (static_cast<unsigned char>(ev[cut]) & 0xC0) == 0x80) --cut;
    ev = ev.substr(0, cut);
  }
  slot.offset = evidence_.size();
  // Evidence may quote bytes a parser choked on; every report format needs valid UTF-8.
  if (find_invalid_utf8(ev)) {
    const std::string valid = to_valid_utf8(ev);
    evidence_.append(valid);
    slot.length = static_cast<std::uint32_t>(valid.size());
  } else {
    evidence_.append(ev);
    slot.length = static_cast<std::uint32_t>(ev.size());
  }
}

void ScoreTable::append(const ScoreTable& more) {
  if (more.n_dimensions_ != n_dimensions_ && more.n_cases_ > 0)
    throw std::logic_error("ScoreTable::append: the tables have different dimensions");
  const std::uint64_t base = evidence_.size();
  evidence_ += more.evidence_;
  scores_.reserve(scores_.size() + more.scores_.size());
  for (Slot slot : more.scores_) {
    slot.offset += base;
    scores_.push_back(slot);
  }
  n_cases_ += more.n_cases_;
}

}  // namespace qb
