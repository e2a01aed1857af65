#pragma once
/// weft::source_site: where in the source a coroutine awaited, recorded by
/// every co_await in a weft::coro so that the simulator can name the await a
/// task is suspended at ("pool.hpp:42 in acquire"), not only its step count.

#include <cstdint>
#include <string>

namespace weft {

/// A co_await's file, line and enclosing function, as the compiler names
/// them (__builtin_FILE and friends: std::source_location's information,
/// which clang 14 with libstdc++ 12 cannot provide). Empty (no file) where
/// nothing was recorded: a task before its first step.
struct source_site {
  const char* file = nullptr;
  const char* function = "";
  std::uint32_t line = 0;

  explicit operator bool() const noexcept { return file != nullptr; }
};

/// "FILE:LINE in FUNCTION" with FILE's base name (so that it reads the same
/// on any machine and build directory), or "" for an empty site.
std::string to_string(const source_site& s);

namespace detail {
/// Whether `file` is one of weft's own sources (its headers or the library's
/// .cpp files): a task's site skips weft's coroutines (Lock.acquire, wait_for,
/// ...) to name the user's await that called them.
bool is_weft_source(const char* file) noexcept;
}  // namespace detail

}  // namespace weft
