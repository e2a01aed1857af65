// Tutorial 2.3.2, "asyncio.wait()": wait(timeout=5) returns at 5 s with both tasks still pending.
//
//   async def coroutine1():
//       await asyncio.sleep(5)
//       print('coroutine1 finished')
//   async def coroutine2():
//       await asyncio.sleep(6)
//       print('coroutine2 finished')
//   async def main():
//       task1 = asyncio.create_task(coroutine1(),name='coroutine1')
//       task2 = asyncio.create_task(coroutine2(),name='coroutine2')
//       aws_ = [task1, task2]
//       done, pending = await asyncio.wait(aws_, timeout=5,return_when=asyncio.ALL_COMPLETED)
//       print(f"done:{done}")
//       print(f"pending:{pending}")
//   asyncio.run(main())
//
// weft::wait returns the (done, pending) pair as two vectors, in the order the
// tasks were given. The tutorial prints Python sets of tasks, whose reprs hold
// addresses (and whose order follows them); this port and its CPython twin
// (tests/reference/tutorial_2_3_2_wait.py) both print them normalised instead,
// as tasks_repr() below does: "set()" when empty, else
// "{<Task STATE name='NAME'>, ...}" sorted by name.
//
// Why both are pending, although coroutine1's 5 s sleep ends at 5 s too:
// wait() schedules its 5 s timer while main_task runs, before task1's first
// step schedules its sleep's timer, and timers due at the same time fire in
// the order they were scheduled. So wait() is released first and main_task
// looks at the tasks before task1 resumes; "coroutine1 finished" comes right
// after main_task's two lines, still at 5 s. main_task then returns, and
// weft::run cancels task2, which never prints. Run with
// WEFT_EXAMPLE_TIMESTAMPS=1 to see the virtual times.

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <weft/weft.hpp>

#include "example_print.hpp"

using namespace std::chrono_literals;

// The normalised repr of a set of tasks (see above), as the CPython twin prints it.
std::string tasks_repr(std::vector<weft::task<>> tasks) {
  if (tasks.empty()) return "set()";
  std::ranges::sort(tasks, {}, [](const weft::task<>& t) { return t.get_name(); });
  std::string out = "{";
  for (const weft::task<>& t : tasks) {
    const char* state = t.cancelled() ? "cancelled" : t.done() ? "finished" : "pending";
    out += (out.size() > 1 ? ", " : "") + fmt::format("<Task {} name='{}'>", state, t.get_name());
  }
  return out + "}";
}

weft::coro<> coroutine1() {
  co_await weft::sleep(5s);
  example::print("coroutine1 finished");
}

weft::coro<> coroutine2() {
  co_await weft::sleep(6s);
  example::print("coroutine2 finished");
}

// Python's `async def main()`; C++ keeps the name main for the program itself.
weft::coro<> main_task() {
  weft::task<> task1 = weft::create_task(coroutine1(), {.name = "coroutine1"});
  weft::task<> task2 = weft::create_task(coroutine2(), {.name = "coroutine2"});
  std::vector<weft::task<>> aws_ = {task1, task2};
  const weft::wait_options options{.timeout = 5s, .when = weft::return_when::all_completed};
  auto [done, pending] = co_await weft::wait(aws_, options);
  example::print("done:{}", tasks_repr(done));
  example::print("pending:{}", tasks_repr(pending));
}

int main() {
  weft::virtual_clock clock;  // drop the clock (and the option) to sleep for real
  weft::run(main_task(), {.clock = &clock});
}
