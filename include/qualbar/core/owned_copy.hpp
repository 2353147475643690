#pragma once
// OwnedCopy<T>: a T on the heap, or none, that a copy copies (a unique_ptr does not copy). The
// out-of-line details of Case and Response (core/case.hpp, core/response.hpp) are held by one.

#include <memory>

namespace qb {

template <class T>
struct OwnedCopy {
  std::unique_ptr<T> p;

  OwnedCopy() = default;
  OwnedCopy(const OwnedCopy& o) : p(o.p ? std::make_unique<T>(*o.p) : nullptr) {}
  OwnedCopy(OwnedCopy&&) noexcept = default;
  OwnedCopy& operator=(const OwnedCopy& o) {
    if (this != &o) p = o.p ? std::make_unique<T>(*o.p) : nullptr;
    return *this;
  }
  OwnedCopy& operator=(OwnedCopy&&) noexcept = default;
  ~OwnedCopy() = default;
};

}  // namespace qb
