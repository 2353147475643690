#include "server/body_buffers.hpp"

#include <algorithm>
#include <mutex>
#include <vector>

namespace qb::server {
namespace {

constexpr std::size_t kSmallest = 1 << 20;     // below this a fresh buffer is cheap
constexpr std::size_t kKeptBytes = 96u << 20;  // the capacity of all kept buffers together
constexpr std::size_t kKeptBuffers = 8;

struct KeptBuffers {
  std::mutex mutex;
  std::vector<std::string> buffers;
  std::size_t bytes = 0;
};

KeptBuffers& kept_buffers() {
  static KeptBuffers kept;
  return kept;
}

}  // namespace

std::string take_body_buffer(std::size_t bytes) {
  std::string out;
  if (bytes >= kSmallest) {
    KeptBuffers& k = kept_buffers();
    const std::lock_guard lock(k.mutex);
    // The smallest kept buffer that is large enough.
    auto best = k.buffers.end();
    for (auto it = k.buffers.begin(); it != k.buffers.end(); ++it)
      if (it->capacity() >= bytes && (best == k.buffers.end() || it->capacity() < best->capacity()))
        best = it;
    if (best != k.buffers.end()) {
      k.bytes -= best->capacity();
      out = std::move(*best);
      k.buffers.erase(best);
    }
  }
  out.clear();
  out.reserve(bytes);
  return out;
}

void recycle_body_buffer(std::string& buffer) {
  std::string taken = std::move(buffer);
  buffer = std::string();
  const std::size_t capacity = taken.capacity();
  if (capacity < kSmallest || capacity > kKeptBytes) return;
  KeptBuffers& k = kept_buffers();
  const std::lock_guard lock(k.mutex);
  if (k.buffers.size() >= kKeptBuffers || k.bytes + capacity > kKeptBytes) return;
  taken.clear();
  k.bytes += capacity;
  k.buffers.push_back(std::move(taken));
}

}  // namespace qb::server
