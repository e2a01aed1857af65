#pragma once
/// What other threads hand to an event loop: callbacks queued under a mutex,
/// and the wakeup (an eventfd) that interrupts the loop's wait for its next
/// timer. Shared by the loop and every thread that may post to it, so a post
/// to a loop that is gone fails cleanly instead of touching freed memory.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "weft/clock.hpp"
#include "weft/detail/small_function.hpp"

namespace weft::detail {

class future_base;

/// A concurrent_future's state as far as the loop needs it: whether it is
/// done (a job blocked on it may go on).
class concurrent_state_base {
 public:
  virtual ~concurrent_state_base() = default;
  bool done() const noexcept { return finished_.load(std::memory_order_acquire); }

 protected:
  std::atomic<bool> finished_{false};
};

/// One thing a thread hands to the loop.
struct thread_item {
  enum class kind : std::uint8_t {
    post,  ///< run fn on the loop (call_soon_threadsafe)
    done,  ///< executor job `job` finished (its result waits in the loop's job table)
    wait,  ///< executor job `job` blocks until `waits_on` is done
  };
  // The loop's callback type (future_base.hpp's callback_fn), built by the
  // posting thread, so that the loop moves it into a node with no allocation.
  small_function<void(future_base*), 32> fn;
  std::uint64_t job = 0;  // the loop's executor job that sent it; 0: another thread
  kind what = kind::post;
  std::shared_ptr<concurrent_state_base> waits_on;
};

class thread_inbox {
 public:
  thread_inbox() = default;
  thread_inbox(const thread_inbox&) = delete;
  thread_inbox& operator=(const thread_inbox&) = delete;
  ~thread_inbox();

  /// Any thread: queues `item` and wakes the loop. False (the item left to
  /// the caller) once the loop is closed.
  bool post(thread_item&& item);
  /// The loop's thread: whether anything is queued (a relaxed hint).
  bool pending() const noexcept { return pending_.load(std::memory_order_relaxed); }
  /// The loop's thread: appends everything queued to `out`, in arrival order.
  void drain(std::vector<thread_item>& out);
  /// The loop's thread: returns once something is queued or wake() is
  /// called, or after `timeout` (nullopt: no limit). True if woken.
  bool wait(std::optional<duration> timeout);
  /// Any thread: makes the loop's current or next wait() return.
  void wake();
  /// Refuses posts from now on; what is queued is returned to be dropped on
  /// the loop's thread.
  std::vector<thread_item> close();

  /// The executor job the calling thread runs for some loop, or 0.
  struct job_tag {
    const thread_inbox* inbox = nullptr;
    std::uint64_t job = 0;
  };
  static job_tag& current_job() noexcept;
  /// The job of this inbox the calling thread runs, or 0.
  std::uint64_t job_of_this_thread() const noexcept {
    const job_tag& t = current_job();
    return t.inbox == this ? t.job : 0;
  }

  /// Holders of event_loop::work_guard: while there are any, a loop with
  /// nothing to do waits for other threads instead of reporting a deadlock.
  std::atomic<std::size_t> guards{0};

 private:
  void signal() noexcept;  // with m_ held

  std::mutex m_;
  std::vector<thread_item> items_;
  std::atomic<bool> pending_{false};
  bool sleeping_ = false;  // the loop is in wait()
  bool woken_ = false;     // wake() since the last wait
  bool closed_ = false;
  int fd_ = -1;  // eventfd, made at the first wait
};

}  // namespace weft::detail
