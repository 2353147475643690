// Paging reads of the SQLite run store: a page of a run's cases under a filter, and the cases
// whose verdict changed between two runs, both read from the blocks a page needs, never the
// whole run (docs/store.md, "Reading a run by pages").
#include <algorithm>
#include <cctype>
#include <unordered_map>

#include <fmt/format.h>

#include "qualbar/core/error.hpp"
#include "store/sqlite_stores.hpp"

namespace qb::detail {
namespace {

// "run r-… has no cell 'x' in slice 'category'. It has: billing, refunds, … (1,001 in all)".
std::string run_range_error(const std::string& run, const std::string& what,
                            const std::vector<std::string>& known) {
  constexpr std::size_t kNamed = 20;
  std::string list;
  for (std::size_t i = 0; i < known.size() && i < kNamed; ++i)
    list += (list.empty() ? "" : ", ") + known[i];
  if (known.size() > kNamed) list += fmt::format(", … ({} in all)", known.size());
  return fmt::format("run {} has no {}. It has: {}", run, what, list.empty() ? "none" : list);
}

// The FTS5 query for words a person typed: split where the index splits words (at ASCII
// characters other than letters and digits), each word quoted so none is read as an operator,
// all of them required. Punctuation never reaches the query, so it is never a phrase (which an
// index without positions cannot answer).
std::string text_query(const std::string& text) {
  std::string out, word;
  const auto flush = [&] {
    if (word.empty()) return;
    out += (out.empty() ? "\"" : " \"") + word + "\"";
    word.clear();
  };
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80 || std::isalnum(c) != 0) {
      word += ch;
    } else {
      flush();
    }
  }
  flush();
  return out;
}

// One block's failing masks and slice cells, and whether its case `i` passes a filter.
struct BlockIndex {
  std::size_t block = SIZE_MAX;
  std::string failing, cells;

  [[nodiscard]] bool in_cell(std::size_t case_in_block, std::size_t n_slices, std::size_t slice,
                             std::uint32_t value, const std::string& where) const {
    Reader r(cells, where);
    for (std::size_t i = 0; i <= case_in_block; ++i) {
      for (std::size_t s = 0; s < n_slices; ++s) {
        const std::uint64_t count = r.varint();
        for (std::uint64_t k = 0; k < count; ++k) {
          const std::uint64_t id = r.varint();
          if (i == case_in_block && s == slice && id == value) return true;
        }
      }
    }
    return false;
  }
};

}  // namespace

CasePage SqliteRunStore::cases(const std::string& run, const CaseFilter& filter,
                               std::optional<std::size_t> after, std::size_t limit) {
  if (!filter.text.empty()) ensure_text_index(run);
  const SqliteConnection::Snapshot snapshot(c_);
  const Meta m = meta(run);
  const std::string where = fmt::format("store '{}': run {}", c_.path(), m.id);
  std::optional<std::size_t> dim;
  if (!filter.failing.empty()) {
    const auto it = std::find(m.dimensions.begin(), m.dimensions.end(), filter.failing);
    if (it == m.dimensions.end())
      throw InputError(run_range_error(m.id, fmt::format("dimension '{}'", filter.failing),
                                       m.dimensions));
    dim = static_cast<std::size_t>(it - m.dimensions.begin());
  }
  std::optional<std::pair<std::size_t, std::uint32_t>> cell;
  if (!filter.slice.empty()) {
    std::vector<std::string> names;
    for (std::size_t s = 0; s < m.slices.size(); ++s) {
      names.push_back(m.slices[s].slice);
      if (m.slices[s].slice != filter.slice) continue;
      const auto& values = m.slices[s].values;
      const auto v = std::find(values.begin(), values.end(), filter.slice_value);
      if (v == values.end())
        throw InputError(run_range_error(
            m.id, fmt::format("cell '{}' in slice '{}'", filter.slice_value, filter.slice), values));
      cell = std::pair{s, static_cast<std::uint32_t>(v - values.begin())};
    }
    if (!cell && m.indexed)
      throw InputError(run_range_error(m.id, fmt::format("slice '{}'", filter.slice), names));
  }
  const std::string query = text_query(filter.text);
  if (!filter.text.empty() && query.empty())
    throw InputError(fmt::format("a text search needs a word (letters or digits): '{}'",
                                 filter.text));
  const bool needs_index = dim || !filter.slice.empty() || !filter.text.empty();
  if (needs_index && !m.indexed) {
    throw InputError(fmt::format(
        "run {} is {}: only a complete run's cases can be filtered{}", m.id,
        m.status == RunStatus::complete ? "not indexed yet" : to_string(m.status),
        m.status == RunStatus::complete
            ? fmt::format(" (it was stored by an older qualbar; `qualbar report {}` indexes it)",
                          m.id)
            : ""));
  }

  const std::size_t start = after ? *after + 1 : 0;
  std::vector<std::size_t> hits;
  BlockIndex block;
  const auto load_block = [&](std::size_t b) {
    if (block.block == b) return;
    Statement s(c_, "SELECT failing, cells FROM run_scores WHERE key = ?");
    s.bind(1, row_key(m.key, b));
    block.block = b;
    block.failing.clear();
    block.cells.clear();
    if (s.step()) {
      block.failing = std::string(s.blob(0));
      block.cells = std::string(s.blob(1));
    }
  };
  const auto passes = [&](std::size_t i) {
    const std::size_t in_block = i % kBlockCases;
    if (dim && !mask_bit(block.failing, *dim, in_block)) return false;
    return !cell || block.in_cell(in_block, m.slices.size(), cell->first, cell->second, where);
  };
  if (!filter.text.empty()) {
    Statement s(c_,
                "SELECT rowid FROM run_text WHERE run_text MATCH ? AND rowid BETWEEN ? AND ? "
                "ORDER BY rowid");
    s.bind(1, query).bind(2, row_key(m.key, start)).bind(3, row_key(m.key, m.n_cases));
    while (hits.size() <= limit && s.step()) {
      const std::size_t i = row_low(s.integer(0));
      if (i >= m.n_cases) break;
      if (dim || cell) load_block(i / kBlockCases);
      if (passes(i)) hits.push_back(i);
    }
    s.reset();
  } else if (dim || cell) {
    Statement s(c_,
                "SELECT key, failing, cells FROM run_scores WHERE key BETWEEN ? AND ? ORDER BY key");
    s.bind(1, row_key(m.key, start / kBlockCases)).bind(2, row_key(m.key, 0xFFFFFFFF));
    while (hits.size() <= limit && s.step()) {
      const std::size_t b = row_low(s.integer(0));
      block.block = b;
      block.failing = std::string(s.blob(1));
      block.cells = std::string(s.blob(2));
      for (std::size_t i = std::max(start, b * kBlockCases);
           i < std::min(m.n_cases, (b + 1) * kBlockCases) && hits.size() <= limit; ++i) {
        if (passes(i)) hits.push_back(i);
      }
    }
    s.reset();
  } else {
    for (std::size_t i = start; i < m.n_cases && hits.size() <= limit; ++i) hits.push_back(i);
  }
  CasePage page;
  if (hits.size() > limit) {
    hits.resize(limit);
    if (!hits.empty()) page.next = hits.back();
  }
  page.rows = rows(m, hits);
  return page;
}

// The rows of cases `indexes` (ascending): each block they fall in is read once.
std::vector<CaseRow> SqliteRunStore::rows(const Meta& m, const std::vector<std::size_t>& indexes) {
  const std::string where = fmt::format("store '{}': run {}", c_.path(), m.id);
  std::vector<CaseRow> out;
  out.reserve(indexes.size());
  Statement blocks(c_, "SELECT ids, lines FROM run_blocks WHERE key = ?");
  Statement scores(c_, "SELECT scores FROM run_scores WHERE key = ?");
  std::size_t loaded = SIZE_MAX;
  std::string ids_raw, lines_raw, scores_raw;
  std::vector<std::string_view> ids, lines;
  std::vector<Score> block_scores;
  std::vector<std::optional<std::string>> answers;
  const std::size_t dims = m.dimensions.size();
  for (const std::size_t i : indexes) {
    const std::size_t b = i / kBlockCases;
    if (b != loaded) {
      loaded = b;
      ids.clear();
      lines.clear();
      block_scores.clear();
      answers.assign(kBlockCases, std::nullopt);
      read_answers(m.key, b, /*whole_run=*/false,
                   [&](std::size_t, auto& found) { answers.swap(found); });
      blocks.bind(1, row_key(m.lines_key, b));
      if (!blocks.step()) {
        throw RunError(fmt::format("{}: the lines of cases {} to {} of {} are missing from the "
                                   "file (it is damaged or was edited)",
                                   where, b * kBlockCases + 1,
                                   std::min(m.n_cases, (b + 1) * kBlockCases), m.n_cases));
      }
      packer_.unpack(blocks.blob(0), ids_raw, where);
      packer_.unpack(blocks.blob(1), lines_raw, where);
      blocks.reset();
      for (Reader r(ids_raw, where); !r.done();) ids.push_back(r.item());
      for (Reader r(lines_raw, where); !r.done();) lines.push_back(r.item());
      if (m.scored) {
        scores.bind(1, row_key(m.key, b));
        if (scores.step()) {
          packer_.unpack(scores.blob(0), scores_raw, where);
          for (Reader r(scores_raw, where); !r.done();) block_scores.push_back(read_score(r));
        }
        scores.reset();
      }
    }
    CaseRow row;
    const std::size_t k = i % kBlockCases;
    row.index = i;
    if (k < ids.size()) row.id = std::string(ids[k]);
    if (k < lines.size()) row.case_json = std::string(lines[k]);
    if (answers[k]) row.response_json = answer_json(*answers[k], where);
    if ((k + 1) * dims <= block_scores.size())
      row.scores.assign(block_scores.begin() + static_cast<std::ptrdiff_t>(k * dims),
                        block_scores.begin() + static_cast<std::ptrdiff_t>((k + 1) * dims));
    out.push_back(std::move(row));
  }
  return out;
}

namespace {

// A run's blocks as a comparison reads them: the packed id lists and the failing masks.
struct RunBlocks {
  std::vector<std::string> ids;    // packed, by block
  std::vector<std::string> masks;  // by block
};

RunBlocks blocks_of(SqliteConnection& c, std::int64_t key, std::int64_t lines_key) {
  RunBlocks out;
  {
    Statement s(c, "SELECT ids FROM run_blocks WHERE key BETWEEN ? AND ? ORDER BY key");
    s.bind(1, row_key(lines_key, 0)).bind(2, row_key(lines_key, 0xFFFFFFFF));
    while (s.step()) out.ids.emplace_back(s.blob(0));
  }
  Statement s(c, "SELECT key, failing FROM run_scores WHERE key BETWEEN ? AND ? ORDER BY key");
  s.bind(1, row_key(key, 0)).bind(2, row_key(key, 0xFFFFFFFF));
  while (s.step()) {
    const std::size_t b = row_low(s.integer(0));
    if (out.masks.size() <= b) out.masks.resize(b + 1);
    out.masks[b] = std::string(s.blob(1));
  }
  return out;
}

// Every case id of a run, in order.
std::vector<std::string> unpack_ids(const RunBlocks& r, Packer& packer, const std::string& where) {
  std::vector<std::string> out;
  std::string raw;
  for (const auto& packed : r.ids) {
    packer.unpack(packed, raw, where);
    for (Reader rd(raw, where); !rd.done();) out.emplace_back(rd.item());
  }
  return out;
}

bool fails(const std::vector<std::string>& masks, std::size_t d, std::size_t i) {
  const std::size_t b = i / kBlockCases;
  return b < masks.size() && mask_bit(masks[b], d, i % kBlockCases);
}

}  // namespace

ChangedPage SqliteRunStore::changed_cases(const std::string& run_a, const std::string& run_b,
                                          const std::string& dimension,
                                          std::optional<std::size_t> after, std::size_t limit) {
  const SqliteConnection::Snapshot snapshot(c_);
  const Meta a = meta(run_a), b = meta(run_b);
  for (const Meta* m : {&a, &b}) {
    if (!m->indexed)
      throw InputError(fmt::format(
          "run {} is {}: only complete runs are compared case by case{}", m->id,
          m->status == RunStatus::complete ? "not indexed yet" : to_string(m->status),
          m->status == RunStatus::complete
              ? fmt::format(" (`qualbar report {}` indexes a run stored by an older qualbar)",
                            m->id)
              : ""));
  }
  // The dimensions both runs have, in run_b's order: (index in a, index in b).
  std::vector<std::pair<std::size_t, std::size_t>> dims;
  for (std::size_t db = 0; db < b.dimensions.size(); ++db) {
    if (!dimension.empty() && b.dimensions[db] != dimension) continue;
    const auto it = std::find(a.dimensions.begin(), a.dimensions.end(), b.dimensions[db]);
    if (it != a.dimensions.end())
      dims.emplace_back(static_cast<std::size_t>(it - a.dimensions.begin()), db);
  }
  if (!dimension.empty() && dims.empty())
    throw InputError(fmt::format("runs {} and {} do not both have a dimension '{}'", a.id, b.id,
                                 dimension));
  const std::string where = fmt::format("store '{}'", c_.path());
  const RunBlocks blocks_a = blocks_of(c_, a.key, a.lines_key),
                  blocks_b = blocks_of(c_, b.key, b.lines_key);
  // The same cases in the same order (equal packed id lists: packing is deterministic) pair case
  // i with case i; else cases pair by id.
  const bool same_order = blocks_a.ids == blocks_b.ids;
  std::vector<std::string> ids_b;
  std::unordered_map<std::string, std::size_t> index_a;
  if (!same_order) {
    std::vector<std::string> ids_a = unpack_ids(blocks_a, packer_, where);
    index_a.reserve(ids_a.size());
    for (std::size_t i = 0; i < ids_a.size(); ++i) index_a.emplace(std::move(ids_a[i]), i);
  }
  ChangedPage page;
  const std::size_t n_dims = std::max<std::size_t>(dims.size(), 1);
  const std::size_t start = after ? *after + 1 : 0;
  std::size_t last = 0;  // the position of the page's last row
  std::size_t ids_block = SIZE_MAX;
  std::vector<std::string> block_ids;  // the ids of the block being read, when needed
  const auto id_at = [&](std::size_t ib) -> const std::string& {
    if (ib / kBlockCases != ids_block) {
      ids_block = ib / kBlockCases;
      block_ids.clear();
      packer_.unpack(blocks_b.ids[ids_block], raw_, where);
      for (Reader r(raw_, where); !r.done();) block_ids.emplace_back(r.item());
    }
    return block_ids[ib % kBlockCases];
  };
  for (std::size_t ib = start / n_dims; ib < b.n_cases; ++ib) {
    // In the same order, a block with no differing bit is passed over whole.
    if (same_order && ib % kBlockCases == 0) {
      const std::size_t blk = ib / kBlockCases;
      bool differs = false;
      for (const auto& [da, db] : dims) {
        differs = differs || blk >= blocks_a.masks.size() || blk >= blocks_b.masks.size() ||
                  mask_of(blocks_a.masks[blk], da) != mask_of(blocks_b.masks[blk], db);
      }
      if (!differs) {
        ib += kBlockCases - 1;
        continue;
      }
    }
    std::size_t ia = ib;
    if (!same_order) {
      const auto it = index_a.find(id_at(ib));
      if (it == index_a.end()) continue;
      ia = it->second;
    }
    for (std::size_t k = 0; k < dims.size(); ++k) {
      const std::size_t position = ib * n_dims + k;
      if (position < start) continue;
      const bool was = fails(blocks_a.masks, dims[k].first, ia);
      const bool now = fails(blocks_b.masks, dims[k].second, ib);
      if (was == now) continue;
      if (page.rows.size() == limit) {
        if (limit > 0) page.next = last;
        return page;
      }
      page.rows.push_back(ChangedCase{id_at(ib), ia, ib, b.dimensions[dims[k].second], now});
      last = position;
    }
  }
  return page;
}

}  // namespace qb::detail
