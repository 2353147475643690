#pragma once
// OwnedCopy<T>: a T on the heap, made on first write, that a copy copies (a unique_ptr does not
// copy). The out-of-line details of Case and Response (core/case.hpp, core/response.hpp) are held
// by one.

#include <memory>

namespace qb {

template <class T>
class OwnedCopy {
 public:
  // The T, or one shared default T when none was made: reading makes nothing.
  [[nodiscard]] const T& get() const {
    static const T none;
    return p_ ? *p_ : none;
  }
  // The T, made on first use.
  T& edit() {
    if (!p_) p_ = std::make_unique<T>();
    return *p_;
  }

  OwnedCopy() = default;
  OwnedCopy(const OwnedCopy& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  OwnedCopy(OwnedCopy&&) noexcept = default;
  OwnedCopy& operator=(const OwnedCopy& o) {
    if (this != &o) p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
    return *this;
  }
  OwnedCopy& operator=(OwnedCopy&&) noexcept = default;
  ~OwnedCopy() = default;

 private:
  std::unique_ptr<T> p_;
};

}  // namespace qb
