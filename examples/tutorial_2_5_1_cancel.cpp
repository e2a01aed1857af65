// Tutorial 2.5.1, "cancel()": cancelling a task that sleeps, which catches and rethrows.
//
// task.cancel() raises weft::cancelled_error (asyncio.CancelledError) inside
// the task, at the await where it is suspended. The task may catch it; here
// it logs and rethrows, so the task ends cancelled and awaiting it throws
// cancelled_error in main_task too.
//
//   async def coroutine1():
//       print('协程开始执行！')                  # "the coroutine starts"
//       try:
//           await asyncio.sleep(5)
//       except asyncio.CancelledError:
//           print('cancel函数生效，已抛出异常！')  # "cancel() worked, the exception was raised"
//           raise
//       finally:
//           pass
//   async def main():
//       task = asyncio.create_task(coroutine1())
//       await asyncio.sleep(1)
//       task.cancel()
//       try:
//           await task
//       except asyncio.CancelledError:
//           print('已取消任务!')                   # "task cancelled!"
//   asyncio.run(main())
//
// weft::cancelled_error does not derive from std::exception (CancelledError is
// a BaseException), so `catch (const std::exception&)` would not swallow it.
// Runs on weft's virtual clock: the one-second sleep returns at once.

#include <chrono>

#include <weft/weft.hpp>

#include "example_print.hpp"

using namespace std::chrono_literals;

weft::coro<> coroutine1() {
  example::print("协程开始执行！");
  try {
    co_await weft::sleep(5s);
  } catch (const weft::cancelled_error&) {
    example::print("cancel函数生效，已抛出异常！");
    throw;
  }
  // The tutorial's `finally: pass` does nothing, so it has no C++ counterpart.
}

// Python's `async def main()`; C++ keeps the name main for the program itself.
weft::coro<> main_task() {
  weft::task<> task = weft::create_task(coroutine1());
  co_await weft::sleep(1s);
  task.cancel();
  try {
    co_await task;
  } catch (const weft::cancelled_error&) {
    example::print("已取消任务!");
  }
}

int main() {
  weft::virtual_clock clock;  // drop the clock (and the option) to sleep for real
  weft::run(main_task(), {.clock = &clock});
}
