#pragma once
/// Size-class pools for coroutine frames, task/future states and callback
/// nodes, so a warm loop allocates nothing per task or per hop.
///
/// Blocks are carved from 64 KiB chunks, one size class per chunk, chunks
/// aligned to their size so that a block finds its chunk's header by masking
/// its address (as mimalloc's pages do). Carving from chunks, not one
/// `operator new` per block, keeps a loop's working set dense whatever state
/// glibc's heap is in: a burst of a million timers freed through malloc leaves
/// the heap fragmented, and blocks taken from it one by one after that
/// scatter across it (issue #17 measured gather 4x slower after such a burst).
///
/// Ownership: each thread has its own pool (no lock). A chunk
/// belongs to the pool that carved it; a block freed on its owner's thread goes
/// back to its chunk's free list, a block freed on another thread is handed to
/// the owner under a process-wide mutex (rare: run_coroutine_threadsafe). When
/// a thread exits, its pool's chunks that still have blocks out are orphaned
/// and released when their last block comes back, on whatever thread.
///
/// Each chunk keeps its own free list (as mimalloc's pages do), and a pool
/// allocates from the chunks of a class that have room, so releasing a chunk
/// costs O(1) whatever the number of free blocks elsewhere.
///
/// Idle policy: a chunk whose blocks are all free is "empty". A pool keeps up
/// to `max_idle_chunks` empty chunks (2 MiB) for reuse; a free that empties
/// one more releases the one that has been empty longest. So a burst's peak is returned as the burst
/// drains, while a loop whose working set fits in 2 MiB never returns and
/// re-maps it. `trim_frame_pool()` releases every empty chunk of the calling
/// thread's pool now.
///
/// Chunk memory comes from `set_frame_pool_resource()`'s std::pmr resource if
/// one is set, else from the OS: on POSIX, chunks are cut in turn from 2 MiB
/// regions mapped at once and marked for transparent huge pages (a burst of a
/// million timers takes one page fault per region instead of 512, and one
/// mmap per 32 chunks), each chunk unmapped on its own when released; so the
/// region being cut holds up to 2 MiB of RSS. Elsewhere, aligned operator
/// new. Under AddressSanitizer the pool is bypassed (WEFT_NO_POOL) so
/// use-after-free stays visible.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory_resource>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define WEFT_NO_POOL 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WEFT_NO_POOL 1
#endif
#endif

namespace weft {

/// The memory resource frame-pool chunks (64 KiB, aligned to 64 KiB) come
/// from, for users who bring their own allocator; null restores the default
/// (the OS). Chunks remember their resource, so it may change at any time;
/// a resource must outlive every chunk it gave. Not an asyncio concept.
void set_frame_pool_resource(std::pmr::memory_resource* r) noexcept;

/// Releases the calling thread's empty pool chunks now (see frame_pool.hpp's
/// idle policy); returns how many chunks were released.
std::size_t trim_frame_pool() noexcept;

/// What the calling thread's pool holds, for tests and benchmarks.
struct frame_pool_stats {
  std::size_t chunks = 0;        // chunks this thread's pool owns
  std::size_t empty_chunks = 0;  // of which no block is out
  std::size_t live_blocks = 0;   // blocks out (allocated, not returned here)
  std::size_t live_bytes = 0;    // their sizes, as the pool rounds them
};
frame_pool_stats frame_pool_statistics() noexcept;

/// Bytes of chunk memory the frame pools of all threads hold now (what
/// heap_in_use() adds to malloc's figure: chunks come from mmap, which
/// mallinfo2 does not see).
std::size_t frame_pool_bytes() noexcept;

namespace detail {

struct frame_pool_state;

struct frame_free_block {
  frame_free_block* next;
};

/// The header at the start of every chunk.
struct alignas(64) frame_chunk {
  // The pool that carved it: a thread's pool, the global pool or the orphan
  // sentinel. Written under the mutex only; read relaxed on the hot path,
  // where the only answer that matters (equal to this thread's pool) can only
  // have been written by this thread.
  std::atomic<frame_pool_state*> owner{nullptr};
  frame_free_block* free = nullptr;  // its returned blocks; the owner's
  frame_chunk* prev = nullptr;       // in the owner's list of all its chunks
  frame_chunk* next = nullptr;
  frame_chunk* avail_prev = nullptr;  // in the owner's list of class `cls` chunks with room
  frame_chunk* avail_next = nullptr;
  frame_chunk* empty_prev = nullptr;  // in the owner's list of empty chunks, most recently emptied first
  frame_chunk* empty_next = nullptr;
  std::pmr::memory_resource* resource = nullptr;  // null: the OS
  std::uint16_t live = 0;     // blocks out (at most 4092); the owner's (the mutex's once orphaned)
  std::uint16_t carved = 0;   // blocks carved so far
  std::uint16_t capacity = 0;
  std::uint8_t cls = 0;
  bool in_avail = false;
};

/// One thread's pool; also the global pool that threads whose pool died use
/// under the mutex, and the sentinels (no chunks).
struct frame_pool_state {
  static constexpr std::size_t classes = 64;
  // Per size class, the chunks with a free or uncarved block, most recently
  // freed into first (its blocks are the warmest).
  frame_chunk* avail[classes] = {};
  frame_chunk* chunks = nullptr;  // every chunk it owns
  std::size_t chunk_count = 0;
  std::size_t total_empty = 0;    // chunks with no block out
  frame_chunk* empty_head = nullptr;  // those chunks, most recently emptied first
  frame_chunk* empty_tail = nullptr;
  frame_free_block* remote = nullptr;  // blocks freed by other threads; under the mutex
  std::atomic<bool> has_remote{false};
};

/// Before this thread's first pooled allocation: no chunks.
inline frame_pool_state frame_pool_unborn{};
constinit inline thread_local frame_pool_state* frame_pool_current = &frame_pool_unborn;

class frame_pool {
 public:
  static constexpr std::size_t granule = 16;
  static constexpr std::size_t classes = frame_pool_state::classes;  // pooled sizes up to 1008 bytes
  static constexpr std::size_t chunk_size = 64 * 1024;
  static constexpr std::size_t header_size = sizeof(frame_chunk);
  static constexpr std::size_t max_idle_chunks = 32;
  static_assert(header_size == 128);

  static frame_chunk* chunk_of(void* p) noexcept {
    return reinterpret_cast<frame_chunk*>(reinterpret_cast<std::uintptr_t>(p) & ~(chunk_size - 1));
  }

  /// The next uncarved block of class `c` in `k` (which has one).
  static void* carve(frame_chunk* k, std::size_t c) noexcept {
    return reinterpret_cast<char*>(k) + header_size + std::size_t{k->carved++} * c * granule;
  }

  static void* allocate(std::size_t size) {
#ifndef WEFT_NO_POOL
    std::size_t c = (size + granule - 1) / granule;
    if (c < classes) [[likely]] {
      frame_pool_state* p = frame_pool_current;
      if (frame_chunk* k = p->avail[c]) [[likely]] {
        void* b;
        if (frame_free_block* f = k->free) [[likely]] {
          k->free = f->next;
          b = f;
        } else if (k->carved < k->capacity) {  // a growing working set: the next uncarved block
          b = carve(k, c);
        } else {
          return allocate_slow(c);
        }
        if (k->live++ == 0) [[unlikely]]
          left_empty(p, k);
        return b;
      }
      return allocate_slow(c);
    }
#endif
    return ::operator new(size);
  }

  static void deallocate(void* ptr, std::size_t size) noexcept {
#ifndef WEFT_NO_POOL
    std::size_t c = (size + granule - 1) / granule;
    if (c < classes) [[likely]] {
      frame_pool_state* p = frame_pool_current;
      frame_chunk* k = chunk_of(ptr);
      if (k->owner.load(std::memory_order_relaxed) == p) [[likely]] {
        k->free = ::new (ptr) frame_free_block{k->free};
        if (!k->in_avail) [[unlikely]]
          make_available(p, k);
        if (--k->live == 0) [[unlikely]]
          became_empty(p, k);
        return;
      }
      deallocate_remote(k, ptr);
      return;
    }
#endif
    (void)size;
    ::operator delete(ptr);
  }

  static void* allocate_slow(std::size_t c);
  static void deallocate_remote(frame_chunk* k, void* p) noexcept;
  static void make_available(frame_pool_state* p, frame_chunk* k) noexcept;
  // Counts k as empty; past max_idle_chunks empty, releases the chunk that
  // has been empty longest (so a burst's leftovers go before a steady loop's
  // working set, which empties and refills every round).
  static void became_empty(frame_pool_state* p, frame_chunk* k) noexcept;
  static void left_empty(frame_pool_state* p, frame_chunk* k) noexcept;
};

/// Mixin giving a class pooled operator new/delete.
struct pooled {
  static void* operator new(std::size_t n) { return frame_pool::allocate(n); }
  static void operator delete(void* p, std::size_t n) noexcept { frame_pool::deallocate(p, n); }
};

}  // namespace detail
}  // namespace weft
