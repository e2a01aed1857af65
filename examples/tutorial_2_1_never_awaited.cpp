// Tutorial 2.1, second program: a coroutine called but never awaited runs nothing.
//
//   async def startDreamPlace(): ...   # as in tutorial_2_1_coroutine_sleep
//   startDreamPlace()
//
// Calling a coroutine function only makes a coroutine object; nothing of its
// body runs until it is awaited or wrapped in a task. Here the object is
// dropped at once, so nothing is printed, and weft reports what CPython does
// on stderr:
//
//   weft warning: RuntimeWarning: coroutine 'startDreamPlace' was never awaited
//
// (through weft::warn, see <weft/diagnostics.hpp>; weft::set_warning_handler
// redirects it). C++ catches the mistake earlier: weft::coro is [[nodiscard]],
// so `startDreamPlace();` alone does not even compile with -Werror. The cast to
// void below says "yes, drop it" to show the run-time warning.

#include <chrono>

#include <weft/weft.hpp>

#include "example_print.hpp"

using namespace std::chrono_literals;

weft::coro<> startDreamPlace() {
  example::print("started at {}", example::strftime("%X"));
  example::print("Hello World!");
  co_await weft::sleep(2s);
  example::print("World Hello!");
  example::print("ended at {}", example::strftime("%X"));
}

int main() {
  (void)startDreamPlace();  // the coroutine object is destroyed here, never started
}
