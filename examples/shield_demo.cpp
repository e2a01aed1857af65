// Not from the tutorial: shield() keeps a task running when the task awaiting it is cancelled.
//
// Tutorial 2.5.2 (shield()) gives only two fragments, `result = await
// shield(task)` and "the same as `result = await coroutine()`", and explains
// the difference: through shield the work goes on when the caller is
// cancelled; awaited directly, the work is cancelled with the caller. This
// program of weft's own shows both. Its CPython twin is
// tests/reference/shield_demo.py:
//
//   async def work(name):
//       print(f'{name}: started')
//       try:
//           await asyncio.sleep(3)
//       except asyncio.CancelledError:
//           print(f'{name}: cancelled')
//           raise
//       print(f'{name}: finished')
//       return 42
//   async def shielded_caller(task):
//       try:
//           result = await asyncio.shield(task)
//           print(f'shielded caller got {result}')
//       except asyncio.CancelledError:
//           print('shielded caller: cancelled')
//           raise
//   async def direct_caller(task):             # the same, with `await task`
//   async def main():
//       # 1. Through shield(): cancelling the caller leaves the task running.
//       task = asyncio.create_task(work('shielded work'))
//       caller = asyncio.create_task(shielded_caller(task))
//       await asyncio.sleep(1)
//       caller.cancel()
//       try:
//           await caller
//       except asyncio.CancelledError:
//           print(f'caller cancelled: {caller.cancelled()}, task cancelled: {task.cancelled()}')
//       print(f'task result: {await task}')
//       # 2. Without it: cancelling the caller cancels the task it awaits.
//       task = asyncio.create_task(work('direct work'))
//       caller = asyncio.create_task(direct_caller(task))
//       ... the same cancel and await of the caller, and the same print
//   asyncio.run(main())
//
// weft::shield(task) returns a new weft::future that follows the task.
// Cancelling the caller cancels only that future: the task finishes at 3 s
// and its result is still there. Awaiting the task itself, the caller's
// cancellation is passed on to the task (at 4 s both are cancelled).

#include <chrono>
#include <string>

#include <weft/weft.hpp>

#include "example_print.hpp"

using namespace std::chrono_literals;

// Python's str(bool).
const char* py_str(bool b) { return b ? "True" : "False"; }

weft::coro<int> work(std::string name) {
  example::print("{}: started", name);
  try {
    co_await weft::sleep(3s);
  } catch (const weft::cancelled_error&) {
    example::print("{}: cancelled", name);
    throw;
  }
  example::print("{}: finished", name);
  co_return 42;
}

weft::coro<> shielded_caller(weft::task<int> task) {
  try {
    const int result = co_await weft::shield(task);
    example::print("shielded caller got {}", result);
  } catch (const weft::cancelled_error&) {
    example::print("shielded caller: cancelled");
    throw;
  }
}

weft::coro<> direct_caller(weft::task<int> task) {
  try {
    const int result = co_await task;
    example::print("direct caller got {}", result);
  } catch (const weft::cancelled_error&) {
    example::print("direct caller: cancelled");
    throw;
  }
}

// Python's `async def main()`; C++ keeps the name main for the program itself.
weft::coro<> main_task() {
  // 1. Through shield(): cancelling the caller leaves the task running.
  weft::task<int> task = weft::create_task(work("shielded work"));
  weft::task<> caller = weft::create_task(shielded_caller(task));
  co_await weft::sleep(1s);
  caller.cancel();
  try {
    co_await caller;
  } catch (const weft::cancelled_error&) {
    example::print("caller cancelled: {}, task cancelled: {}", py_str(caller.cancelled()), py_str(task.cancelled()));
  }
  example::print("task result: {}", co_await task);

  // 2. Without it: cancelling the caller cancels the task it awaits.
  task = weft::create_task(work("direct work"));
  caller = weft::create_task(direct_caller(task));
  co_await weft::sleep(1s);
  caller.cancel();
  try {
    co_await caller;
  } catch (const weft::cancelled_error&) {
    example::print("caller cancelled: {}, task cancelled: {}", py_str(caller.cancelled()), py_str(task.cancelled()));
  }
}

int main() {
  weft::virtual_clock clock;  // drop the clock (and the option) to sleep for real
  weft::run(main_task(), {.clock = &clock});
}
