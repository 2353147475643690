#pragma once
// The run format's encodings (docs/store.md, "How a run is stored"): a run's cases 64 to a block,
// each block's ids, lines and scores as length-prefixed lists compressed (LZ4); failing
// masks and slice cells kept raw, so a page's filter reads them without decompressing anything.
// Internal to src/store.

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "qualbar/core/response.hpp"
#include "qualbar/metrics/score_table.hpp"

namespace qb::detail {

inline constexpr std::size_t kBlockCases = 64;

// A row's key in run_blocks, run_answers, run_scores and run_text: the run's key in the high
// 32 bits, the case's index (run_answers, run_text) or the block's number in the low ones.
inline std::int64_t row_key(std::int64_t run_key, std::size_t n) {
  return run_key * (std::int64_t{1} << 32) + static_cast<std::int64_t>(n);
}
inline std::size_t row_low(std::int64_t key) {
  return static_cast<std::size_t>(key & 0xFFFFFFFF);
}

// A block is written as LZ4 (compression at ~1 GB/s a core on this project's CI machine, 2.5×
// zstd's fastest levels, for blocks ~30% larger): 'L', the raw size (u32), the LZ4 block. Stores
// written before hold zstd frames (level -1), told apart by their magic number and still read.
// `Packer` keeps its states, so a run's thousands of blocks reuse them.
class Packer {
 public:
  Packer();
  ~Packer();
  Packer(const Packer&) = delete;
  Packer& operator=(const Packer&) = delete;
  // Compresses `raw` into `out` (replacing its contents).
  void pack(std::string_view raw, std::string& out);
  // Decompresses `packed` into `out`; throws RunError naming `where` when it is not a frame.
  void unpack(std::string_view packed, std::string& out, const std::string& where);

 private:
  std::string lz4_state_;  // LZ4_compress_fast_extState's
  std::string scratch_;    // a block compressed, before it is copied out
  void* dctx_;             // zstd's, for blocks of older stores
};

// Compresses items on two threads (compression is most of a big run's store CPU): the calling
// thread and one worker, started by the first batch big enough to share and kept as long as the
// pool, each with its own Packer: a run's hundreds of batches start no thread and allocate no
// compression context.
class PackPool {
 public:
  PackPool();
  ~PackPool();
  PackPool(const PackPool&) = delete;
  PackPool& operator=(const PackPool&) = delete;

  // Packs items [0, n): `fill(i, raw)` writes item i's bytes into `raw` (cleared before each
  // call; called from both threads at once, so it only reads shared data). `out[i]` receives
  // item i packed.
  void pack(std::size_t n, const std::function<void(std::size_t, std::string&)>& fill,
            std::vector<std::string>& out);
  // The same in two steps, so the caller can do other work (insert the previous batch) while the
  // worker packs: start() hands the items to the worker; finish() packs what the worker has not
  // claimed yet, waits for it, and rethrows its error. `fill` and `out` must live until finish().
  void start(std::size_t n, const std::function<void(std::size_t, std::string&)>& fill,
             std::vector<std::string>& out);
  void finish();

  struct Shared;

 private:
  void work();
  std::unique_ptr<Shared> shared_;
  Packer packer_;  // the calling thread's
  bool started_ = false;
};

// Length-prefixed lists: each item a varint byte count, then its bytes.
void put_varint(std::string& out, std::uint64_t v);
void put_item(std::string& out, std::string_view item);
// Reads lists written by put_item/put_varint; throws RunError naming `where` past the end.
class Reader {
 public:
  Reader(std::string_view data, std::string where) : data_(data), where_(std::move(where)) {}
  std::uint64_t varint();
  std::string_view item();
  std::string_view bytes(std::size_t n);
  [[nodiscard]] bool done() const { return pos_ >= data_.size(); }
  [[nodiscard]] const std::string& where() const { return where_; }

 private:
  [[noreturn]] void truncated() const;
  std::string_view data_;
  std::size_t pos_ = 0;
  std::string where_;
};

// One score as a block holds it: status byte, value (8 bytes, IEEE little-endian), evidence item.
void put_score(std::string& out, const ScoreView& s);
Score read_score(Reader& r);

// One answer as a block holds it: a tag byte (1), a varint saying which of the optional fields
// follow, then the fields in Response's order (texts as items, numbers as 8 bytes, token counts
// as varints). Stores written before hold the answer's JSON line instead (it starts with '{'),
// and both are read. Appends to `out`, unframed (the caller puts it in an item).
void put_answer(std::string& out, const Response& r);
// The answer `stored` holds, of either form; throws RunError naming `where` when it is damaged.
// `texts`, when given, shares the labels and models that answers read together repeat.
Response read_answer(std::string_view stored, const std::string& where,
                     TextInterner* texts = nullptr);
// The answer's JSON line (as the responses file and the pages give it), of either form.
std::string answer_json(std::string_view stored, const std::string& where);
// Whether `stored` is an answer's JSON line (a store written before the compact form).
inline bool is_json_answer(std::string_view stored) {
  return !stored.empty() && stored.front() == '{';
}

// The failing masks of one block: per dimension 8 bytes, bit i set when the block's case i fails.
std::string failing_masks(std::span<const std::uint8_t> failing, std::size_t n_dimensions,
                          std::size_t first, std::size_t n);
// Dimension `d`'s mask in a block's masks (0 when the blob is shorter), and its bit `i`.
std::uint64_t mask_of(std::string_view masks, std::size_t d);
inline bool mask_bit(std::string_view masks, std::size_t d, std::size_t i) {
  return ((mask_of(masks, d) >> i) & 1U) != 0;
}

}  // namespace qb::detail
