#include "weft/detail/thread_inbox.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <system_error>

namespace weft::detail {

thread_inbox::~thread_inbox() {
  if (fd_ >= 0) ::close(fd_);
}

thread_inbox::job_tag& thread_inbox::current_job() noexcept {
  thread_local job_tag tag;
  return tag;
}

void thread_inbox::signal() noexcept {
  if (!sleeping_) return;
  sleeping_ = false;  // one write wakes it: later posters need not make a system call
  const std::uint64_t one = 1;
  // An eventfd's counter only saturates after 2^64 - 2 writes: it cannot fail here.
  [[maybe_unused]] ssize_t n = ::write(fd_, &one, sizeof one);
}

bool thread_inbox::post(thread_item&& item) {
  std::lock_guard lock(m_);
  if (closed_) return false;
  items_.push_back(std::move(item));
  pending_.store(true, std::memory_order_relaxed);
  signal();
  return true;
}

void thread_inbox::wake() {
  std::lock_guard lock(m_);
  woken_ = true;
  pending_.store(true, std::memory_order_relaxed);
  signal();
}

void thread_inbox::drain(std::vector<thread_item>& out) {
  std::lock_guard lock(m_);
  if (out.empty())
    out.swap(items_);  // the posters get the loop's spare capacity back
  else
    for (thread_item& i : items_) out.push_back(std::move(i));
  items_.clear();
  woken_ = false;
  pending_.store(false, std::memory_order_relaxed);
}

bool thread_inbox::wait(std::optional<duration> timeout) {
  {
    std::lock_guard lock(m_);
    if (!items_.empty() || woken_) return true;
    if (fd_ < 0) {
      fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
      if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "weft: eventfd");
    }
    sleeping_ = true;
  }
  pollfd p{fd_, POLLIN, 0};
  timespec ts{};
  if (timeout) {
    const auto ns = std::max<duration::rep>(timeout->count(), 0);
    ts.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
    ts.tv_nsec = static_cast<long>(ns % 1'000'000'000);
  }
  int r;
  do r = ::ppoll(&p, 1, timeout ? &ts : nullptr, nullptr);
  while (r < 0 && errno == EINTR);
  std::lock_guard lock(m_);
  sleeping_ = false;
  std::uint64_t count;
  [[maybe_unused]] ssize_t n = ::read(fd_, &count, sizeof count);  // reset; EAGAIN if nothing came
  return !items_.empty() || woken_;
}

std::vector<thread_item> thread_inbox::close() {
  std::lock_guard lock(m_);
  closed_ = true;
  pending_.store(false, std::memory_order_relaxed);
  return std::move(items_);
}

}  // namespace weft::detail
