#pragma once
// Optional values in eight bytes, for fields that a million records carry (core/response.hpp):
// std::optional<double> takes 16 bytes and std::optional<std::string> 40, most of it padding or
// an empty string. Both read and write like the std::optional they replace.
//   OptionalNumber: a double, NaN when absent (a NaN given to it is absent: JSON has none).
//   BoxedOptional<T>: a T on the heap when set, for a field that is seldom set. A copy copies it.

#include <cmath>
#include <concepts>
#include <limits>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

namespace qb {

class OptionalNumber {
 public:
  constexpr OptionalNumber() = default;
  constexpr OptionalNumber(std::nullopt_t) {}  // NOLINT(google-explicit-constructor)
  constexpr OptionalNumber(double v) : v_(v) {}  // NOLINT(google-explicit-constructor)
  constexpr OptionalNumber(const std::optional<double>& o)  // NOLINT(google-explicit-constructor)
      : v_(o ? *o : kAbsent) {}

  [[nodiscard]] constexpr bool has_value() const { return v_ == v_; }  // false for NaN only
  constexpr explicit operator bool() const { return has_value(); }
  // As std::optional's, reading an absent value is undefined: check has_value() first.
  constexpr double operator*() const { return v_; }
  [[nodiscard]] double value() const {
    if (!has_value()) throw std::bad_optional_access();
    return v_;
  }
  [[nodiscard]] constexpr double value_or(double fallback) const {
    return has_value() ? v_ : fallback;
  }
  constexpr void reset() { v_ = kAbsent; }
  [[nodiscard]] constexpr std::optional<double> optional() const {
    return has_value() ? std::optional<double>(v_) : std::nullopt;
  }

  friend constexpr bool operator==(OptionalNumber a, OptionalNumber b) {
    return a.has_value() == b.has_value() && (!a.has_value() || a.v_ == b.v_);
  }
  friend constexpr bool operator==(OptionalNumber a, std::nullopt_t) { return !a.has_value(); }

 private:
  static constexpr double kAbsent = std::numeric_limits<double>::quiet_NaN();
  double v_ = kAbsent;
};

template <class T>
class BoxedOptional {
 public:
  BoxedOptional() = default;
  BoxedOptional(std::nullopt_t) {}  // NOLINT(google-explicit-constructor)
  template <class U = T>
    requires std::constructible_from<T, U&&> &&
             (!std::same_as<std::remove_cvref_t<U>, BoxedOptional>) &&
             (!std::same_as<std::remove_cvref_t<U>, std::nullopt_t>)
  BoxedOptional(U&& v)  // NOLINT(google-explicit-constructor)
      : p_(std::make_unique<T>(std::forward<U>(v))) {}
  BoxedOptional(const std::optional<T>& o)  // NOLINT(google-explicit-constructor)
      : p_(o ? std::make_unique<T>(*o) : nullptr) {}

  BoxedOptional(const BoxedOptional& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  BoxedOptional(BoxedOptional&&) noexcept = default;
  BoxedOptional& operator=(const BoxedOptional& o) {
    if (this != &o) p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
    return *this;
  }
  BoxedOptional& operator=(BoxedOptional&&) noexcept = default;
  BoxedOptional& operator=(std::nullopt_t) {
    p_.reset();
    return *this;
  }
  template <class U = T>
    requires std::assignable_from<T&, U&&> &&
             (!std::same_as<std::remove_cvref_t<U>, BoxedOptional>) &&
             (!std::same_as<std::remove_cvref_t<U>, std::nullopt_t>)
  BoxedOptional& operator=(U&& v) {
    if (p_) {
      *p_ = std::forward<U>(v);
    } else {
      p_ = std::make_unique<T>(std::forward<U>(v));
    }
    return *this;
  }
  ~BoxedOptional() = default;

  [[nodiscard]] bool has_value() const { return p_ != nullptr; }
  explicit operator bool() const { return has_value(); }
  const T& operator*() const { return *p_; }
  T& operator*() { return *p_; }
  const T* operator->() const { return p_.get(); }
  T* operator->() { return p_.get(); }
  [[nodiscard]] const T& value() const {
    if (!p_) throw std::bad_optional_access();
    return *p_;
  }
  template <class U>
  [[nodiscard]] T value_or(U&& fallback) const {
    return p_ ? *p_ : static_cast<T>(std::forward<U>(fallback));
  }
  void reset() { p_.reset(); }
  [[nodiscard]] std::optional<T> optional() const {
    return p_ ? std::optional<T>(*p_) : std::nullopt;
  }

  friend bool operator==(const BoxedOptional& a, const BoxedOptional& b) {
    return a.has_value() == b.has_value() && (!a.has_value() || *a == *b);
  }
  friend bool operator==(const BoxedOptional& a, std::nullopt_t) { return !a.has_value(); }

 private:
  std::unique_ptr<T> p_;
};

}  // namespace qb
