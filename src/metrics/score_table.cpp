#include "qualbar/metrics/score_table.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>
#include <xxhash.h>

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

ScoreTable::Arena::Arena(const Arena& other) : used(other.used), recent(other.recent) {
  blocks.reserve(other.blocks.size());
  for (std::size_t b = 0; b < other.blocks.size(); ++b) {
    blocks.push_back(std::make_unique_for_overwrite<char[]>(kBlockBytes));
    const std::size_t n = b + 1 < other.blocks.size() ? kBlockBytes : other.used;
    std::memcpy(blocks.back().get(), other.blocks[b].get(), n);
  }
}

ScoreTable::Arena& ScoreTable::Arena::operator=(const Arena& other) {
  if (this != &other) *this = Arena(other);
  return *this;
}

void ScoreTable::set(std::size_t c, std::size_t d, const Score& s, std::size_t writer) {
  if (writer >= evidence_.size())
    throw std::logic_error(
        fmt::format("ScoreTable::set: writer {} of a table made for {}", writer, evidence_.size()));
  Slot& slot = scores_[c * n_dimensions_ + d];
  slot.value = s.value;
  slot.status = static_cast<std::uint8_t>(s.status);
  slot.arena = static_cast<std::uint8_t>(writer);
  slot.offset = 0;
  slot.length = 0;
  std::string_view ev = s.evidence;
  if (ev.empty()) return;
  if (ev.size() > kMaxEvidenceBytes) {
    std::size_t cut = kMaxEvidenceBytes;
    while (cut > 0 && (static_cast<unsigned char>(ev[cut]) & 0xC0) == 0x80) --cut;
    ev = ev.substr(0, cut);
  }
  // Evidence may quote bytes a parser choked on; every report format needs valid UTF-8.
  std::string valid;
  if (find_invalid_utf8(ev)) {
    valid = to_valid_utf8(ev);
    ev = valid;
  }
  Arena& arena = evidence_[writer];
  const std::uint64_t hash = XXH3_64bits(ev.data(), ev.size());
  Kept& kept = arena.recent[hash % kRecent];
  if (kept.length != ev.size() || kept.hash != hash || arena.text(kept.offset, kept.length) != ev) {
    if (arena.used + ev.size() > kBlockBytes) {
      arena.blocks.push_back(std::make_unique_for_overwrite<char[]>(kBlockBytes));
      arena.used = 0;
    }
    std::memcpy(arena.blocks.back().get() + arena.used, ev.data(), ev.size());
    kept = {hash, (arena.blocks.size() - 1) * kBlockBytes + arena.used, ev.size()};
    arena.used += ev.size();
  }
  slot.offset = kept.offset;
  slot.length = kept.length;
}

}  // namespace qb
