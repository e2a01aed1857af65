#pragma once
/// weft::outcome: a value or the exception that took its place.

#include <exception>
#include <utility>
#include <variant>

namespace weft {

/// A value, or the exception raised instead: a child's outcome in
/// gather(return_exceptions, ...) (a cancelled child gives a cancelled_error),
/// or how a coroutine ended under coro::caught().
template <class T>
class outcome {
 public:
  explicit outcome(T v) : v_(std::move(v)) {}
  explicit outcome(std::exception_ptr e) : v_(std::move(e)) {}
  bool has_value() const noexcept { return v_.index() == 0; }
  /// The value; rethrows the exception if there is none.
  T& value() {
    if (!has_value()) std::rethrow_exception(std::get<1>(v_));
    return std::get<0>(v_);
  }
  /// The exception, or null.
  std::exception_ptr exception() const { return has_value() ? nullptr : std::get<1>(v_); }

 private:
  std::variant<T, std::exception_ptr> v_;
};

}  // namespace weft
