#pragma once
/// Size-class free lists for coroutine frames and task/future states, so a warm
/// loop allocates nothing per task or per hop. Thread-local: a loop and its
/// frames live on one thread. Under AddressSanitizer the pool is bypassed so
/// use-after-free stays visible.

#include <cstddef>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define WEFT_NO_POOL 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WEFT_NO_POOL 1
#endif
#endif

namespace weft::detail {

class frame_pool {
 public:
  static constexpr std::size_t granule = 32;
  static constexpr std::size_t classes = 32;  // pooled sizes up to 1 KiB

  static void* allocate(std::size_t size) {
#ifndef WEFT_NO_POOL
    std::size_t c = (size + granule - 1) / granule;
    if (c < classes) {
      free_block*& head = instance().heads_[c];
      if (head) {
        free_block* b = head;
        head = b->next;
        return b;
      }
      return ::operator new(c * granule);
    }
#endif
    return ::operator new(size);
  }

  static void deallocate(void* p, std::size_t size) noexcept {
#ifndef WEFT_NO_POOL
    std::size_t c = (size + granule - 1) / granule;
    if (c < classes) {
      free_block*& head = instance().heads_[c];
      head = ::new (p) free_block{head};
      return;
    }
#endif
    (void)size;
    ::operator delete(p);
  }

 private:
  struct free_block {
    free_block* next;
  };
  free_block* heads_[classes] = {};

  static frame_pool& instance() noexcept {
    thread_local frame_pool pool;
    return pool;
  }

 public:
  frame_pool() = default;
  frame_pool(const frame_pool&) = delete;
  frame_pool& operator=(const frame_pool&) = delete;
  ~frame_pool() {
    for (free_block* h : heads_)
      while (h) {
        free_block* n = h->next;
        ::operator delete(h);
        h = n;
      }
  }
};

/// Mixin giving a class pooled operator new/delete.
struct pooled {
  static void* operator new(std::size_t n) { return frame_pool::allocate(n); }
  static void operator delete(void* p, std::size_t n) noexcept { frame_pool::deallocate(p, n); }
};

}  // namespace weft::detail
