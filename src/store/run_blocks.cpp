#include "store/run_blocks.hpp"

#include <lz4.h>
#include <zstd.h>

#include <atomic>
#include <bit>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "qualbar/core/error.hpp"
#include "qualbar/io/dataset.hpp"

namespace qb::detail {

static_assert(std::endian::native == std::endian::little,
              "the run format's numbers are little-endian, as this machine's");

namespace {
constexpr char kLz4Tag = 'L';
constexpr std::size_t kLz4Header = 1 + sizeof(std::uint32_t);
constexpr unsigned char kZstdMagic[4] = {0x28, 0xB5, 0x2F, 0xFD};
}  // namespace

Packer::Packer() : lz4_state_(static_cast<std::size_t>(LZ4_sizeofState()), '\0'),
                   dctx_(ZSTD_createDCtx()) {
  if (dctx_ == nullptr) throw std::bad_alloc();
}

Packer::~Packer() { ZSTD_freeDCtx(static_cast<ZSTD_DCtx*>(dctx_)); }

void Packer::pack(std::string_view raw, std::string& out) {
  if (raw.size() > static_cast<std::size_t>(LZ4_MAX_INPUT_SIZE))
    throw RunError(fmt::format("cannot compress a block of the run: {} bytes is over LZ4's limit",
                               raw.size()));
  const int raw_size = static_cast<int>(raw.size());
  // Compressed into the packer's own buffer, then copied: sizing `out` to LZ4's bound would
  // zero three times the bytes the block takes.
  const auto bound = static_cast<std::size_t>(LZ4_compressBound(raw_size));
  if (scratch_.size() < bound) scratch_.resize(bound);
  const int n = LZ4_compress_fast_extState(lz4_state_.data(), raw.data(), scratch_.data(),
                                           raw_size, static_cast<int>(bound), 1);
  if (n <= 0 && raw_size > 0) throw RunError("cannot compress a block of the run (LZ4 failed)");
  const auto size = static_cast<std::uint32_t>(raw.size());
  out.clear();
  out.reserve(kLz4Header + static_cast<std::size_t>(n));
  out.push_back(kLz4Tag);
  out.append(reinterpret_cast<const char*>(&size), sizeof size);
  out.append(scratch_.data(), static_cast<std::size_t>(n));
}

void Packer::unpack(std::string_view packed, std::string& out, const std::string& where) {
  if (!packed.empty() && packed[0] == kLz4Tag && packed.size() >= kLz4Header) {
    std::uint32_t size = 0;
    std::memcpy(&size, packed.data() + 1, sizeof size);
    out.resize(size);
    const int n = LZ4_decompress_safe(packed.data() + kLz4Header, out.data(),
                                      static_cast<int>(packed.size() - kLz4Header),
                                      static_cast<int>(size));
    if (n < 0 || static_cast<std::uint32_t>(n) != size)
      throw RunError(fmt::format("{}: a stored block is damaged (LZ4: {})", where,
                                 n < 0 ? "not a valid block" : "short"));
    return;
  }
  if (packed.size() < sizeof kZstdMagic || std::memcmp(packed.data(), kZstdMagic, 4) != 0)
    throw RunError(fmt::format("{}: a stored block is damaged (neither LZ4 nor zstd)", where));
  const unsigned long long size = ZSTD_getFrameContentSize(packed.data(), packed.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > (1ULL << 32))
    throw RunError(fmt::format("{}: a stored block is damaged (not a zstd frame)", where));
  out.resize(static_cast<std::size_t>(size));
  const std::size_t n = ZSTD_decompressDCtx(static_cast<ZSTD_DCtx*>(dctx_), out.data(), out.size(),
                                            packed.data(), packed.size());
  if (ZSTD_isError(n) != 0U || n != size)
    throw RunError(fmt::format("{}: a stored block is damaged ({})", where,
                               ZSTD_isError(n) != 0U ? ZSTD_getErrorName(n) : "short"));
}

// What the caller and the worker share: one job at a time, its items claimed one by one by
// whichever thread is free.
struct PackPool::Shared {
  std::mutex mutex;
  std::condition_variable wake, done;
  bool stop = false;
  std::uint64_t job = 0, finished = 0;  // the job given, and the last the worker finished
  std::size_t n = 0;
  std::atomic<std::size_t> next{0};  // the next item to claim
  const std::function<void(std::size_t, std::string&)>* fill = nullptr;
  std::vector<std::string>* out = nullptr;
  std::exception_ptr failed;
  std::thread worker;
};

namespace {
// Packs the job's items until none is left to claim.
void pack_claimed(PackPool::Shared& s, Packer& packer, std::string& raw) {
  for (std::size_t i = s.next++; i < s.n; i = s.next++) {
    raw.clear();
    (*s.fill)(i, raw);
    packer.pack(raw, (*s.out)[i]);
  }
}
}  // namespace

PackPool::PackPool() : shared_(std::make_unique<Shared>()) {}

PackPool::~PackPool() {
  if (!shared_->worker.joinable()) return;
  {
    const std::lock_guard lock(shared_->mutex);
    shared_->stop = true;
  }
  shared_->wake.notify_one();
  shared_->worker.join();
}

void PackPool::work() {
  Packer packer;
  std::string raw;
  Shared& s = *shared_;
  std::uint64_t seen = 0;
  for (;;) {
    std::unique_lock lock(s.mutex);
    s.wake.wait(lock, [&] { return s.stop || s.job != seen; });
    if (s.stop) return;
    seen = s.job;
    lock.unlock();
    std::exception_ptr failed;
    try {
      pack_claimed(s, packer, raw);
    } catch (...) {
      failed = std::current_exception();
      s.next = s.n;  // nothing more is claimed
    }
    lock.lock();
    s.failed = failed;
    s.finished = seen;
    lock.unlock();
    s.done.notify_one();
  }
}

void PackPool::start(std::size_t n, const std::function<void(std::size_t, std::string&)>& fill,
                     std::vector<std::string>& out) {
  out.resize(n);
  Shared& s = *shared_;
  s.fill = &fill;
  s.out = &out;
  s.n = n;
  s.next = 0;
  started_ = true;
  // A batch of a dozen items or more is worth a second thread (started by the first such).
  if (n < 12 || std::thread::hardware_concurrency() < 2) return;
  if (!s.worker.joinable()) s.worker = std::thread([this] { work(); });
  {
    const std::lock_guard lock(s.mutex);
    s.failed = nullptr;
    ++s.job;
  }
  s.wake.notify_one();
}

void PackPool::finish() {
  if (!started_) return;
  started_ = false;
  Shared& s = *shared_;
  std::exception_ptr failed;
  std::string raw;
  try {
    pack_claimed(s, packer_, raw);
  } catch (...) {
    failed = std::current_exception();
    s.next = s.n;
  }
  {
    std::unique_lock lock(s.mutex);
    s.done.wait(lock, [&] { return s.finished == s.job; });
    if (!failed) failed = s.failed;
  }
  if (failed) std::rethrow_exception(failed);
}

void PackPool::pack(std::size_t n, const std::function<void(std::size_t, std::string&)>& fill,
                    std::vector<std::string>& out) {
  start(n, fill, out);
  finish();
}

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_item(std::string& out, std::string_view item) {
  put_varint(out, item.size());
  out.append(item);
}

void Reader::truncated() const {
  throw RunError(fmt::format("{}: a stored block is damaged (it ends early)", where_));
}

std::uint64_t Reader::varint() {
  std::uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= data_.size()) truncated();
    const auto b = static_cast<unsigned char>(data_[pos_++]);
    v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) return v;
  }
  truncated();
}

std::string_view Reader::bytes(std::size_t n) {
  if (n > data_.size() - pos_) truncated();
  const std::string_view out = data_.substr(pos_, n);
  pos_ += n;
  return out;
}

std::string_view Reader::item() { return bytes(static_cast<std::size_t>(varint())); }

void put_score(std::string& out, const ScoreView& s) {
  out.push_back(static_cast<char>(s.status));
  char value[sizeof(double)];
  std::memcpy(value, &s.value, sizeof value);
  out.append(value, sizeof value);
  put_item(out, s.evidence);
}

Score read_score(Reader& r) {
  Score s;
  const auto status = static_cast<unsigned char>(r.bytes(1)[0]);
  if (status > static_cast<unsigned char>(ScoreStatus::ungraded))
    throw RunError(fmt::format("{}: a stored score has a kind this qualbar does not know ({}): "
                               "it was written by a newer qualbar",
                               r.where(), status));
  s.status = static_cast<ScoreStatus>(status);
  std::memcpy(&s.value, r.bytes(sizeof(double)).data(), sizeof(double));
  s.evidence = std::string(r.item());
  return s;
}

namespace {
constexpr char kAnswerTag = 1;
// Which optional fields an answer holds (put_answer's second part).
enum AnswerField : std::uint64_t {
  kConfidence = 1U << 0,
  kCitations = 1U << 1,
  kLabel = 1U << 2,
  kLatency = 1U << 3,
  kTtft = 1U << 4,
  kUsage = 1U << 5,
  kCost = 1U << 6,
  kModel = 1U << 7,
  kError = 1U << 8,
  kExtra = 1U << 9,
};
constexpr std::uint64_t kAnswerFields = (kExtra << 1) - 1;

void put_double(std::string& out, double v) {
  char bytes[sizeof(double)];
  std::memcpy(bytes, &v, sizeof bytes);
  out.append(bytes, sizeof bytes);
}

double read_double(Reader& r) {
  double v = 0;
  std::memcpy(&v, r.bytes(sizeof(double)).data(), sizeof(double));
  return v;
}
}  // namespace

void put_answer(std::string& out, const Response& r) {
  const ResponseDetails& d = r.details();
  std::uint64_t fields = 0;
  if (r.confidence) fields |= kConfidence;
  if (!d.citations.empty()) fields |= kCitations;
  if (r.label) fields |= kLabel;
  if (r.latency_ms) fields |= kLatency;
  if (d.ttft_ms) fields |= kTtft;
  if (d.usage) fields |= kUsage;
  if (d.cost_usd) fields |= kCost;
  if (!r.model.empty()) fields |= kModel;
  if (r.error) fields |= kError;
  if (!d.extra_json.empty()) fields |= kExtra;
  out.push_back(kAnswerTag);
  put_varint(out, fields);
  put_item(out, r.id);
  put_item(out, r.output);
  if (r.confidence) put_double(out, *r.confidence);
  if (!d.citations.empty()) {
    put_varint(out, d.citations.size());
    for (const std::string& c : d.citations) put_item(out, c);
  }
  if (r.label) put_item(out, *r.label);
  if (r.latency_ms) put_double(out, *r.latency_ms);
  if (d.ttft_ms) put_double(out, *d.ttft_ms);
  if (d.usage) {
    put_varint(out, static_cast<std::uint64_t>(d.usage->input_tokens));
    put_varint(out, static_cast<std::uint64_t>(d.usage->output_tokens));
  }
  if (d.cost_usd) put_double(out, *d.cost_usd);
  if (!r.model.empty()) put_item(out, r.model);
  if (r.error) put_item(out, *r.error);
  if (!d.extra_json.empty()) put_item(out, d.extra_json);
}

Response read_answer(std::string_view stored, const std::string& where, TextInterner* texts) {
  if (is_json_answer(stored)) {
    std::vector<Response> parsed = parse_responses(stored, where);
    if (parsed.size() != 1)
      throw RunError(fmt::format("{}: a stored answer is damaged (not one JSON line)", where));
    return std::move(parsed.front());
  }
  if (stored.empty() || stored.front() != kAnswerTag)
    throw RunError(
        fmt::format("{}: a stored answer is damaged (neither JSON nor this format)", where));
  Reader r(stored.substr(1), where);
  const std::uint64_t fields = r.varint();
  if ((fields & ~kAnswerFields) != 0)
    throw RunError(
        fmt::format("{}: a stored answer has fields this qualbar does not know: it "
                    "was written by a newer qualbar",
                    where));
  Response a;
  a.id = std::string(r.item());
  a.output = std::string(r.item());
  if ((fields & kConfidence) != 0) a.confidence = read_double(r);
  if ((fields & kCitations) != 0) {
    const std::uint64_t n = r.varint();
    for (std::uint64_t i = 0; i < n; ++i) a.edit_details().citations.emplace_back(r.item());
  }
  if ((fields & kLabel) != 0) {
    const std::string_view label = r.item();
    a.label = texts != nullptr ? texts->optional(label) : OptionalSharedText(label);
  }
  if ((fields & kLatency) != 0) a.latency_ms = read_double(r);
  if ((fields & kTtft) != 0) a.edit_details().ttft_ms = read_double(r);
  if ((fields & kUsage) != 0) {
    Usage u;
    u.input_tokens = static_cast<std::int64_t>(r.varint());
    u.output_tokens = static_cast<std::int64_t>(r.varint());
    a.edit_details().usage = u;
  }
  if ((fields & kCost) != 0) a.edit_details().cost_usd = read_double(r);
  if ((fields & kModel) != 0) {
    const std::string_view model = r.item();
    a.model = texts != nullptr ? texts->text(model) : SharedText(model);
  }
  if ((fields & kError) != 0) a.error = std::string(r.item());
  if ((fields & kExtra) != 0) a.edit_details().extra_json = std::string(r.item());
  if (!r.done())
    throw RunError(fmt::format("{}: a stored answer is damaged (bytes after its end)", where));
  return a;
}

std::string answer_json(std::string_view stored, const std::string& where) {
  if (is_json_answer(stored)) return std::string(stored);
  std::string out;
  append_response_json(out, read_answer(stored, where));
  return out;
}

std::string failing_masks(std::span<const std::uint8_t> failing, std::size_t n_dimensions,
                          std::size_t first, std::size_t n) {
  std::string out(n_dimensions * sizeof(std::uint64_t), '\0');
  for (std::size_t d = 0; d < n_dimensions; ++d) {
    std::uint64_t mask = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t at = (first + i) * n_dimensions + d;
      if (at < failing.size() && failing[at] != 0) mask |= std::uint64_t{1} << i;
    }
    std::memcpy(out.data() + d * sizeof mask, &mask, sizeof mask);
  }
  return out;
}

std::uint64_t mask_of(std::string_view masks, std::size_t d) {
  std::uint64_t mask = 0;
  if ((d + 1) * sizeof mask > masks.size()) return 0;
  std::memcpy(&mask, masks.data() + d * sizeof mask, sizeof mask);
  return mask;
}

}  // namespace qb::detail
