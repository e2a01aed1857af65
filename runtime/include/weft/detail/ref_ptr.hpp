#pragma once
/// An intrusive, non-atomic reference-counted pointer. T provides
/// `intrusive_add_ref(T*)` and `intrusive_release(T*)` found by ADL. Non-atomic
/// because a loop and everything it owns live on one thread.

#include <cstddef>
#include <utility>

namespace weft::detail {

template <class T>
class ref_ptr {
 public:
  constexpr ref_ptr() noexcept = default;
  constexpr ref_ptr(std::nullptr_t) noexcept {}  // NOLINT
  explicit ref_ptr(T* p) noexcept : p_(p) {
    if (p_) intrusive_add_ref(p_);
  }
  /// Takes over a reference the caller already holds.
  static ref_ptr adopt(T* p) noexcept {
    ref_ptr r;
    r.p_ = p;
    return r;
  }
  ref_ptr(const ref_ptr& o) noexcept : ref_ptr(o.p_) {}
  ref_ptr(ref_ptr&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  template <class U>
    requires std::is_convertible_v<U*, T*>
  ref_ptr(const ref_ptr<U>& o) noexcept : ref_ptr(static_cast<T*>(o.get())) {}  // NOLINT
  template <class U>
    requires std::is_convertible_v<U*, T*>
  ref_ptr(ref_ptr<U>&& o) noexcept : p_(o.release()) {}  // NOLINT
  ref_ptr& operator=(ref_ptr o) noexcept {
    std::swap(p_, o.p_);
    return *this;
  }
  ~ref_ptr() {
    if (p_) intrusive_release(p_);
  }

  T* get() const noexcept { return p_; }
  T* operator->() const noexcept { return p_; }
  T& operator*() const noexcept { return *p_; }
  explicit operator bool() const noexcept { return p_ != nullptr; }
  /// Gives up ownership without releasing.
  T* release() noexcept { return std::exchange(p_, nullptr); }
  void reset() noexcept { ref_ptr().swap(*this); }
  void swap(ref_ptr& o) noexcept { std::swap(p_, o.p_); }
  friend bool operator==(const ref_ptr& a, const ref_ptr& b) noexcept { return a.p_ == b.p_; }

 private:
  T* p_ = nullptr;
};

}  // namespace weft::detail
