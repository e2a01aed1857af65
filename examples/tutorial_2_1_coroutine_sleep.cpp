// Tutorial 2.1, "coroutines and sleep": a coroutine function that sleeps.
//
//   async def startDreamPlace():
//       print(f"started at {time.strftime('%X')}")
//       print('Hello World!')
//       await asyncio.sleep(2)
//       print('World Hello!')
//       print(f"ended at {time.strftime('%X')}")
//   asyncio.run(startDreamPlace())
//
// `async def` becomes a function returning weft::coro<>, `await` becomes
// co_await, and asyncio.run becomes weft::run. The loop runs on weft's virtual
// clock, so the two-second sleep returns at once: the loop's time moves 2 s
// ahead while the wall-clock stamps stay the same.

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
  weft::virtual_clock clock;  // drop the clock (and the option) to sleep for real
  weft::run(startDreamPlace(), {.clock = &clock});
}
