// qualbar monitor ingest: one pass over production records, constant memory. Aggregates are kept
// as deltas in memory and merged into the store at each flush (every flush_records records or
// flush_seconds), together with the sampled records and how far each file was read, in one
// transaction: a killed ingest loses nothing it reported and double-counts nothing on rerun.
#include "qualbar/monitor/ingest.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <xxhash.h>
#include <nlohmann/json.hpp>

#include "metrics/slices.hpp"
#include "monitor/cells.hpp"
#include "monitor/record.hpp"
#include "qualbar/core/error.hpp"
#include "qualbar/review/review.hpp"
#include "qualbar/run/run_lock.hpp"
#include "qualbar/scorers/scorer.hpp"
#include "qualbar/util/files.hpp"
#include "qualbar/util/id_index.hpp"
#include "qualbar/util/json_scan.hpp"
#include "qualbar/util/text.hpp"
#include "qualbar/util/time.hpp"
#include "qualbar/version.hpp"
#include "scorers/language_detect.hpp"

namespace qb::monitor {

std::string monitor_id(const Suite& suite) {
  std::string id = "m-";
  for (const char c : suite.name) {
    const auto u = static_cast<unsigned char>(c);
    id += std::isalnum(u) ? static_cast<char>(std::tolower(u)) : '-';
  }
  return id;
}

std::size_t stratum_floor(const MonitorSettings& m, bool critical) {
  const double kept = 1.0 - m.expected_loss;
  const auto floor_for = [&](double graded) {
    return static_cast<std::size_t>(std::ceil(graded / kept - 1e-9));
  };
  if (critical)
    return std::max(m.min_per_window_written ? m.min_per_window : 0,
                    floor_for(2.0 * static_cast<double>(m.min_graded)));
  if (m.min_per_window_written) return m.min_per_window;
  return floor_for(static_cast<double>(m.min_graded) /
                   static_cast<double>(std::max<std::size_t>(1, m.pool_weeks)));
}

bool critical_stratum(const Suite& suite, const std::vector<std::string_view>& values) {
  const auto& keys = suite.monitor.stratify_by;
  for (const CriticalSlice& c : suite.critical_slices) {
    bool match = !c.slice.keys.empty();
    for (std::size_t i = 0; match && i < c.slice.keys.size(); ++i) {
      const auto at = std::find(keys.begin(), keys.end(), c.slice.keys[i]);
      match = at != keys.end() && static_cast<std::size_t>(at - keys.begin()) < values.size() &&
              i < c.values.size() &&
              values[static_cast<std::size_t>(at - keys.begin())] == c.values[i];
    }
    if (match) return true;
  }
  return false;
}

double sampling_hash(const std::string& salt, std::string_view id) {
  thread_local std::string key;
  key.assign(salt);
  key.push_back('\0');  // keeps ("ab", "c") and ("a", "bc") apart
  key.append(id);
  return static_cast<double>(XXH3_64bits(key.data(), key.size()) >> 11) * 0x1p-53;
}

std::vector<std::size_t> ingest_dimensions(const Suite& suite) {
  std::vector<std::size_t> out;
  for (std::size_t d = 0; d < suite.dimensions.size(); ++d) {
    const DimensionSpec& spec = suite.dimensions[d];
    if (!suite.monitor.dimensions.empty()) {
      if (std::find(suite.monitor.dimensions.begin(), suite.monitor.dimensions.end(), spec.name) !=
          suite.monitor.dimensions.end())
        out.push_back(d);
      continue;
    }
    if (spec.builtin || review::uses_judge(spec) || spec.scorer == "assertions") continue;
    const ScorerInfo& info = scorer_entry(spec.scorer).info;
    if (info.kind == ScoreKind::measurement || !info.dimension_arg.empty() || info.graded_by_people)
      continue;
    out.push_back(d);
  }
  return out;
}

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::uint32_t kOverall = 0xFF;
constexpr std::size_t kChunk = 4 << 20;
constexpr std::size_t kQuarantineBytes = 10'000;  // of a bad line's text, in the quarantine file

using Interner = std::unordered_map<std::string, std::uint32_t, IdHash, std::equal_to<>>;

std::uint32_t intern(Interner& map, std::vector<std::string>& names, std::string_view s) {
  if (const auto it = map.find(s); it != map.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(names.size());
  names.emplace_back(s);
  map.emplace(names.back(), id);
  return id;
}

// Where a slice or stratum key's value comes from in a record.
struct KeyRef {
  enum Kind { category, language, metadata } kind = category;
  std::size_t index = 0;  // into RecordView::metadata
};

struct SliceDef {
  std::string label;  // "category" or "category × language"
  std::vector<KeyRef> keys;
  Interner values;
  std::vector<std::string> names;
};

// A record among the k smallest sampling hashes of its stratum-week, kept as its raw line until a
// flush turns the survivors into sample rows (most are pushed out before that).
struct Candidate {
  double u = 0;
  std::string line;
  std::string ts;
  bool stored = false;                                          // already handed to the store
  bool operator<(const Candidate& o) const { return u < o.u; }  // a max-heap on u
};
using BottomK = std::vector<Candidate>;

// "2026-11-20T10:00:00Z" → "2026-11-20" in UTC; "" when not RFC 3339. Times in UTC (the common
// case) are checked by hand; others go through the full parser.
bool digits(std::string_view s, std::size_t from, std::size_t n) {
  for (std::size_t i = from; i < from + n; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

std::string_view utc_day(std::string_view ts, std::string& scratch) {
  const bool utc = ts.size() >= 20 && (ts.back() == 'Z' || ts.back() == 'z');
  if (utc && digits(ts, 0, 4) && ts[4] == '-' && digits(ts, 5, 2) && ts[7] == '-' &&
      digits(ts, 8, 2) && (ts[10] == 'T' || ts[10] == 't') && digits(ts, 11, 2) && ts[13] == ':' &&
      digits(ts, 14, 2) && ts[16] == ':' && digits(ts, 17, 2)) {
    const int month = (ts[5] - '0') * 10 + (ts[6] - '0');
    const int day = (ts[8] - '0') * 10 + (ts[9] - '0');
    const int hour = (ts[11] - '0') * 10 + (ts[12] - '0');
    if (month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 &&
        (ts.size() == 20 || ts[19] == '.'))
      return ts.substr(0, 10);  // a 31st of a short month is caught when the day is first seen
  }
  scratch = to_utc_rfc3339(ts);
  return scratch.empty() ? std::string_view() : std::string_view(scratch).substr(0, 10);
}

}  // namespace

namespace detail {

class Ingestor {
 public:
  Ingestor(Store& store, const Suite& suite, const IngestOptions& o)
      : store_(store), suite_(suite), o_(o), id_(monitor_id(suite)) {
    std::vector<std::string> meta;
    const auto ref = [&](const std::string& key) {
      if (key == "category") return KeyRef{KeyRef::category, 0};
      if (key == "language") return KeyRef{KeyRef::language, 0};
      const auto it = std::find(meta.begin(), meta.end(), key);
      if (it != meta.end())
        return KeyRef{KeyRef::metadata, static_cast<std::size_t>(it - meta.begin())};
      meta.push_back(key);
      return KeyRef{KeyRef::metadata, meta.size() - 1};
    };
    for (const auto& spec : suite.slices) {
      if (std::find(spec.keys.begin(), spec.keys.end(), "tags") != spec.keys.end()) continue;
      SliceDef def;
      for (const auto& k : spec.keys) {
        def.label += (def.label.empty() ? "" : " × ") + k;
        def.keys.push_back(ref(k));
      }
      slices_.push_back(std::move(def));
    }
    for (const auto& k : suite.monitor.stratify_by) strata_keys_.push_back(ref(k));
    // Every key read for a slice or a stratum keeps at most max_slice_values values of its own.
    key_limits_.resize(2 + meta.size());
    key_limits_[0].name = "category";
    key_limits_[1].name = "language";
    for (std::size_t i = 0; i < meta.size(); ++i) key_limits_[2 + i].name = meta[i];
    const qb::detail::SliceFold fold = qb::detail::SliceFold::of(suite);
    for (KeyLimit& l : key_limits_) {
      if (const auto it = fold.kept.find(l.name); it != fold.kept.end())
        l.kept.insert(it->second.begin(), it->second.end());
    }
    std::set<std::size_t> used;
    for (const auto& def : slices_) {
      for (const KeyRef& k : def.keys) used.insert(slot_of(k));
    }
    for (const KeyRef& k : strata_keys_) used.insert(slot_of(k));
    used_slots_.assign(used.begin(), used.end());
    folded_.resize(key_limits_.size());
    // Values an earlier ingest gave cells of their own keep them: processes agree on the set.
    for (const auto& [slice, value] : store.monitor().slice_values(id_)) {
      for (KeyLimit& l : key_limits_)
        if (l.name == slice && value != qb::detail::kOtherValue) l.accepted.emplace(value);
    }
    if (o.score) {
      for (const std::size_t d : ingest_dimensions(suite)) {
        const DimensionSpec& spec = suite.dimensions[d];
        scored_.push_back({spec.name, make_scorer(spec.scorer, spec.args_json), spec.threshold});
        dim_names_.push_back(spec.name);
      }
    }
    reader_ = std::make_unique<detail::RecordReader>(
        meta, !scored_.empty() || suite.monitor.detect_language, suite.limits.max_json_depth);
    if (whole_.allocate(simdjson::SIMDJSON_PADDING, suite.limits.max_json_depth) !=
        simdjson::SUCCESS)
      throw RunError("out of memory for the JSON parser");
    batch_start_ = Clock::now();
  }
  ~Ingestor() {
    if (quarantine_) std::fclose(quarantine_);
  }
  Ingestor(const Ingestor&) = delete;
  Ingestor& operator=(const Ingestor&) = delete;

  void ingest_source(const std::string& source) {
    source_ = source;
    line_no_ = 0;
    offset_ = 0;
    checkpoint_.reset();
    int fd = 0;
    std::optional<SourceLock> lock;
    if (source != "-") {
      fd = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        throw InputError(fmt::format("{}: cannot read: {}", source, std::strerror(errno)));
      lock.emplace(store_.runs(), fmt::format("{} ingest {}", id_, source));
      if (!lock->wait(o_, source)) {  // interrupted while another ingest held the file
        ::close(fd);
        return;
      }
      checkpoint_ = MonitorCheckpoint{source, "", 0, 0};
      // The same file as last time (not a rotated one): its head, as far as it was read then,
      // is unchanged.
      if (const auto done = store_.monitor().checkpoint(id_, source);
          done && done->identity == identity(fd, head_length(done->identity))) {
        offset_ = done->offset;
        line_no_ = done->lines;
        summary_.skipped_lines += done->lines;
        ::lseek(fd, static_cast<off_t>(offset_), SEEK_SET);
      }
    }
    fd_ = fd;
    read_lines(fd);
    flush();
    if (fd != 0) ::close(fd);
    fd_ = -1;
  }

  // The lines of a request's body as the records of `source` (line numbers from 1).
  void feed(const std::string& source, std::string_view body) {
    source_ = source;
    line_no_ = 0;
    offset_ = 0;
    checkpoint_.reset();
    fd_ = -1;
    // Grown, never shrunk: zeroing fresh pages for every body cost more than the parse.
    if (body_.size() < body.size() + simdjson::SIMDJSON_PADDING)
      body_.resize(body.size() + simdjson::SIMDJSON_PADDING);
    std::memcpy(body_.data(), body.data(), body.size());
    process(body_, body.size(), /*at_end=*/true);
  }

  // Stored with the next flush.
  void remember(IngestAnswerRow answer) { answers_.push_back(std::move(answer)); }
  void store() { flush(); }
  [[nodiscard]] const IngestSummary& totals() const { return summary_; }
  [[nodiscard]] const std::string& newest_day() const { return newest_day_; }

  IngestSummary finish(double seconds) {
    flush();
    summary_.dimensions = dim_names_;
    summary_.applied = applied_;
    summary_.applied.resize(dim_names_.size(), 0);
    for (const KeyLimit& l : key_limits_) {
      if (l.folded_records == 0) continue;
      summary_.warnings.push_back(fmt::format(
          "slice key '{}' has more than {} distinct values: {} records with a later new value are "
          "counted together as '{}' (limits.max_slice_values; values a critical slice names are "
          "never folded)",
          l.name, suite_.limits.max_slice_values, l.folded_records, qb::detail::kOtherValue));
    }
    summary_.seconds = seconds;
    for (const auto& w : weeks_seen_) summary_.weeks.push_back(w);
    std::sort(summary_.weeks.begin(), summary_.weeks.end());
    return summary_;
  }

 private:
  // One process reads a monitor's file at a time, under a lock in the store like a run's: a
  // second ingest of the same file waits until the first has ended, then reads the checkpoint it
  // left and goes on from there, so no line is counted twice. A lock left by a process that no
  // longer runs is taken over.
  class SourceLock {
   public:
    SourceLock(RunStore& runs, std::string name)
        : runs_(runs), name_(std::move(name)), me_(RunLock::self()) {}
    ~SourceLock() {
      if (!held_) return;
      try {
        runs_.unlock_run(name_, me_);
      } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): stale once we end
      }
    }
    SourceLock(const SourceLock&) = delete;
    SourceLock& operator=(const SourceLock&) = delete;
    // False when stopped (o.stop) before the lock was free.
    bool wait(const IngestOptions& o, const std::string& source) {
      for (bool told = false;;) {
        const RunLockResult r = runs_.lock_run(name_, me_, &RunLock::is_stale);
        if (r.taken) return held_ = true;
        if (!told && o.waiting) {
          o.waiting(
              fmt::format("{} is being ingested by process {} on {} (since {}): waiting for "
                          "it to end, then going on from where it stopped, so that no "
                          "record is counted twice",
                          source, r.previous->pid, r.previous->host, r.previous->since));
        }
        told = true;
        if (o.stop && o.stop()) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }

   private:
    RunStore& runs_;
    std::string name_;
    RunHolder me_;
    bool held_ = false;
  };

  struct Scored {
    std::string name;
    std::unique_ptr<Scorer> scorer;
    std::optional<double> threshold;
  };

  // A file's identity: device, inode, and the hash of its first bytes (up to 4 KiB, no more
  // than were read), so a rotated log reads as a new file and a growing one as the same.
  static std::string identity(int fd, std::uint64_t upto) {
    struct stat st {};
    ::fstat(fd, &st);
    char head[4096];
    const ssize_t n = ::pread(fd, head, std::min<std::uint64_t>(sizeof head, upto), 0);
    const std::size_t len = n > 0 ? static_cast<std::size_t>(n) : 0;
    return fmt::format("{}:{}:{}:{:016x}", st.st_dev, st.st_ino, len, XXH3_64bits(head, len));
  }
  // The head length an identity was taken over (its third field).
  static std::uint64_t head_length(const std::string& identity) {
    std::size_t pos = 0;
    for (int i = 0; i < 2 && pos != std::string::npos; ++i) pos = identity.find(':', pos + 1);
    if (pos == std::string::npos) return 0;
    return std::strtoull(identity.c_str() + pos + 1, nullptr, 10);
  }

  void read_lines(int fd) {
    const std::size_t max_line = suite_.limits.max_line_bytes;
    std::vector<char> buf(std::min(kChunk, max_line + 1) + simdjson::SIMDJSON_PADDING);
    std::size_t have = 0;  // bytes in buf
    // A line longer than max_line that does not fit the buffer is dropped as it is read, up to its
    // end: its first bytes are kept for the quarantine, its length is counted.
    bool skipping = false;
    std::string head;
    std::uint64_t skipped = 0;
    for (;;) {
      if (o_.stop && o_.stop()) return;
      const std::size_t room = buf.size() - simdjson::SIMDJSON_PADDING;
      if (have == room && !skipping) {  // no line end in a full buffer: one line fills it
        if (room > max_line) {
          head.assign(buf.data(), std::min<std::size_t>(have, kQuarantineBytes));
          skipped = have;
          have = 0;
          skipping = true;
        } else {
          buf.resize(std::min(room * 2, max_line + 1) + simdjson::SIMDJSON_PADDING);
        }
      }
      if (!wait_for_input(fd)) continue;
      const std::size_t space = buf.size() - simdjson::SIMDJSON_PADDING - have;
      const ssize_t n = ::read(fd, buf.data() + have, space);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw RunError(fmt::format("{}: read failed: {}", source_, std::strerror(errno)));
      }
      if (n == 0) break;
      if (skipping) {
        const auto* nl =
            static_cast<const char*>(std::memchr(buf.data(), '\n', static_cast<std::size_t>(n)));
        if (nl == nullptr) {
          skipped += static_cast<std::size_t>(n);
          continue;
        }
        const auto used = static_cast<std::size_t>(nl - buf.data()) + 1;
        end_long_line(head, skipped + used, /*newline=*/true);
        skipping = false;
        std::memmove(buf.data(), buf.data() + used, static_cast<std::size_t>(n) - used);
        have = static_cast<std::size_t>(n) - used;
      } else {
        have += static_cast<std::size_t>(n);
      }
      const std::size_t used = process(buf, have, /*at_end=*/false);
      std::memmove(buf.data(), buf.data() + used, have - used);
      have -= used;
      if (pending_ > 0 && due()) flush();
    }
    if (skipping) {
      end_long_line(head, skipped, /*newline=*/false);
    } else if (have > 0) {
      process(buf, have, /*at_end=*/true);
    }
  }

  // Waits until `fd` has bytes to read (or its end), at most until the batch read so far is due
  // to be stored: a quiet stream (a pipe whose writer is still open) has its records stored every
  // flush_seconds, not at its end. False when the wait ended without input (then the batch was
  // stored if due, and the caller asks again, after checking for an interrupt). A regular file is
  // always readable: no wait.
  bool wait_for_input(int fd) {
    constexpr int kIdleMs = 500;  // how often an idle stream checks for an interrupt
    int timeout_ms = kIdleMs;
    if (pending_ > 0) {
      const double left =
          o_.flush_seconds - std::chrono::duration<double>(Clock::now() - batch_start_).count();
      timeout_ms = std::clamp(static_cast<int>(std::ceil(left * 1000.0)), 0, kIdleMs);
    }
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, timeout_ms);
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR)
      throw RunError(fmt::format("{}: cannot wait for input: {}", source_, std::strerror(errno)));
    if (pending_ > 0 && due()) flush();
    return false;
  }

  // A line too long to hold has ended: it is quarantined at its own line number.
  void end_long_line(const std::string& head, std::uint64_t bytes, bool newline) {
    ++line_no_;
    quarantine(head, long_line_error(bytes - (newline ? 1 : 0)));
    offset_ += bytes;
    summary_.bytes += bytes;
  }

  std::string long_line_error(std::uint64_t bytes) const {
    return fmt::format(
        "the line is {} bytes long, over the limit of {} bytes (limits."
        "max_line_bytes in the suite); its first bytes are kept here",
        bytes, suite_.limits.max_line_bytes);
  }

  // Handles the complete lines in buf[0, have); returns the bytes consumed.
  std::size_t process(std::vector<char>& buf, std::size_t have, bool at_end) {
    std::size_t start = 0;
    while (start < have) {
      const char* nl =
          static_cast<const char*>(std::memchr(buf.data() + start, '\n', have - start));
      if (nl == nullptr && !at_end) break;
      const std::size_t end = nl ? static_cast<std::size_t>(nl - buf.data()) : have;
      std::string_view line(buf.data() + start, end - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      ++line_no_;
      if (line.find_first_not_of(" \t") != std::string_view::npos) handle(line, buf.size() - start);
      const std::size_t next = nl ? end + 1 : have;
      offset_ += next - start;
      summary_.bytes += next - start;
      start = next;
      if ((++since_check_ & 4095) == 0 && due()) flush();
    }
    return start;
  }

  // Memory stays flat: each cell holds a latency sketch of ~25 KB, so a stream spread over many
  // days and slice values is flushed by cell count as well.
  static constexpr std::size_t kMaxCells = 1024;

  bool due() const {
    return pending_ >= o_.flush_records || cells_.size() >= kMaxCells ||
           std::chrono::duration<double>(Clock::now() - batch_start_).count() >= o_.flush_seconds;
  }

  void handle(std::string_view line, std::size_t capacity) {
    if (line.size() > suite_.limits.max_line_bytes)
      return quarantine(line, long_line_error(line.size()));
    std::string error;
    if (!reader_->read(line, capacity, rec_, error)) return quarantine(line, error);
    const std::string_view day = utc_day(rec_.ts, scratch_);
    if (day.empty())
      return quarantine(line, fmt::format("field 'ts': '{}' is not an RFC 3339 time such as "
                                          "2026-11-20T10:00:00Z",
                                          excerpt(rec_.ts, 40)));
    const auto ids = windows(day);
    if (!ids)
      return quarantine(line, fmt::format("field 'ts': '{}' is not a date of the calendar",
                                          excerpt(rec_.ts, 40)));
    const auto [day_id, week_id] = *ids;
    std::uint64_t key = 0;
    if (o_.dedup_ids) {
      key = record_key(window_names_[week_id]);
      if (batch_ids_.contains(key) || store_.monitor().record_seen(id_, key)) {
        ++summary_.duplicates;
        return;
      }
    }
    if (rec_.language.empty() && suite_.monitor.detect_language) detect_language();
    fold_keys();
    // A record kept whole is read whole later (a review item, a dataset case): every field of it
    // must parse, not only those the aggregates read.
    const Slot slot = sample_slot(week_id);
    if (slot.by_rate || slot.enters) {
      if (!whole_record(line, capacity, error)) return quarantine(line, error);
    }
    if (o_.dedup_ids) {
      batch_ids_.insert(key);
      record_ids_.emplace_back(window_names_[week_id], key);
    }
    ++summary_.records;
    ++pending_;
    scores_.clear();
    if (!scored_.empty()) score();
    for (const std::uint32_t w : {day_id, week_id}) {
      add(cell(w, kOverall, 0), /*overall=*/true);
      for (std::uint32_t s = 0; s < slices_.size(); ++s) add(cell(w, s, slice_value(s)), false);
    }
    sample(line, slot);
  }

  // A record's identity within its week (IngestOptions::dedup_ids): XXH3 of the week and the id.
  std::uint64_t record_key(const std::string& week) {
    scratch_.assign(week);
    scratch_.push_back('\0');
    scratch_.append(rec_.id);
    return XXH3_64bits(scratch_.data(), scratch_.size());
  }

  // The day's and week's ids; nullopt for a date that does not exist (2026-02-31). Each day is
  // worked out once.
  std::optional<std::pair<std::uint32_t, std::uint32_t>> windows(std::string_view day) {
    if (const auto it = days_.find(day); it != days_.end()) return it->second;
    if (to_utc_rfc3339(std::string(day) + "T00:00:00Z").empty()) return std::nullopt;
    const std::string week = iso_week(day);
    weeks_seen_.insert(week);
    if (day > newest_day_) newest_day_ = std::string(day);
    const std::pair ids{intern(window_ids_, window_names_, day),
                        intern(window_ids_, window_names_, week)};
    days_.emplace(std::string(day), ids);
    return ids;
  }

  static std::size_t slot_of(const KeyRef& k) {
    return k.kind == KeyRef::category ? 0 : k.kind == KeyRef::language ? 1 : 2 + k.index;
  }

  // The record's value of a key, as sliced: "(none)" when absent, "(other)" when the key already
  // has max_slice_values values of its own (set by fold_keys() for each record).
  std::string_view key_value(const KeyRef& k) const { return folded_[slot_of(k)]; }

  // The record's language by CLD2 when it has none: of its input (the last user message), else
  // of its output; left empty unless the detector is sure.
  void detect_language() {
    const std::string_view text = rec_.input.empty() ? rec_.output : std::string_view(rec_.input);
    const qb::detail::LanguageGuess g = qb::detail::detect_language(text);
    if (!g.reliable || g.code == "un") return;
    detected_language_ = qb::detail::primary_language(g.code);
    rec_.language = detected_language_;
  }

  void fold_keys() {
    for (const std::size_t slot : used_slots_) {
      std::string_view v = slot == 0   ? rec_.category
                           : slot == 1 ? rec_.language
                                       : std::string_view(rec_.metadata[slot - 2]);
      if (v.empty()) v = "(none)";
      KeyLimit& l = key_limits_[slot];
      if (l.accepted.find(v) == l.accepted.end() && v != "(none)" &&
          l.kept.find(v) == l.kept.end()) {
        if (l.accepted.size() < suite_.limits.max_slice_values) {
          l.accepted.emplace(v);
        } else {
          ++l.folded_records;
          v = qb::detail::kOtherValue;
        }
      }
      folded_[slot] = v;
    }
  }

  std::uint32_t slice_value(std::uint32_t s) {
    SliceDef& def = slices_[s];
    if (def.keys.size() == 1) return intern(def.values, def.names, key_value(def.keys[0]));
    joined_.clear();
    for (const auto& k : def.keys) {
      if (!joined_.empty()) joined_ += " × ";
      joined_ += key_value(k);
    }
    return intern(def.values, def.names, joined_);
  }

  detail::CellAgg& cell(std::uint32_t window, std::uint32_t slice, std::uint32_t value) {
    const std::uint64_t key = (std::uint64_t{window} << 40) | (std::uint64_t{slice} << 32) | value;
    detail::CellAgg& c = cells_[key];
    if (c.dims.size() != scored_.size()) c.dims.resize(scored_.size());
    return c;
  }

  void add(detail::CellAgg& c, bool overall) {
    ++c.volume;
    c.errors += rec_.failed;
    if (rec_.cost_usd) {
      c.cost += *rec_.cost_usd;
      ++c.cost_n;
    }
    c.input.add(rec_.input_length);
    if (!rec_.failed) c.output.add(rec_.output_length);
    if (rec_.latency_ms) {
      if (!c.latency) c.latency = std::make_unique<stats::QuantileSketch>();
      c.latency->add(*rec_.latency_ms);
    }
    for (std::size_t d = 0; d < scores_.size(); ++d) {
      if (scores_[d] < 0) continue;  // not applicable
      ++c.dims[d][0];
      c.dims[d][1] += static_cast<std::uint64_t>(scores_[d]);
    }
    if (overall) {
      const std::string_view cat =
          rec_.category.empty() ? std::string_view("(none)") : rec_.category;
      const auto it = c.categories.find(cat);
      if (it != c.categories.end()) {
        ++it->second;
      } else {
        c.categories.emplace(std::string(cat), 1);
      }
    }
  }

  // The model-free dimensions on this record: 1 pass, 0 fail, −1 not applicable. A failed call
  // fails every quality dimension that applies to the record, as in a run's report (token F1
  // without a reference does not apply, failed call or not).
  void score() {
    case_.id.assign(rec_.id);
    case_.input = rec_.input;
    case_.category = texts_.text(rec_.category);
    case_.language = texts_.text(rec_.language);
    response_.id = case_.id;
    response_.output.assign(rec_.output);
    response_.error = rec_.failed ? std::optional<std::string>("failed") : std::nullopt;
    if (applied_.size() != scored_.size()) applied_.assign(scored_.size(), 0);
    for (std::size_t d = 0; d < scored_.size(); ++d) {
      const Scored& s = scored_[d];
      const Score sc = s.scorer->score(case_, response_);
      if (sc.status == ScoreStatus::not_applicable) {
        scores_.push_back(-1);
        continue;
      }
      ++applied_[d];
      if (rec_.failed) {
        scores_.push_back(0);
      } else {
        const bool pass =
            sc.status == ScoreStatus::scored && sc.value >= s.threshold.value_or(1.0) - 1e-12;
        scores_.push_back(pass ? 1 : 0);
      }
    }
  }

  // Where a record falls in the sample: its stratum-week, its hash, and whether it is kept by
  // the rate or enters its stratum's smallest hashes (which a later record may push out).
  struct Slot {
    std::uint64_t key = 0;  // week << 32 | stratum
    double u = 0;
    bool by_rate = false;
    bool enters = false;
  };

  Slot sample_slot(std::uint32_t week) {
    joined_.clear();
    for (const auto& k : strata_keys_) {
      if (!joined_.empty()) joined_ += " × ";
      joined_ += key_value(k);
    }
    const std::uint32_t stratum = intern(stratum_ids_, stratum_names_, joined_);
    if (stratum == floors_.size()) {  // a stratum seen for the first time
      values_.clear();
      for (const auto& k : strata_keys_) values_.push_back(key_value(k));
      floors_.push_back(stratum_floor(suite_.monitor, critical_stratum(suite_, values_)));
    }
    const std::size_t floor = floors_[stratum];
    Slot slot;
    slot.key = (std::uint64_t{week} << 32) | stratum;
    slot.u = sampling_hash(suite_.monitor.salt, rec_.id);
    slot.by_rate = slot.u < suite_.monitor.sample_rate;
    const BottomK& heap = bottom_[slot.key];
    slot.enters = floor > 0 && (heap.size() < floor || slot.u < heap.front().u);
    return slot;
  }

  // Parses the whole line with the DOM parser (nesting limited): false with `error` set when a
  // field the aggregates did not read is broken (a number out of range, bad JSON).
  bool whole_record(std::string_view line, std::size_t capacity, std::string& error) {
    simdjson::dom::element doc;
    const bool copy = capacity < line.size() + simdjson::SIMDJSON_PADDING;
    const auto e = whole_.parse(line.data(), line.size(), copy).get(doc);
    if (e == simdjson::SUCCESS) return true;
    if (const auto number = json_number_out_of_range(line)) {
      error = fmt::format(
          "the number {} at column {} is out of range: a JSON number must fit a "
          "double (at most about 1.8e308), and a whole number 64 bits",
          excerpt(number->text, 40), number->offset + 1);
    } else {
      error = fmt::format("malformed JSON: {}", simdjson::error_message(e));
    }
    return false;
  }

  void sample(std::string_view line, const Slot& slot) {
    const std::uint64_t key = slot.key;
    const std::uint32_t week = static_cast<std::uint32_t>(key >> 32);
    const std::uint32_t stratum = static_cast<std::uint32_t>(key & 0xFFFFFFFF);
    ++strata_volume_[key];
    const double u = slot.u;
    const bool by_rate = slot.by_rate;
    if (by_rate) {
      ++summary_.sampled;
      samples_.push_back(
          kept(line, rec_.ts, u, false, window_names_[week], stratum_names_[stratum]));
    }
    // The stratum's floor: the stratum_floor smallest hashes of its week. Records sampled by
    // the rate count among them (they set the bar) but need no second copy.
    if (!slot.enters) return;
    BottomK& heap = bottom_[key];
    if (heap.size() >= floors_[stratum]) {
      std::pop_heap(heap.begin(), heap.end());
      heap.pop_back();
    }
    heap.push_back({u, by_rate ? std::string() : std::string(line), std::string(rec_.ts), by_rate});
    std::push_heap(heap.begin(), heap.end());
  }

  // The top-ups still among their stratum-week's smallest hashes go to the store; the store
  // drops those a later record pushes out.
  void store_topups() {
    for (auto& [key, heap] : bottom_) {
      for (Candidate& c : heap) {
        if (c.stored) continue;
        samples_.push_back(kept(c.line, c.ts, c.u, true, window_names_[key >> 32],
                                stratum_names_[key & 0xFFFFFFFF]));
        c.stored = true;
        c.line = std::string();  // its copy is in the store now
      }
    }
  }

  // A sampled record split into its case line and its response line (rare: parsed again whole).
  static MonitorSampleRow kept(std::string_view line, std::string_view ts, double u, bool topup,
                               const std::string& week, const std::string& stratum) {
    const auto j = nlohmann::json::parse(line);
    static const std::vector<std::string> kResponse = {
        "output",  "confidence", "citations", "label", "latency_ms",
        "ttft_ms", "usage",      "cost_usd",  "model", "error"};
    nlohmann::json c = nlohmann::json::object(), r = nlohmann::json::object();
    for (const auto& [k, v] : j.items()) {
      if (k == "ts") continue;
      if (std::find(kResponse.begin(), kResponse.end(), k) != kResponse.end()) {
        r[k] = v;
      } else {
        c[k] = v;
      }
    }
    c["metadata"]["ts"] = j["ts"];
    r["id"] = j["id"];
    if (!c.contains("input")) c["input"] = "";
    return MonitorSampleRow{
        j["id"].get<std::string>(), std::string(ts), week, stratum, u, topup, c.dump(), r.dump()};
  }

  void quarantine(std::string_view line, const std::string& error) {
    ++summary_.bad;
    if (o_.bad_line) o_.bad_line(line_no_, error);
    if (o_.quarantine.empty()) return;
    if (!quarantine_) {
      quarantine_ = std::fopen(o_.quarantine.c_str(), "ae");
      if (!quarantine_)
        throw RunError(fmt::format("cannot write the quarantine file '{}': {}", o_.quarantine,
                                   std::strerror(errno)));
    }
    const nlohmann::json j = {{"source", source_ == "-" ? "stdin" : source_},
                              {"line", line_no_},
                              {"error", error},
                              {"text", to_valid_utf8(line.substr(0, kQuarantineBytes))}};
    const std::string text = j.dump() + "\n";
    std::fwrite(text.data(), 1, text.size(), quarantine_);
  }

  void flush() {
    if (quarantine_) std::fflush(quarantine_);
    MonitorBatch b;
    b.monitor = id_;
    b.info.id = id_;
    b.info.suite_name = suite_.name;
    b.info.suite_hash = suite_.hash;
    b.info.bars_hash = suite_.bars_hash;
    b.info.model = "production";
    b.info.provider = "monitor";
    b.info.provider_json = "{}";
    b.info.qualbar_version = kVersion;
    b.info.started_at = now_rfc3339();
    b.info.ended_at = b.info.started_at;
    b.suite_text = suite_.source_text;
    for (const auto& d : suite_.dimensions) b.dimensions.push_back(d.name);
    b.merge = merge_cell_json;
    for (auto& [key, c] : cells_) {
      const auto window = static_cast<std::uint32_t>(key >> 40);
      const auto slice = static_cast<std::uint32_t>((key >> 32) & 0xFF);
      const auto value = static_cast<std::uint32_t>(key & 0xFFFFFFFF);
      MonitorCellRow row;
      row.window = window_names_[window];
      if (slice != kOverall) {
        row.slice = slices_[slice].label;
        row.value = slices_[slice].names[value];
      }
      row.data = detail::cell_json(c, dim_names_).dump();
      b.cells.push_back(std::move(row));
    }
    store_topups();
    for (const auto& [key, n] : strata_volume_)
      b.strata.push_back({window_names_[key >> 32], stratum_names_[key & 0xFFFFFFFF], n});
    b.samples = std::move(samples_);
    for (std::size_t i = 0; i < stratum_names_.size(); ++i)
      b.topup_keep[stratum_names_[i]] = floors_[i];
    if (checkpoint_ && fd_ > 0) {
      checkpoint_->identity = identity(fd_, offset_);
      checkpoint_->offset = offset_;
      checkpoint_->lines = line_no_;
      b.checkpoint = checkpoint_;
    }
    b.record_ids = std::move(record_ids_);
    b.answers = std::move(answers_);
    if (!b.cells.empty() || !b.samples.empty() || b.checkpoint || !b.answers.empty())
      store_.monitor().commit(b);
    record_ids_.clear();
    answers_.clear();
    batch_ids_.clear();
    cells_.clear();
    strata_volume_.clear();
    samples_.clear();
    pending_ = 0;
    batch_start_ = Clock::now();
    if (o_.progress)
      o_.progress({summary_.records, summary_.bad, summary_.sampled, summary_.bytes});
  }

  Store& store_;
  const Suite& suite_;
  const IngestOptions& o_;
  std::string id_;
  std::unique_ptr<detail::RecordReader> reader_;
  simdjson::dom::parser whole_;  // for the records kept whole
  detail::RecordView rec_;
  // One key's values with cells of their own (limits.max_slice_values).
  struct KeyLimit {
    std::string name;
    std::unordered_set<std::string, IdHash, std::equal_to<>> accepted;
    std::set<std::string, std::less<>> kept;  // named by critical slices: never folded
    std::uint64_t folded_records = 0;
  };
  std::vector<SliceDef> slices_;
  std::vector<KeyRef> strata_keys_;
  std::vector<KeyLimit> key_limits_;      // by slot: category, language, then metadata keys
  std::vector<std::size_t> used_slots_;   // the slots slices and strata read, each once
  std::vector<std::string_view> folded_;  // the current record's value of each used slot
  std::vector<Scored> scored_;
  std::vector<std::string> dim_names_;
  std::vector<std::uint64_t> applied_;  // per scored dimension: records it applied to
  std::vector<int> scores_;
  Case case_;
  Response response_;
  TextInterner texts_;  // the categories and languages, one copy each

  Interner window_ids_;
  std::vector<std::string> window_names_;
  std::unordered_map<std::string, std::pair<std::uint32_t, std::uint32_t>, IdHash, std::equal_to<>>
      days_;
  std::set<std::string> weeks_seen_;
  std::string newest_day_;  // of the days above
  Interner stratum_ids_;
  std::vector<std::string> stratum_names_;
  std::vector<std::size_t> floors_;       // by stratum: its weekly sample floor
  std::string detected_language_;         // what rec_.language views when it was detected
  std::vector<std::string_view> values_;  // scratch: a stratum's values, one per key
  std::unordered_map<std::uint64_t, detail::CellAgg> cells_;
  std::unordered_map<std::uint64_t, std::uint64_t> strata_volume_;
  std::unordered_map<std::uint64_t, BottomK> bottom_;
  std::vector<MonitorSampleRow> samples_;

  std::string source_;
  std::uint64_t line_no_ = 0, offset_ = 0, pending_ = 0, since_check_ = 0;
  std::optional<MonitorCheckpoint> checkpoint_;
  int fd_ = -1;
  std::FILE* quarantine_ = nullptr;
  Clock::time_point batch_start_;
  std::string scratch_, joined_;
  IngestSummary summary_;
  // Records counted since the last flush, by their week-and-id key (IngestOptions::dedup_ids).
  std::unordered_set<std::uint64_t> batch_ids_;
  std::vector<std::pair<std::string, std::uint64_t>> record_ids_;
  std::vector<IngestAnswerRow> answers_;
  std::vector<char> body_;  // a request's body, padded for the parser
};

}  // namespace detail

IngestSummary ingest(Store& store, const Suite& suite, const std::vector<std::string>& inputs,
                     const IngestOptions& options) {
  const auto start = Clock::now();
  if (inputs.empty())
    throw InputError("monitor ingest needs a file of records, or - for standard input");
  for (const auto& in : inputs)
    if (in != "-" && !std::filesystem::exists(in))
      throw InputError(fmt::format("{}: no such file", in));
  detail::Ingestor ingestor(store, suite, options);
  for (const auto& in : inputs) ingestor.ingest_source(in);
  return ingestor.finish(std::chrono::duration<double>(Clock::now() - start).count());
}

RecordSink::RecordSink(Store& store, Suite suite, IngestOptions options)
    : suite_(std::move(suite)),
      options_(std::move(options)),
      impl_(std::make_unique<detail::Ingestor>(store, suite_, options_)) {}

RecordSink::~RecordSink() = default;

IngestProgress RecordSink::add(const std::string& source, std::string_view body) {
  const IngestSummary before = impl_->totals();
  impl_->feed(source, body);
  const IngestSummary& after = impl_->totals();
  return {after.records - before.records, after.bad - before.bad, after.sampled - before.sampled,
          after.bytes - before.bytes, after.duplicates - before.duplicates};
}

void RecordSink::remember(IngestAnswerRow answer) { impl_->remember(std::move(answer)); }

void RecordSink::flush() { impl_->store(); }

std::string RecordSink::newest_day() const { return impl_->newest_day(); }

}  // namespace qb::monitor
