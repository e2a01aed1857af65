#pragma once
/// The process's heap, as weft's guards against runaway programs measure it
/// (loop_options::max_heap, the simulator's and the scenario interpreter's
/// memory limits). weft-only.

#include <cstddef>

namespace weft {

/// Bytes of heap in use, as glibc counts them (mallinfo2), plus the chunks
/// the frame pools hold (frame_pool_bytes(): mmap, which mallinfo2 does not
/// see); only those chunks where the C library cannot tell.
std::size_t heap_in_use() noexcept;

/// Whether more than `limit` bytes of heap are in use: heap_in_use() >
/// limit, asked only when the process's address space could hold that much
/// (mallinfo2 walks every free chunk of every arena, a cost that grows with
/// all the process ever freed; the address space is three system calls).
bool heap_exceeds(std::size_t limit) noexcept;

/// The default heap limit of weft's tools: 1 GiB, or half the address space
/// the process may have (RLIMIT_AS) if that is less, so that a run stops at
/// its own limit before an allocation fails.
std::size_t default_heap_limit() noexcept;

}  // namespace weft
