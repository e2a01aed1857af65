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
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

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

/// Too deep a recursion: a cancel() passed down a chain of more tasks awaiting
/// each other, or of more gathers of tasks awaiting gathers, than Python's
/// recursion limit allows (1000 of either; a cycle, such as a task gathering
/// itself, never ends before). Mirrors RecursionError (a RuntimeError
/// subclass, so it derives from std::runtime_error).
class recursion_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The loop ran more iterations than loop_options::max_iterations allows (a
/// livelock guard for tests). weft-only.
class iteration_limit_error : public detail::message_error {
 public:
  using message_error::message_error;
};

/// A program went past a limit of loop_options (max_tasks, max_heap): a
/// guard for programs under test that spawn or allocate without bound. Once
/// thrown, every later iteration of the loop throws it again. weft-only.
class resource_limit_error : public detail::message_error {
 public:
  using message_error::message_error;
};

/// Queue.get_nowait() on an empty queue. Mirrors asyncio.QueueEmpty.
class queue_empty : public detail::message_error {
 public:
  explicit queue_empty(std::string msg = "") : message_error(std::move(msg)) {}
};

/// Queue.put_nowait() on a full queue. Mirrors asyncio.QueueFull.
class queue_full : public detail::message_error {
 public:
  explicit queue_full(std::string msg = "") : message_error(std::move(msg)) {}
};

/// A put or get on a queue that was shut down. Mirrors asyncio.QueueShutDown (3.13).
class queue_shut_down : public detail::message_error {
 public:
  explicit queue_shut_down(std::string msg = "") : message_error(std::move(msg)) {}
};

/// A Barrier was aborted or reset while a task waited. Mirrors
/// asyncio.BrokenBarrierError (a RuntimeError subclass in Python, so it derives
/// from std::runtime_error).
class broken_barrier_error : public std::runtime_error {
 public:
  explicit broken_barrier_error(const std::string& msg) : std::runtime_error(msg) {}
};

/// Whether `e` holds an E (or a class derived from E), as `except E:` would
/// decide. Exact: the answer
/// comes from a rethrow the first time a thrown type is met in this thread
/// and from a cache of that answer after (libstdc++ tells a stored
/// exception's type without rethrowing); rethrowing is what makes the
/// simulator's exception-heavy runs slow.
template <class E>
bool exception_is(const std::exception_ptr& e) noexcept {
  if (!e) return false;
  auto by_rethrow = [&e]() noexcept {
    try {
      std::rethrow_exception(e);
    } catch (const E&) {
      return true;
    } catch (...) {
      return false;
    }
  };
#if defined(__GLIBCXX__) && defined(__cpp_rtti)
  const std::type_info* type = e.__cxa_exception_type();
  if (!type) return by_rethrow();
  thread_local std::vector<std::pair<const std::type_info*, bool>> seen;
  for (const auto& [t, is] : seen)
    if (*t == *type) return is;
  const bool is = by_rethrow();
  if (seen.size() < 64) seen.emplace_back(type, is);  // a program throws few distinct types
  return is;
#else
  return by_rethrow();
#endif
}

/// Several exceptions raised together, in order (what TaskGroup raises).
/// Mirrors ExceptionGroup; split() and subgroup() give except*'s matching.
class exception_group : public std::exception {
 public:
  exception_group(std::string msg, std::vector<std::exception_ptr> excs)
      : msg_(std::move(msg)), excs_(std::move(excs)) {}
  /// ExceptionGroup.message.
  const std::string& message() const noexcept { return msg_; }
  /// ExceptionGroup.exceptions, in order.
  const std::vector<std::exception_ptr>& exceptions() const noexcept { return excs_; }
  /// str(group): "MESSAGE (N sub-exception[s])".
  const char* what() const noexcept override;

  /// ExceptionGroup.split(E): the leaves that are E (kept in nested groups as
  /// nested groups), and the rest; either may be absent.
  template <class E>
  std::pair<std::optional<exception_group>, std::optional<exception_group>> split() const {
    return split_by([](const std::exception_ptr& e) { return holds<E>(e); },
                    [](const exception_group& g) {
                      // isinstance(group, E): a group is an exception_group, and a
                      // std::exception only when all it holds are (Python's
                      // ExceptionGroup versus BaseExceptionGroup).
                      if constexpr (std::is_same_v<E, exception_group>)
                        return true;
                      else if constexpr (std::is_base_of_v<E, exception_group>)
                        return g.all_std_exceptions();
                      else
                        return false;
                    });
  }
  /// True if every exception it holds (nested groups' too) is a std::exception.
  bool all_std_exceptions() const;
  /// ExceptionGroup.subgroup(E): split<E>().first.
  template <class E>
  std::optional<exception_group> subgroup() const {
    return split<E>().first;
  }
  /// True if `e` holds an E.
  template <class E>
  static bool holds(const std::exception_ptr& e) noexcept {
    return exception_is<E>(e);
  }

 private:
  std::pair<std::optional<exception_group>, std::optional<exception_group>> split_by(
      const std::function<bool(const std::exception_ptr&)>& leaf_match,
      const std::function<bool(const exception_group&)>& group_match) const;
  std::string msg_;
  std::vector<std::exception_ptr> excs_;
  mutable std::string what_;
};

/// True if `e` holds a cancelled_error.
bool is_cancelled_error(const std::exception_ptr& e) noexcept;


/// A short description of an exception for diagnostics: the type's name and its
/// what(), e.g. "std::runtime_error: boom".
std::string describe(const std::exception_ptr& e);

}  // namespace weft
