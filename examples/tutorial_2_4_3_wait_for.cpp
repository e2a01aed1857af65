// Tutorial 2.4.3, "asyncio.wait_for()": waiting 1 s for a 5 s coroutine throws timeout_error.
//
//   async def coroutine1():
//       await asyncio.sleep(5)
//       print('coroutine1 finished')
//   async def main():
//       try:
//           await asyncio.wait_for(coroutine1(), timeout=1)
//       except TimeoutError: # 捕获转换后的异常 ("catch the converted exception")
//           print('Timeout!')
//   asyncio.run(main())
//
// weft::wait_for(aw, timeout) is asyncio.wait_for: as in CPython 3.13, a
// coroutine runs inside the caller's task under a timeout (no new task). At
// 1 s it is cancelled, and wait_for throws weft::timeout_error in its place.
// coroutine1 never prints.

#include <chrono>

#include <weft/weft.hpp>

#include "example_print.hpp"

using namespace std::chrono_literals;

weft::coro<> coroutine1() {
  co_await weft::sleep(5s);
  example::print("coroutine1 finished");
}

// Python's `async def main()`; C++ keeps the name main for the program itself.
weft::coro<> main_task() {
  try {
    co_await weft::wait_for(coroutine1(), 1s);
  } catch (const weft::timeout_error&) {  // the cancellation, converted
    example::print("Timeout!");
  }
}

int main() {
  weft::virtual_clock clock;  // drop the clock (and the option) to sleep for real
  weft::run(main_task(), {.clock = &clock});
}
