// Tutorial 3.3.2, "scheduling across threads": run_coroutine_threadsafe hands
// a coroutine to a loop running in another thread and returns a future that
// other threads can wait on. The tutorial gives a fragment:
//
//   coro = asyncio.sleep(1, result=3)
//   future = asyncio.run_coroutine_threadsafe(coro, loop)
//
// Around it, the smallest whole program: a loop runs forever in a thread (a
// work_guard keeps it waiting for other threads instead of reporting that it
// has nothing to do), the main thread hands it the coroutine, waits for the
// result, and stops the loop with call_soon_threadsafe. Twin:
// tests/reference/tutorial_3_3_2_run_coroutine_threadsafe.py.

#include <chrono>
#include <thread>

#include <weft/weft.hpp>

#include "example_print.hpp"

using namespace std::chrono_literals;

// asyncio.sleep(1, result=3): weft::sleep has no result argument.
weft::coro<int> sleep_with_result(weft::duration delay, int result) {
  co_await weft::sleep(delay);
  co_return result;
}

int main() {
  weft::virtual_clock clock;
  weft::event_loop loop({.clock = &clock});
  weft::work_guard guard = loop.make_work_guard();
  std::thread thread([&] { loop.run_forever(); });

  weft::coro<int> coro = sleep_with_result(1s, 3);
  weft::concurrent_future<int> future = weft::run_coroutine_threadsafe(std::move(coro), loop);

  example::print("result: {}", future.result());
  loop.call_soon_threadsafe([&] { loop.stop(); });
  thread.join();
  example::print("loop time: {} ms",
                 std::chrono::round<std::chrono::milliseconds>(loop.time().time_since_epoch()).count());
  loop.close();
}
