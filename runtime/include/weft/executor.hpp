#pragma once
/// Executors: where loop.run_in_executor and weft::to_thread run blocking
/// functions. Mirrors concurrent.futures.Executor and ThreadPoolExecutor.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "weft/detail/small_function.hpp"

namespace weft {

/// Runs work items on other threads. Implementations must be thread-safe.
class executor {
 public:
  /// One item of work (move-only).
  using work = detail::small_function<void(), 48>;
  virtual ~executor() = default;
  /// Runs `w` on some thread, eventually (Executor.submit without the future:
  /// run_in_executor makes that). Throws std::runtime_error after shutdown.
  virtual void submit(work w) = 0;
  /// Executor.shutdown(wait, cancel_futures): accepts no more work; with
  /// `wait`, returns once the work already accepted has run; with
  /// `cancel_futures`, work not yet started is dropped (destroyed unrun: what
  /// run_in_executor submitted then reports itself cancelled).
  virtual void shutdown(bool wait = true, bool cancel_futures = false) = 0;
};

/// concurrent.futures.ThreadPoolExecutor: up to max_workers threads, started
/// one at a time as work arrives and no thread is idle; work runs in
/// submission order. The destructor is shutdown(wait=true).
class thread_pool_executor final : public executor {
 public:
  /// ThreadPoolExecutor's default size: min(32, cpu count + 4).
  static std::size_t default_max_workers() noexcept;
  /// Throws std::invalid_argument if max_workers is 0 (ValueError in CPython).
  explicit thread_pool_executor(std::size_t max_workers = default_max_workers());
  thread_pool_executor(const thread_pool_executor&) = delete;
  thread_pool_executor& operator=(const thread_pool_executor&) = delete;
  ~thread_pool_executor() override;

  void submit(work w) override;
  void shutdown(bool wait = true, bool cancel_futures = false) override;
  std::size_t max_workers() const noexcept { return max_workers_; }
  /// Threads started so far (they stay until shutdown).
  std::size_t thread_count() const;

 private:
  void worker();

  const std::size_t max_workers_;
  mutable std::mutex m_;
  std::condition_variable cv_;
  std::deque<work> queue_;
  std::vector<std::thread> threads_;
  std::size_t idle_ = 0;
  bool shutdown_ = false;
};

}  // namespace weft
