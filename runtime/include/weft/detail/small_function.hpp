#pragma once
/// A move-only callable with inline storage: the loop's callbacks live here
/// instead of in std::function, so scheduling a small callable never allocates.
/// Callables larger than Capacity (or not nothrow-movable) fall back to the heap.

#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace weft::detail {

template <class Sig, std::size_t Capacity = 32>
class small_function;

template <class R, class... Args, std::size_t Capacity>
class small_function<R(Args...), Capacity> {
 public:
  small_function() noexcept = default;

  template <class F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, small_function> &&
             std::is_invocable_r_v<R, std::remove_cvref_t<F>&, Args...>)
  small_function(F&& f) {  // NOLINT: implicit, like std::function
    construct(std::forward<F>(f));
  }

  /// Replaces the callable with `f`, built in place (no intermediate object).
  template <class F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, small_function> &&
             std::is_invocable_r_v<R, std::remove_cvref_t<F>&, Args...>)
  void emplace(F&& f) {
    reset();
    construct(std::forward<F>(f));
  }

 private:
  template <class F>
  void construct(F&& f) {
    using D = std::remove_cvref_t<F>;
    if constexpr (fits_inline<D>) {
      ::new (static_cast<void*>(buf_)) D(std::forward<F>(f));
      invoke_ = [](void* p, Args... a) -> R { return (*static_cast<D*>(p))(std::forward<Args>(a)...); };
      if constexpr (!std::is_trivially_copyable_v<D> || !std::is_trivially_destructible_v<D>)
        manage_ = [](void* src, void* dst) noexcept {
          D* s = static_cast<D*>(src);
          if (dst) ::new (dst) D(std::move(*s));
          s->~D();
        };
    } else {
      D* heap = new D(std::forward<F>(f));
      std::memcpy(buf_, &heap, sizeof heap);
      invoke_ = [](void* p, Args... a) -> R {
        D* h;
        std::memcpy(&h, p, sizeof h);
        return (*h)(std::forward<Args>(a)...);
      };
      manage_ = [](void* src, void* dst) noexcept {
        if (dst) {
          std::memcpy(dst, src, sizeof(D*));  // ownership moves with the pointer
        } else {
          D* h;
          std::memcpy(&h, src, sizeof h);
          delete h;
        }
      };
    }
  }


 public:
  small_function(small_function&& o) noexcept { take(o); }
  small_function& operator=(small_function&& o) noexcept {
    if (this != &o) {
      reset();
      take(o);
    }
    return *this;
  }
  small_function(const small_function&) = delete;
  small_function& operator=(const small_function&) = delete;
  ~small_function() { reset(); }

  explicit operator bool() const noexcept { return invoke_ != nullptr; }

  R operator()(Args... a) { return invoke_(buf_, std::forward<Args>(a)...); }

  void reset() noexcept {
    if (manage_) manage_(buf_, nullptr);
    invoke_ = nullptr;
    manage_ = nullptr;
  }

 private:
  template <class D>
  static constexpr bool fits_inline = sizeof(D) <= Capacity && alignof(D) <= alignof(std::max_align_t) &&
                                      std::is_nothrow_move_constructible_v<D>;

  void take(small_function& o) noexcept {
    if (o.manage_) {
      o.manage_(o.buf_, buf_);
    } else {
      std::memcpy(buf_, o.buf_, Capacity);
    }
    invoke_ = o.invoke_;
    manage_ = o.manage_;
    o.invoke_ = nullptr;
    o.manage_ = nullptr;
  }

  alignas(std::max_align_t) unsigned char buf_[Capacity];
  R (*invoke_)(void*, Args...) = nullptr;
  // Moves src into dst (dst != null) or destroys src (dst == null); null when
  // the stored callable is trivially copyable, so moves are a memcpy.
  void (*manage_)(void* src, void* dst) noexcept = nullptr;
};

}  // namespace weft::detail
