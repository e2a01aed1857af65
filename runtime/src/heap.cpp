#include "weft/heap.hpp"

#include <algorithm>

#include "weft/detail/frame_pool.hpp"

#include <fcntl.h>
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

namespace weft {

std::size_t heap_in_use() noexcept {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
  const struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd + frame_pool_bytes();
#else
  return frame_pool_bytes();
#endif
}

namespace {

/// The process's virtual size in bytes, which holds all of its heap; 0
/// where it cannot tell. Three system calls, no allocation.
std::size_t address_space() noexcept {
  const int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char text[64];
  const ssize_t n = ::read(fd, text, sizeof text - 1);
  ::close(fd);
  if (n <= 0) return 0;
  std::size_t pages = 0;
  for (ssize_t i = 0; i < n && text[i] >= '0' && text[i] <= '9'; ++i) pages = pages * 10 + std::size_t(text[i] - '0');
  return pages * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace

bool heap_exceeds(std::size_t limit) noexcept {
  const std::size_t space = address_space();
  if (space != 0 && space <= limit) return false;
  return heap_in_use() > limit;
}

std::size_t default_heap_limit() noexcept {
  std::size_t cap = std::size_t{1} << 30;
  rlimit as{};
  if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY) cap = std::min<std::size_t>(cap, as.rlim_cur / 2);
  return cap;
}

}  // namespace weft
