#pragma once
// What the examples print with, in place of Python's print() and time.strftime().
//
// example::print writes one line, like print(). With WEFT_EXAMPLE_TIMESTAMPS=1
// in the environment it starts the line with the running loop's time in
// milliseconds and a space ("- " outside a running loop): that is how
// tests/examples_test.cpp checks an example's virtual times against CPython's,
// whose twin programs (tests/reference/tutorial_*.py) stamp their lines the
// same way. Without the variable the output is the tutorial's, unchanged.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/core.h>
#include <weft/event_loop.hpp>

namespace example {

/// True when WEFT_EXAMPLE_TIMESTAMPS=1 (read once).
inline bool timestamps_enabled() {
  static const bool enabled = [] {
    const char* v = std::getenv("WEFT_EXAMPLE_TIMESTAMPS");
    return v != nullptr && std::string_view(v) == "1";
  }();
  return enabled;
}

/// print(...): formats with fmt and ends the line; flushes, so that the lines
/// keep their order when stdout and stderr (weft's warnings) share a pipe.
template <class... Args>
void print(fmt::format_string<Args...> format, Args&&... args) {
  if (timestamps_enabled()) {
    if (const weft::event_loop* loop = weft::running_loop_or_null()) {
      // round(loop.time() * 1000), as tests/reference/vloop.py's now_ms
      auto ms = std::chrono::round<std::chrono::milliseconds>(loop->time().time_since_epoch());
      fmt::print("{} ", ms.count());
    } else {
      fmt::print("- ");
    }
  }
  fmt::print(format, std::forward<Args>(args)...);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

/// time.strftime(format): the wall-clock time now (local time), formatted by
/// std::strftime. Wall-clock time, not the loop's: on the virtual clock a
/// five-second sleep returns at once, and these stamps show it.
inline std::string strftime(const char* format) {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char buf[64];
  const std::size_t n = std::strftime(buf, sizeof buf, format, &local);
  return std::string(buf, n);
}

}  // namespace example
