#pragma once
/// weft's exceptions, mirroring asyncio/exceptions.py.
///
/// cancelled_error deliberately does NOT derive from std::exception: asyncio made
/// CancelledError a BaseException so that `except Exception` cannot swallow a
/// cancellation, and `catch (const std::exception&)` must not swallow one either.
/// Catch it by name (or with `catch (...)`, then rethrow).
///
/// The other errors derive from std::exception only: asyncio's TimeoutError and
/// InvalidStateError are not RuntimeErrors, so they must not derive from
/// std::runtime_error (a handler for one would catch the other). Where asyncio
/// raises a Python builtin, weft throws the std equivalent: RuntimeError is
/// std::runtime_error, ValueError is std::invalid_argument, TypeError is
/// std::logic_error.

#include <exception>
#include <optional>
#include <string>

namespace weft {

/// The operation was cancelled. Mirrors asyncio.CancelledError (a BaseException):
/// not derived from std::exception. message() is the `msg` given to cancel(), if any.
class cancelled_error {
 public:
  cancelled_error() = default;
  explicit cancelled_error(std::optional<std::string> msg) : msg_(std::move(msg)) {}
  /// The cancel message, or nullopt when cancel() was called without one.
  const std::optional<std::string>& message() const noexcept { return msg_; }
  /// The message, or "" (as str(CancelledError()) is '').
  const char* what() const noexcept { return msg_ ? msg_->c_str() : ""; }

 private:
  std::optional<std::string> msg_;
};

namespace detail {
/// Holds the message of weft's std::exception-derived errors.
class message_error : public std::exception {
 public:
  explicit message_error(std::string msg) : msg_(std::move(msg)) {}
  const char* what() const noexcept override { return msg_.c_str(); }

 private:
  std::string msg_;
};
}  // namespace detail

/// The operation exceeded its deadline. Mirrors asyncio.TimeoutError (the builtin
/// TimeoutError since 3.11).
class timeout_error : public detail::message_error {
 public:
  explicit timeout_error(std::string msg = "") : message_error(std::move(msg)) {}
};

/// A future or task was used in a state that does not allow it (result of a
/// pending future, set_result twice). Mirrors asyncio.InvalidStateError.
class invalid_state_error : public detail::message_error {
 public:
  using message_error::message_error;
};

/// The loop has nothing ready, no timer and no outside work while the awaited
/// future is still pending: asyncio would block forever. weft-only.
class deadlock_error : public detail::message_error {
 public:
  using message_error::message_error;
};

/// True if `e` holds a cancelled_error.
bool is_cancelled_error(const std::exception_ptr& e) noexcept;

/// A short description of an exception for diagnostics: the type's name and its
/// what(), e.g. "std::runtime_error: boom".
std::string describe(const std::exception_ptr& e);

}  // namespace weft
