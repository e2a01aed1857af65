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
/// Ownership: each thread has its own pool (free lists, no lock). A chunk
/// belongs to the pool that carved it; a block freed on its owner's thread goes
/// back to the owner's free list, a block freed on another thread is handed to
/// the owner under a process-wide mutex (rare: run_coroutine_threadsafe). When
/// a thread exits, its pool's chunks that still have blocks out are orphaned
/// and released when their last block comes back, on whatever thread.
///
/// Idle policy: a chunk whose blocks are all free is "empty". A pool keeps up
/// to `max_idle_chunks` empty chunks (2 MiB) for reuse; when a free makes one
/// more, it releases empty chunks until `keep_idle_chunks` (1 MiB) remain, so a burst's peak is returned once the burst is over while a
/// steady loop never returns and re-maps its working set. `trim_frame_pool()`
/// releases every empty chunk of the calling thread's pool now.
///
/// Chunk memory comes from `set_frame_pool_resource()`'s std::pmr resource if
/// one is set, else from the OS (mmap on POSIX, aligned operator new
/// elsewhere). Under AddressSanitizer the pool is bypassed (WEFT_NO_POOL) so
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

namespace detail {

struct frame_pool_state;

/// The header at the start of every chunk.
struct alignas(64) frame_chunk {
  // The pool that carved it: a thread's pool, the global pool or the orphan
  // sentinel. Written under the mutex only; read relaxed on the hot path,
  // where the only answer that matters (equal to this thread's pool) can only
  // have been written by this thread.
  std::atomic<frame_pool_state*> owner{nullptr};
  frame_chunk* prev = nullptr;  // in the owner's chunk list
  frame_chunk* next = nullptr;
  std::pmr::memory_resource* resource = nullptr;  // null: the OS
  std::uint32_t live = 0;     // blocks out; the owner's (the mutex's once orphaned)
  std::uint32_t carved = 0;   // blocks carved so far
  std::uint32_t capacity = 0;
  std::uint32_t cls = 0;
};

struct frame_free_block {
  frame_free_block* next;
};

/// One thread's pool; also the global pool that threads whose pool died use
/// under the mutex, and the sentinels (no blocks, owns no chunk).
struct frame_pool_state {
  static constexpr std::size_t classes = 64;
  frame_free_block* heads[classes] = {};
  std::uint32_t empty[classes] = {};       // empty chunks of class c
  frame_chunk* carving[classes] = {};      // a chunk with blocks left to carve
  frame_chunk* chunks = nullptr;           // every chunk it owns
  std::size_t chunk_count = 0;
  std::size_t total_empty = 0;
  frame_free_block* remote = nullptr;  // blocks freed by other threads; under the mutex
  std::atomic<bool> has_remote{false};
};

/// Before this thread's first pooled allocation: no blocks, owns nothing.
inline frame_pool_state frame_pool_unborn{};
constinit inline thread_local frame_pool_state* frame_pool_current = &frame_pool_unborn;

class frame_pool {
 public:
  static constexpr std::size_t granule = 16;
  static constexpr std::size_t classes = frame_pool_state::classes;  // pooled sizes up to 1008 bytes
  static constexpr std::size_t chunk_size = 64 * 1024;
  static constexpr std::size_t header_size = sizeof(frame_chunk);
  static constexpr std::size_t max_idle_chunks = 32;
  static constexpr std::size_t keep_idle_chunks = 16;
  static_assert(header_size == 64);

  static frame_chunk* chunk_of(void* p) noexcept {
    return reinterpret_cast<frame_chunk*>(reinterpret_cast<std::uintptr_t>(p) & ~(chunk_size - 1));
  }

  static void* allocate(std::size_t size) {
#ifndef WEFT_NO_POOL
    std::size_t c = (size + granule - 1) / granule;
    if (c < classes) [[likely]] {
      frame_pool_state* p = frame_pool_current;
      frame_free_block* b = p->heads[c];
      if (b) [[likely]] {
        p->heads[c] = b->next;
        if (chunk_of(b)->live++ == 0) {
          --p->empty[c];
          --p->total_empty;
        }
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
        p->heads[c] = ::new (ptr) frame_free_block{p->heads[c]};
        if (--k->live == 0) {
          ++p->empty[c];
          if (++p->total_empty > max_idle_chunks) [[unlikely]]
            trim(p, keep_idle_chunks);
        }
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
  // Releases empty chunks of p (this thread's pool) until at most `keep`
  // remain; returns how many it released.
  static std::size_t trim(frame_pool_state* p, std::size_t keep) noexcept;
};

/// Mixin giving a class pooled operator new/delete.
struct pooled {
  static void* operator new(std::size_t n) { return frame_pool::allocate(n); }
  static void operator delete(void* p, std::size_t n) noexcept { frame_pool::deallocate(p, n); }
};

}  // namespace detail
}  // namespace weft
