// Tutorial 2.4.1, "asyncio.timeout()": a 1 s timeout around a 5 s coroutine throws timeout_error.
//
//   async def coroutine1():
//       await asyncio.sleep(5)
//       print('coroutine1 finished')
//   async def main():
//       async with asyncio.timeout(1):
//           await coroutine1()
//   asyncio.run(main())
//
// `async with asyncio.timeout(1): BODY` becomes
// `co_await weft::timeout(1s, [] { return BODY; })`. At 1 s the timeout
// cancels the task running the body (main_task), so coroutine1's sleep throws
// weft::cancelled_error; when it leaves the body, the timeout turns it into
// weft::timeout_error (asyncio's TimeoutError). coroutine1 never prints.
//
// Nothing catches it, in the tutorial or here: weft::run rethrows it from
// main_task. Python then prints a traceback ending in the line
// "TimeoutError" and exits with status 1. This port catches it in main() and
// prints that last line instead, and exits 0; its CPython twin
// (tests/reference/tutorial_2_4_1_timeout.py) wraps asyncio.run the same way.
// Use the scope by name (weft::timeout_scope scope = weft::timeout(1s);
// co_await scope.run(...)) to ask it scope.expired() afterwards.

#include <chrono>
#include <string_view>

#include <weft/weft.hpp>

#include "example_print.hpp"

using namespace std::chrono_literals;

weft::coro<> coroutine1() {
  co_await weft::sleep(5s);
  example::print("coroutine1 finished");
}

// Python's `async def main()`; C++ keeps the name main for the program itself.
weft::coro<> main_task() {
  co_await weft::timeout(1s, [] { return coroutine1(); });
}

int main() {
  weft::virtual_clock clock;  // drop the clock (and the option) to sleep for real
  try {
    weft::run(main_task(), {.clock = &clock});
  } catch (const weft::timeout_error& e) {
    // The last line of Python's traceback: the type, then ": message" if any.
    const std::string_view message = e.what();
    example::print("TimeoutError{}{}", message.empty() ? "" : ": ", message);
  }
}
