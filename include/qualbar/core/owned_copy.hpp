#pragma once
// OwnedCopy<T>: a T on the heap, made on first write, that a copy copies (a unique_ptr does not
// copy). The out-of-line details of Case and Response (core/case.hpp, core/response.hpp) are held
// by one.

#include "qualbar/core/compact_optional.hpp"

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
    if (!p_) p_ = T();
    return *p_;
  }

 private:
  BoxedOptional<T> p_;
};

}  // namespace qb
