// The frame pool's slow paths: carving chunks, frees from other threads,
// thread exit, and the idle policy (weft/detail/frame_pool.hpp says why).

#include "weft/detail/frame_pool.hpp"

#include <cstdint>
#include <mutex>
#include <new>
#include <utility>

#if __has_include(<sys/mman.h>)
#include <sys/mman.h>
#define WEFT_POOL_MMAP 1
#endif

namespace weft {
namespace detail {
namespace {

using chunk = frame_chunk;
using block = frame_free_block;
using state = frame_pool_state;
constexpr std::size_t chunk_size = frame_pool::chunk_size;

// Guards: the global pool, every pool's `remote` list, orphaned chunks, and
// every write of a chunk's `owner`. Taken only off the hot path.
constinit std::mutex pool_mutex;
// Used (under the mutex) by threads whose pool already died (thread_local
// destructors that still allocate).
constinit state global_pool;
// A thread's `frame_pool_current` once its pool died: no blocks, owns nothing.
constinit state dead_pool;
// The owner of chunks whose pool died with blocks still out.
constinit state orphan_owner;
constinit std::atomic<std::pmr::memory_resource*> chunk_resource{nullptr};
// Chunk bytes held by every pool, for heap_in_use() (relaxed: a statistic).
constinit std::atomic<std::size_t> chunk_bytes{0};

#ifdef WEFT_POOL_MMAP
// Chunks are cut from 2 MiB regions, each mapped at once and aligned to its
// size: one mmap for 32 chunks instead of three system calls a chunk, and
// the kernel may back a region with a huge page (a burst takes one page
// fault per 2 MiB, not one per 4 KiB). A chunk is still unmapped on its own.
constexpr std::size_t region_size = 2 * 1024 * 1024;
static_assert(region_size % chunk_size == 0);
constinit std::mutex region_mutex;  // not pool_mutex: new_chunk may run under it
constinit std::uintptr_t region_next = 0;  // the region's next chunk
constinit std::uintptr_t region_end = 0;
#endif

void* os_allocate() {
#ifdef WEFT_POOL_MMAP
  std::lock_guard lock(region_mutex);
  if (region_next == region_end) {
    // Map twice the size, keep the aligned middle: mmap only promises pages.
    void* m = ::mmap(nullptr, 2 * region_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) throw std::bad_alloc();
    auto a = reinterpret_cast<std::uintptr_t>(m);
    auto aligned = (a + region_size - 1) & ~(region_size - 1);
    if (aligned > a) ::munmap(m, aligned - a);
    if (std::size_t tail = a + 2 * region_size - (aligned + region_size))
      ::munmap(reinterpret_cast<void*>(aligned + region_size), tail);
#ifdef MADV_HUGEPAGE
    ::madvise(reinterpret_cast<void*>(aligned), region_size, MADV_HUGEPAGE);  // a hint: failure is fine
#endif
    region_next = aligned;
    region_end = aligned + region_size;
  }
  void* chunk_memory = reinterpret_cast<void*>(region_next);
  region_next += chunk_size;
  return chunk_memory;
#else
  return ::operator new(chunk_size, std::align_val_t{chunk_size});
#endif
}

void os_release(void* p) noexcept {
#ifdef WEFT_POOL_MMAP
  ::munmap(p, chunk_size);
#else
  ::operator delete(p, chunk_size, std::align_val_t{chunk_size});
#endif
}

void free_chunk_memory(chunk* k) noexcept {
  std::pmr::memory_resource* r = k->resource;
  k->~chunk();
  chunk_bytes.fetch_sub(chunk_size, std::memory_order_relaxed);
  if (r)
    r->deallocate(k, chunk_size, chunk_size);
  else
    os_release(k);
}

void link_avail(state* p, chunk* k) noexcept {
  chunk*& head = p->avail[k->cls];
  k->avail_prev = nullptr;
  k->avail_next = head;
  if (head) head->avail_prev = k;
  head = k;
  k->in_avail = true;
}

void unlink_avail(state* p, chunk* k) noexcept {
  if (k->avail_prev)
    k->avail_prev->avail_next = k->avail_next;
  else
    p->avail[k->cls] = k->avail_next;
  if (k->avail_next) k->avail_next->avail_prev = k->avail_prev;
  k->avail_prev = k->avail_next = nullptr;
  k->in_avail = false;
}

void link_empty(state* p, chunk* k) noexcept {
  k->empty_prev = nullptr;
  k->empty_next = p->empty_head;
  if (p->empty_head)
    p->empty_head->empty_prev = k;
  else
    p->empty_tail = k;
  p->empty_head = k;
  ++p->total_empty;
}

void unlink_empty(state* p, chunk* k) noexcept {
  if (k->empty_prev)
    k->empty_prev->empty_next = k->empty_next;
  else
    p->empty_head = k->empty_next;
  if (k->empty_next)
    k->empty_next->empty_prev = k->empty_prev;
  else
    p->empty_tail = k->empty_prev;
  k->empty_prev = k->empty_next = nullptr;
  --p->total_empty;
}

chunk* new_chunk(state* owner, std::size_t c) {
  std::pmr::memory_resource* r = chunk_resource.load(std::memory_order_acquire);
  void* mem = r ? r->allocate(chunk_size, chunk_size) : os_allocate();
  chunk_bytes.fetch_add(chunk_size, std::memory_order_relaxed);
  auto* k = ::new (mem) chunk;
  k->owner.store(owner, std::memory_order_relaxed);
  k->resource = r;
  k->cls = static_cast<std::uint8_t>(c);
  k->capacity = static_cast<std::uint16_t>((chunk_size - frame_pool::header_size) / (c * frame_pool::granule));
  k->next = owner->chunks;
  if (owner->chunks) owner->chunks->prev = k;
  owner->chunks = k;
  ++owner->chunk_count;
  link_empty(owner, k);  // no block out yet
  link_avail(owner, k);
  return k;
}

// Releases k, an empty chunk of p.
void release(state* p, chunk* k) noexcept {
  if (k->in_avail) unlink_avail(p, k);
  if (k->prev)
    k->prev->next = k->next;
  else
    p->chunks = k->next;
  if (k->next) k->next->prev = k->prev;
  --p->chunk_count;
  unlink_empty(p, k);
  free_chunk_memory(k);
}

// A block comes back to its owner p (p's thread, or under the mutex for the
// global pool): what frame_pool::deallocate does inline.
void give_back(state* p, block* b) noexcept {
  chunk* k = frame_pool::chunk_of(b);
  b->next = k->free;
  k->free = b;
  if (!k->in_avail) link_avail(p, k);
  if (--k->live == 0) frame_pool::became_empty(p, k);
}

// Takes the blocks other threads freed into p; p's thread only.
void drain_remote(state* p) noexcept {
  block* list;
  {
    std::lock_guard lock(pool_mutex);
    list = p->remote;
    p->remote = nullptr;
    p->has_remote.store(false, std::memory_order_relaxed);
  }
  while (list) give_back(p, std::exchange(list, list->next));
}

// A block of class c from p: a free one of a chunk with room, else a new one
// carved, from a new chunk if none has room. Full chunks leave the list.
void* pop_or_carve(state* p, std::size_t c) {
  for (;;) {
    chunk* k = p->avail[c];
    if (!k) k = new_chunk(p, c);
    void* b;
    if (block* f = k->free) {
      k->free = f->next;
      b = f;
    } else if (k->carved < k->capacity) {
      b = frame_pool::carve(k, c);
    } else {
      unlink_avail(p, k);
      continue;
    }
    if (k->live++ == 0) unlink_empty(p, k);
    return b;
  }
}

// Thread exit: release p's empty chunks, orphan the rest (each is released
// when its last block comes back, on whatever thread).
void retire(state* p) noexcept {
  std::lock_guard lock(pool_mutex);
  for (block* b = std::exchange(p->remote, nullptr); b;) {
    block* n = b->next;
    --frame_pool::chunk_of(b)->live;
    b = n;
  }
  for (chunk* k = p->chunks; k;) {
    chunk* n = k->next;
    k->prev = k->next = k->avail_prev = k->avail_next = k->empty_prev = k->empty_next = nullptr;
    k->in_avail = false;
    if (k->live == 0)
      free_chunk_memory(k);
    else
      k->owner.store(&orphan_owner, std::memory_order_relaxed);
    k = n;
  }
  delete p;
}

struct pool_reaper {
  state* pool = nullptr;
  ~pool_reaper() {
    frame_pool_current = &dead_pool;
    if (pool) retire(std::exchange(pool, nullptr));
  }
};
thread_local pool_reaper reaper;

}  // namespace

void* frame_pool::allocate_slow(std::size_t c) {
  state* p = frame_pool_current;
  if (p == &frame_pool_unborn) {
    p = new state;
    reaper.pool = p;  // constructs the reaper, so that thread exit retires p
    frame_pool_current = p;
  } else if (p == &dead_pool) {
    std::lock_guard lock(pool_mutex);
    return pop_or_carve(&global_pool, c);
  }
  if (p->has_remote.load(std::memory_order_relaxed)) drain_remote(p);
  return pop_or_carve(p, c);
}

void frame_pool::deallocate_remote(frame_chunk* k, void* ptr) noexcept {
  std::lock_guard lock(pool_mutex);
  state* o = k->owner.load(std::memory_order_relaxed);
  auto* b = ::new (ptr) block{nullptr};
  if (o == &orphan_owner) {
    if (--k->live == 0) free_chunk_memory(k);
  } else if (o == &global_pool) {
    give_back(o, b);
  } else {
    // Another thread's pool, alive (retire() runs under the mutex and
    // re-owns every chunk it does not free): its thread takes the block back
    // on its next slow-path allocation.
    b->next = o->remote;
    o->remote = b;
    o->has_remote.store(true, std::memory_order_relaxed);
  }
}

void frame_pool::make_available(frame_pool_state* p, frame_chunk* k) noexcept { link_avail(p, k); }

void frame_pool::became_empty(frame_pool_state* p, frame_chunk* k) noexcept {
  link_empty(p, k);
  if (p->total_empty > max_idle_chunks) release(p, p->empty_tail);
}

void frame_pool::left_empty(frame_pool_state* p, frame_chunk* k) noexcept { unlink_empty(p, k); }

}  // namespace detail

void set_frame_pool_resource(std::pmr::memory_resource* r) noexcept {
  detail::chunk_resource.store(r, std::memory_order_release);
}

std::size_t trim_frame_pool() noexcept {
#ifdef WEFT_NO_POOL
  return 0;
#else
  detail::frame_pool_state* p = detail::frame_pool_current;
  if (p == &detail::frame_pool_unborn || p == &detail::dead_pool) return 0;
  if (p->has_remote.load(std::memory_order_relaxed)) detail::drain_remote(p);
  std::size_t n = 0;
  for (detail::frame_chunk* k = p->chunks; k;) {
    detail::frame_chunk* next = k->next;
    if (k->live == 0) {
      detail::release(p, k);
      ++n;
    }
    k = next;
  }
  return n;
#endif
}

std::size_t frame_pool_bytes() noexcept { return detail::chunk_bytes.load(std::memory_order_relaxed); }

frame_pool_stats frame_pool_statistics() noexcept {
  frame_pool_stats s;
  detail::frame_pool_state* p = detail::frame_pool_current;
  if (p == &detail::frame_pool_unborn || p == &detail::dead_pool) return s;
  s.chunks = p->chunk_count;
  s.empty_chunks = p->total_empty;
  for (detail::frame_chunk* k = p->chunks; k; k = k->next) {
    s.live_blocks += k->live;
    s.live_bytes += std::size_t{k->live} * k->cls * detail::frame_pool::granule;
  }
  return s;
}

}  // namespace weft
