// Tutorial 2.4.2, "asyncio.Timeout()": a timeout made with no deadline, then given one 2 s ahead.
//
//   async def coroutine1():
//       await asyncio.sleep(5)
//       print('coroutine1 finished')
//   async def main():
//       try:
//           async with asyncio.Timeout(None) as cm: # 未知时间时，设置为None ("None while the time is unknown")
//               new_deadline = asyncio.get_running_loop().time() + 2
//               cm.reschedule(new_deadline) # 更新deadline ("update the deadline")
//               await coroutine1()
//       except TimeoutError: # 捕获转换后的异常 ("catch the converted exception")
//           print('Timeout!')
//       if cm.expired(): # 如果为True执行，说明超时 ("True means it timed out")
//           print("Looks like we haven't finished on time.")
//   asyncio.run(main())
//
// asyncio.Timeout(when) is weft::timeout_scope(when): `when` is a loop time
// (weft::time_point), std::nullopt for None. `async with cm: BODY` becomes
// `co_await cm.run([](weft::timeout_scope& scope) -> weft::coro<> { BODY })`;
// the body gets the scope to reschedule it. At 2 s the scope cancels the
// task, and run() throws weft::timeout_error, which must be caught outside
// the scope, as in Python. The scope outlives run(), so cm.expired() can be
// asked afterwards.

#include <chrono>
#include <optional>

#include <weft/weft.hpp>

#include "example_print.hpp"

using namespace std::chrono_literals;

weft::coro<> coroutine1() {
  co_await weft::sleep(5s);
  example::print("coroutine1 finished");
}

// Python's `async def main()`; C++ keeps the name main for the program itself.
weft::coro<> main_task() {
  weft::timeout_scope cm(std::nullopt);  // no deadline yet: asyncio.Timeout(None)
  try {
    co_await cm.run([](weft::timeout_scope& scope) -> weft::coro<> {
      const weft::time_point new_deadline = weft::get_running_loop().time() + 2s;
      scope.reschedule(new_deadline);  // the new deadline
      co_await coroutine1();
    });
  } catch (const weft::timeout_error&) {  // the cancellation, converted
    example::print("Timeout!");
  }
  if (cm.expired()) {  // true: the deadline passed
    example::print("Looks like we haven't finished on time.");
  }
}

int main() {
  weft::virtual_clock clock;  // drop the clock (and the option) to sleep for real
  weft::run(main_task(), {.clock = &clock});
}
