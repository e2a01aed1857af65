// Tutorial 3.3.1, "bringing in threads": a blocking function runs on another
// thread with to_thread, so the loop is not blocked; with a one-second sleep
// beside it, the program takes one second, not two.
//
//   def cost_time_func():
//       print(f"start func at {time.strftime('%X')}")
//       time.sleep(1)
//       print(f"finish func at {time.strftime('%X')}")
//   async def main():
//       print(f"start main at {time.strftime('%X')}")
//       await asyncio.gather(
//           asyncio.to_thread(cost_time_func),
//           asyncio.sleep(1))
//       print(f"finish main at {time.strftime('%X')}")
//   asyncio.run(main())
//
// weft::to_thread(f) runs f on the loop's default executor (a
// thread_pool_executor) and returns a coroutine of its result. On weft's
// virtual clock a thread takes no virtual time: the loop waits for it before
// it moves the clock, so "finish main" is at 1000 ms, as the sleep says,
// while the thread's own sleep is real (the program takes one real second).
// The thread's lines have no loop time: with WEFT_EXAMPLE_TIMESTAMPS=1 they
// start with "-".

#include <chrono>
#include <thread>

#include <weft/weft.hpp>

#include "example_print.hpp"

using namespace std::chrono_literals;

void cost_time_func() {
  example::print("start func at {}", example::strftime("%X"));
  std::this_thread::sleep_for(1s);  // time.sleep(1): blocks this thread, not the loop
  example::print("finish func at {}", example::strftime("%X"));
}

weft::coro<> main_task() {
  example::print("start main at {}", example::strftime("%X"));
  co_await weft::gather(weft::to_thread(cost_time_func), weft::sleep(1s));
  example::print("finish main at {}", example::strftime("%X"));
}

int main() {
  weft::virtual_clock clock;
  weft::run(main_task(), {.clock = &clock});
}
