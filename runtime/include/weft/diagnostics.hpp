#pragma once
/// Warnings weft reports outside any loop, such as a coroutine destroyed before
/// it ever ran (CPython's "RuntimeWarning: coroutine '...' was never awaited").

#include <string_view>

namespace weft {

/// Receives each warning; must not throw.
using warning_handler = void (*)(std::string_view message) noexcept;

/// Installs `h` (null restores the default, which writes to stderr) and
/// returns the previous handler. Process-wide, like Python's warnings module;
/// set it before starting loops on other threads.
warning_handler set_warning_handler(warning_handler h) noexcept;

/// Reports a warning through the current handler.
void warn(std::string_view message) noexcept;

}  // namespace weft
