#pragma once
// Texts that a million cases and answers repeat (a category, a language, a label, a model), held
// by reference in eight bytes instead of a 32-byte std::string or a 40-byte optional one.
//   SharedText: an immutable string shared by a reference count; "" when none was set.
//   OptionalSharedText: the same, absent when none was set (as std::optional<std::string>).
//   TextInterner: gives equal texts one shared copy while a file is read (io/dataset.cpp).
// A copy adds a count (atomic: cases are read on every core). Both read as `const std::string&`.

#include <atomic>
#include <compare>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace qb {

namespace detail {

struct TextNode {
  std::atomic<std::size_t> refs{1};
  const std::string text;
};

// The node handling both kinds share: a counted pointer, null when nothing is set.
class TextRef {
 public:
  TextRef() = default;
  explicit TextRef(std::string_view s) : node_(new TextNode{.text = std::string(s)}) {}
  TextRef(const TextRef& o) noexcept : node_(o.node_) { hold(); }
  TextRef(TextRef&& o) noexcept : node_(std::exchange(o.node_, nullptr)) {}
  TextRef& operator=(const TextRef& o) noexcept {
    if (node_ != o.node_) {
      o.hold();
      release();
      node_ = o.node_;
    }
    return *this;
  }
  TextRef& operator=(TextRef&& o) noexcept {
    if (this != &o) {
      release();
      node_ = std::exchange(o.node_, nullptr);
    }
    return *this;
  }
  ~TextRef() { release(); }

  [[nodiscard]] const TextNode* node() const { return node_; }
  void reset() {
    release();
    node_ = nullptr;
  }

 private:
  void hold() const {
    if (node_ != nullptr) node_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  void release() {
    if (node_ != nullptr && node_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete node_;
  }
  TextNode* node_ = nullptr;
};

const std::string& empty_text();

}  // namespace detail

class SharedText {
 public:
  SharedText() = default;
  template <class S>
    requires std::convertible_to<const S&, std::string_view> &&
             (!std::same_as<std::remove_cvref_t<S>, SharedText>)
  SharedText(const S& s)  // NOLINT(google-explicit-constructor)
      : ref_(make(std::string_view(s))) {}

  [[nodiscard]] const std::string& str() const {
    return ref_.node() != nullptr ? ref_.node()->text : detail::empty_text();
  }
  operator const std::string&() const { return str(); }  // NOLINT(google-explicit-constructor)
  operator std::string_view() const { return str(); }     // NOLINT(google-explicit-constructor)
  [[nodiscard]] bool empty() const { return str().empty(); }
  [[nodiscard]] std::size_t size() const { return str().size(); }
  [[nodiscard]] const char* data() const { return str().data(); }
  [[nodiscard]] const char* c_str() const { return str().c_str(); }
  [[nodiscard]] auto begin() const { return str().begin(); }
  [[nodiscard]] auto end() const { return str().end(); }

  friend bool operator==(const SharedText& a, const SharedText& b) {
    return a.ref_.node() == b.ref_.node() || a.str() == b.str();
  }
  template <class S>
    requires std::convertible_to<const S&, std::string_view> &&
             (!std::same_as<std::remove_cvref_t<S>, SharedText>)
  friend bool operator==(const SharedText& a, const S& b) {
    return std::string_view(a.str()) == std::string_view(b);
  }
  friend auto operator<=>(const SharedText& a, const SharedText& b) {
    return std::string_view(a.str()) <=> std::string_view(b.str());
  }

 private:
  friend class TextInterner;
  static detail::TextRef make(std::string_view s) {
    return s.empty() ? detail::TextRef() : detail::TextRef(s);
  }
  explicit SharedText(detail::TextRef ref) : ref_(std::move(ref)) {}
  detail::TextRef ref_;
};

class OptionalSharedText {
 public:
  OptionalSharedText() = default;
  OptionalSharedText(std::nullopt_t) {}  // NOLINT(google-explicit-constructor)
  template <class S>
    requires std::convertible_to<const S&, std::string_view> &&
             (!std::same_as<std::remove_cvref_t<S>, OptionalSharedText>) &&
             (!std::same_as<std::remove_cvref_t<S>, SharedText>)
  OptionalSharedText(const S& s)  // NOLINT(google-explicit-constructor)
      : ref_(std::string_view(s)) {}
  OptionalSharedText(const std::optional<std::string>& o)  // NOLINT(google-explicit-constructor)
      : ref_(o ? detail::TextRef(*o) : detail::TextRef()) {}
  OptionalSharedText& operator=(std::nullopt_t) {
    ref_.reset();
    return *this;
  }

  [[nodiscard]] bool has_value() const { return ref_.node() != nullptr; }
  explicit operator bool() const { return has_value(); }
  // As std::optional's, reading an absent value is undefined: check has_value() first.
  const std::string& operator*() const { return ref_.node()->text; }
  const std::string* operator->() const { return &ref_.node()->text; }
  [[nodiscard]] const std::string& value() const {
    if (!has_value()) throw std::bad_optional_access();
    return **this;
  }
  [[nodiscard]] std::string value_or(std::string_view fallback) const {
    return has_value() ? **this : std::string(fallback);
  }
  void reset() { ref_.reset(); }
  [[nodiscard]] std::optional<std::string> optional() const {
    return has_value() ? std::optional<std::string>(**this) : std::nullopt;
  }

  friend bool operator==(const OptionalSharedText& a, const OptionalSharedText& b) {
    if (a.ref_.node() == b.ref_.node()) return true;
    return a.has_value() && b.has_value() && *a == *b;
  }
  friend bool operator==(const OptionalSharedText& a, std::nullopt_t) { return !a.has_value(); }
  // Equal to a text when set to it (as std::optional<std::string> == "text").
  template <class S>
    requires std::convertible_to<const S&, std::string_view> &&
             (!std::same_as<std::remove_cvref_t<S>, OptionalSharedText>) &&
             (!std::same_as<std::remove_cvref_t<S>, SharedText>)
  friend bool operator==(const OptionalSharedText& a, const S& b) {
    return a.has_value() && std::string_view(*a) == std::string_view(b);
  }
  friend bool operator==(const OptionalSharedText& a, const std::optional<std::string>& b) {
    return a.has_value() == b.has_value() && (!b || *a == *b);
  }

 private:
  friend class TextInterner;
  explicit OptionalSharedText(detail::TextRef ref) : ref_(std::move(ref)) {}
  detail::TextRef ref_;
};

// One shared copy of each distinct text given to it, for up to kMaxTexts texts of up to kMaxBytes
// bytes each (a field whose values are all different, such as a free-text label, stops being
// kept once the table is full: each such value then has its own copy, as a std::string would).
class TextInterner {
 public:
  static constexpr std::size_t kMaxTexts = 4096;
  static constexpr std::size_t kMaxBytes = 256;

  SharedText text(std::string_view s) { return s.empty() ? SharedText() : SharedText(get(s)); }
  OptionalSharedText optional(std::string_view s) { return OptionalSharedText(get(s)); }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    detail::TextRef ref;
  };
  detail::TextRef get(std::string_view s);
  std::vector<Slot> slots_;  // open addressing; a power of two, at most half full
  std::size_t used_ = 0;
};

}  // namespace qb
