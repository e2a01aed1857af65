#include "weft/heap.hpp"

#include <algorithm>

#include <malloc.h>
#include <sys/resource.h>

namespace weft {

std::size_t heap_in_use() noexcept {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
  const struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
#else
  return 0;
#endif
}

std::size_t default_heap_limit() noexcept {
  std::size_t cap = std::size_t{1} << 30;
  rlimit as{};
  if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY) cap = std::min<std::size_t>(cap, as.rlim_cur / 2);
  return cap;
}

}  // namespace weft
