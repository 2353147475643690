#pragma once
// Buffers for large request bodies (production records, run bundles), kept for the next request.
// A fresh string of several MiB costs a page fault for every 4 KiB as it is first written, more
// than the parse of what it holds; a buffer that is used again has its pages already. At most a
// few buffers are kept (kKeptBytes in all), so the memory they hold is bounded. Thread-safe: a
// body is read on a server thread and done with on the ingest writer's. Internal.

#include <cstddef>
#include <string>

namespace qb::server {

// An empty string with room for at least `bytes`: a kept buffer when one is large enough.
std::string take_body_buffer(std::size_t bytes);

// Keeps `buffer`'s memory for a later take_body_buffer (when it is large enough to be worth it
// and the kept ones leave room); otherwise frees it. `buffer` is left empty either way.
void recycle_body_buffer(std::string& buffer);

}  // namespace qb::server
