#include "weft/executor.hpp"

#include <algorithm>
#include <stdexcept>

namespace weft {

std::size_t thread_pool_executor::default_max_workers() noexcept {
  return std::min<std::size_t>(32, std::max(1u, std::thread::hardware_concurrency()) + 4);
}

thread_pool_executor::thread_pool_executor(std::size_t max_workers) : max_workers_(max_workers) {
  if (max_workers == 0) throw std::invalid_argument("thread_pool_executor: max_workers must be greater than 0");
}

thread_pool_executor::~thread_pool_executor() { shutdown(true); }

void thread_pool_executor::submit(work w) {
  std::unique_lock lock(m_);
  if (shutdown_) throw std::runtime_error("cannot schedule new futures after shutdown");
  queue_.push_back(std::move(w));
  // ThreadPoolExecutor._adjust_thread_count: a new thread only when none is idle.
  if (idle_ >= queue_.size() || threads_.size() >= max_workers_) {
    cv_.notify_one();
    return;
  }
  threads_.emplace_back([this] { worker(); });
}

void thread_pool_executor::worker() {
  std::unique_lock lock(m_);
  for (;;) {
    ++idle_;
    cv_.wait(lock, [this] { return shutdown_ || !queue_.empty(); });
    --idle_;
    if (queue_.empty()) return;  // shut down and nothing left
    work w = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    w();
    w.reset();  // what the work holds goes before the next item
    lock.lock();
  }
}

void thread_pool_executor::shutdown(bool wait, bool cancel_futures) {
  std::deque<work> dropped;
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(m_);
    shutdown_ = true;
    if (cancel_futures) dropped.swap(queue_);
    if (wait) threads.swap(threads_);
  }
  cv_.notify_all();
  dropped.clear();  // outside the lock: dropping work may post to a loop
  for (std::thread& t : threads)
    if (t.get_id() == std::this_thread::get_id())
      t.detach();  // shut down from one of its own workers: it ends when it returns
    else
      t.join();
}

std::size_t thread_pool_executor::thread_count() const {
  std::lock_guard lock(m_);
  return threads_.size();
}

}  // namespace weft
