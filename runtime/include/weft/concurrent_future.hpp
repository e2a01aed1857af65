#pragma once
/// weft::concurrent_future<T>: concurrent.futures.Future, the thread-safe
/// future run_coroutine_threadsafe returns. Any thread may wait on it, read
/// it, cancel it or complete it.

#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>
#include <variant>
#include <vector>

#include "weft/clock.hpp"
#include "weft/exceptions.hpp"
#include "weft/detail/thread_inbox.hpp"

namespace weft {

template <class T>
class concurrent_future;

namespace detail {

template <class T>
class concurrent_state final : public concurrent_state_base {
 public:
  enum class status : std::uint8_t { pending, running, cancelled, finished };
  std::mutex m;
  std::condition_variable cv;
  status st = status::pending;
  std::conditional_t<std::is_void_v<T>, std::monostate, std::optional<T>> value;
  std::exception_ptr error;
  std::vector<std::function<void(const concurrent_future<T>&)>> callbacks;

  /// Marks it done (with m held) and returns the callbacks to run, unlocked.
  std::vector<std::function<void(const concurrent_future<T>&)>> finish(status s) {
    st = s;
    finished_.store(true, std::memory_order_release);
    cv.notify_all();
    return std::move(callbacks);
  }
};

/// Under a loop's executor job: tells the loop the job blocks on `s`, so a
/// simulator does not wait for the job meanwhile (see event_loop's threads).
void note_job_waits(std::shared_ptr<concurrent_state_base> s);

}  // namespace detail

/// concurrent.futures.Future: pending, running, cancelled or finished (with a
/// result or an exception). A shared handle: copies refer to the same state.
template <class T = void>
class concurrent_future {
  using state = detail::concurrent_state<T>;
  using status = typename state::status;

 public:
  /// A new pending future.
  concurrent_future() : s_(std::make_shared<state>()) {}

  /// Future.done(): cancelled or finished.
  bool done() const { return s_->done(); }
  /// Future.cancelled().
  bool cancelled() const {
    std::lock_guard lock(s_->m);
    return s_->st == status::cancelled;
  }
  /// Future.running().
  bool running() const {
    std::lock_guard lock(s_->m);
    return s_->st == status::running;
  }
  /// Future.cancel(): true if it is (now) cancelled; false once running or
  /// finished. Done callbacks run in the calling thread.
  bool cancel() const {
    std::unique_lock lock(s_->m);
    if (s_->st == status::cancelled) return true;
    if (s_->st != status::pending) return false;
    run_callbacks(s_->finish(status::cancelled), lock);
    return true;
  }

  /// Future.result(timeout): waits until done (at most `timeout`; none: no
  /// limit), then returns a copy of the result (any thread may read it, any
  /// number of times: T must be copyable) or throws the exception. Throws
  /// weft::timeout_error if the time runs out, weft::cancelled_error if it
  /// was cancelled.
  T result(std::optional<duration> timeout = std::nullopt) const {
    std::unique_lock lock = wait_locked(timeout);
    if (s_->st == status::cancelled) throw cancelled_error();
    if (s_->error) std::rethrow_exception(s_->error);
    if constexpr (!std::is_void_v<T>) return *s_->value;
  }
  /// Future.exception(timeout): null if it finished with a result; throws as
  /// result() does if it did not finish in time or was cancelled.
  std::exception_ptr exception(std::optional<duration> timeout = std::nullopt) const {
    std::unique_lock lock = wait_locked(timeout);
    if (s_->st == status::cancelled) throw cancelled_error();
    return s_->error;
  }
  /// Waits until done, at most `timeout`; true if done.
  bool wait(std::optional<duration> timeout = std::nullopt) const {
    try {
      wait_locked(timeout);
      return true;
    } catch (const timeout_error&) {
      return false;
    }
  }

  /// Future.add_done_callback(fn): `fn(future)` runs once done, in the thread
  /// that completes or cancels it (at once, here, if it is done already).
  void add_done_callback(std::function<void(const concurrent_future&)> fn) const {
    std::unique_lock lock(s_->m);
    if (!s_->done()) {
      s_->callbacks.push_back(std::move(fn));
      return;
    }
    lock.unlock();
    fn(*this);
  }

  /// Future.set_running_or_notify_cancel(): false if cancelled (the work must
  /// not run), true if it is now running. Throws invalid_state_error if
  /// already running or finished.
  bool set_running_or_notify_cancel() const {
    std::lock_guard lock(s_->m);
    if (s_->st == status::cancelled) return false;
    if (s_->st != status::pending) throw invalid_state_error("Future in unexpected state");
    s_->st = status::running;
    return true;
  }
  /// Future.set_result(value). Throws invalid_state_error if done.
  template <class... U>
  void set_result(U&&... v) const {
    std::unique_lock lock(s_->m);
    check_settable();
    if constexpr (!std::is_void_v<T>) s_->value.emplace(std::forward<U>(v)...);
    run_callbacks(s_->finish(status::finished), lock);
  }
  /// Future.set_exception(e). Throws invalid_state_error if done.
  void set_exception(std::exception_ptr e) const {
    std::unique_lock lock(s_->m);
    check_settable();
    s_->error = std::move(e);
    run_callbacks(s_->finish(status::finished), lock);
  }

  friend bool operator==(const concurrent_future& a, const concurrent_future& b) noexcept { return a.s_ == b.s_; }

 private:
  void check_settable() const {
    if (s_->done()) throw invalid_state_error("concurrent_future already done");
  }
  std::unique_lock<std::mutex> wait_locked(std::optional<duration> timeout) const {
    std::unique_lock lock(s_->m);
    if (!s_->done()) {
      lock.unlock();
      detail::note_job_waits(s_);
      lock.lock();
    }
    auto is_done = [this] { return s_->done(); };
    if (!timeout) {
      s_->cv.wait(lock, is_done);
    } else if (!s_->cv.wait_for(lock, *timeout, is_done)) {
      throw timeout_error();
    }
    return lock;
  }
  void run_callbacks(std::vector<std::function<void(const concurrent_future&)>> cbs,
                     std::unique_lock<std::mutex>& lock) const {
    lock.unlock();
    for (auto& cb : cbs) cb(*this);
  }

  std::shared_ptr<state> s_;
};

}  // namespace weft
