// Tutorial 2.2, "tasks": two tasks sleep concurrently (5 s and 3 s) in 5 s, not 8 s.
//
//   async def coroutine1():
//       await asyncio.sleep(5)
//       print('coroutine1 finished')
//   async def coroutine2():
//       await asyncio.sleep(3)
//       print('coroutine2 finished')
//   async def main():
//       task1 = asyncio.create_task(coroutine1())
//       task2 = asyncio.create_task(coroutine2())
//       print(f"started at {time.strftime('%X')}")
//       await task1
//       await task2
//       print(f"ended at {time.strftime('%X')}")
//   asyncio.run(main())
//
// create_task schedules a coroutine to run concurrently and returns a
// weft::task<> at once. The loop runs on weft's virtual clock, so the program
// ends immediately; run it with WEFT_EXAMPLE_TIMESTAMPS=1 to see each line's
// virtual time in milliseconds (coroutine2 at 3000, coroutine1 and the end at 5000).

#include <chrono>

#include <weft/weft.hpp>

#include "example_print.hpp"

using namespace std::chrono_literals;

weft::coro<> coroutine1() {
  co_await weft::sleep(5s);
  example::print("coroutine1 finished");
}

weft::coro<> coroutine2() {
  co_await weft::sleep(3s);
  example::print("coroutine2 finished");
}

// Python's `async def main()`; C++ keeps the name main for the program itself.
weft::coro<> main_task() {
  weft::task<> task1 = weft::create_task(coroutine1());
  weft::task<> task2 = weft::create_task(coroutine2());
  example::print("started at {}", example::strftime("%X"));
  co_await task1;
  co_await task2;  // finished 2 s ago: returns without waiting
  example::print("ended at {}", example::strftime("%X"));
}

int main() {
  weft::virtual_clock clock;  // drop the clock (and the option) to sleep for real
  weft::run(main_task(), {.clock = &clock});
}
