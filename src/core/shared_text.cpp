// TextInterner: a small open-addressing table of the texts a file repeats (core/shared_text.hpp).

#include "qualbar/core/shared_text.hpp"

#include <xxhash.h>

namespace qb {

const std::string& detail::empty_text() {
  static const std::string empty;
  return empty;
}

detail::TextRef TextInterner::get(std::string_view s) {
  if (s.size() > kMaxBytes) return detail::TextRef(s);
  if (slots_.empty()) slots_.resize(64);
  const std::uint64_t hash = XXH3_64bits(s.data(), s.size());
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = hash & mask;
  for (; slots_[i].ref.node() != nullptr; i = (i + 1) & mask) {
    if (slots_[i].hash == hash && slots_[i].ref.node()->text == s) return slots_[i].ref;
  }
  detail::TextRef made(s);
  if (used_ >= kMaxTexts) return made;
  slots_[i] = Slot{hash, made};
  if (++used_ * 2 > slots_.size()) {
    std::vector<Slot> old = std::exchange(slots_, std::vector<Slot>(slots_.size() * 2));
    const std::size_t m = slots_.size() - 1;
    for (Slot& slot : old) {
      if (slot.ref.node() == nullptr) continue;
      std::size_t j = slot.hash & m;
      while (slots_[j].ref.node() != nullptr) j = (j + 1) & m;
      slots_[j] = std::move(slot);
    }
  }
  return made;
}

}  // namespace qb
