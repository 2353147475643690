#include "qualbar/metrics/score_table.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "qualbar/util/text.hpp"

namespace qb {

ScoreTable::ScoreTable(std::size_t n_cases, std::size_t n_dimensions, std::size_t writers)
    : ScoreTable(n_cases, n_dimensions, writers, every_cell_set) {
  std::fill(scores_.begin(), scores_.end(), Slot{});
}

ScoreTable::ScoreTable(std::size_t n_cases, std::size_t n_dimensions, std::size_t writers,
                       EveryCellSet)
    : n_cases_(n_cases),
      n_dimensions_(n_dimensions),
      scores_(n_cases * n_dimensions),
      evidence_(std::clamp<std::size_t>(writers, 1, kMaxWriters)) {}

void ScoreTable::set(std::size_t c, std::size_t d, const Score& s, std::size_t writer) {
  if (writer >= evidence_.size())
    throw std::logic_error(
        fmt::format("ScoreTable::set: writer {} of a table made for {}", writer, evidence_.size()));
  Slot& slot = scores_[c * n_dimensions_ + d];
  std::string& arena = evidence_[writer];
  slot.value = s.value;
  slot.status = s.status;
  slot.arena = static_cast<std::uint8_t>(writer);
  std::string_view ev = s.evidence;
  if (ev.size() > kMaxEvidenceBytes) {
    std::size_t cut = kMaxEvidenceBytes;
    while (cut > 0 && (static_cast<unsigned char>(ev[cut]) & 0xC0) == 0x80) --cut;
    ev = ev.substr(0, cut);
  }
  slot.offset = arena.size();
  // Evidence may quote bytes a parser choked on; every report format needs valid UTF-8.
  if (find_invalid_utf8(ev)) {
    const std::string valid = to_valid_utf8(ev);
    arena.append(valid);
    slot.length = static_cast<std::uint32_t>(valid.size());
  } else {
    arena.append(ev);
    slot.length = static_cast<std::uint32_t>(ev.size());
  }
}

}  // namespace qb
