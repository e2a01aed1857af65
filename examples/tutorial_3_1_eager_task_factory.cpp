// Tutorial 3.1, "eager task factory": four tasks (5, 3, 1 and 6 s) in 6 s; the factory is a no-op.
//
// The tasks are awaited in creation order; they finish in the order of their
// sleeps and the program takes 6 s (at once, on weft's virtual clock).
//
//   async def main():
//       task1 = asyncio.create_task(coroutine1(), name='task1', )   # sleeps 5 s
//       ...                                                          # 3, 1, 6 s
//       tasks = [task1, task2, task3, task4]
//       print('start at {}'.format(time.strftime('%X')))
//       asyncio.create_eager_task_factory(tasks) # 主动任务工厂 ("eager task factory")
//       await task1
//       ...
//       print('finished at {}'.format(time.strftime('%X')))
//
// Careful: the tutorial's call does not make anything eager.
// asyncio.create_eager_task_factory(custom_task_constructor) only *returns* a
// factory; the tutorial passes it the task list and drops the result, so the
// factory is never installed, and the tasks were created before the call
// anyway. This twin does the same thing, i.e. nothing. (weft's
// create_eager_task_factory takes an inner task factory to compose with, not a
// task constructor, so there is no list to pass.) To actually start tasks
// eagerly, install a factory before creating them:
//
//   weft::get_running_loop().set_task_factory(weft::eager_task_factory);
//
// or create one task eagerly with weft::create_task(c, {.eager_start = true}).

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

weft::coro<> coroutine3() {
  co_await weft::sleep(1s);
  example::print("coroutine3 finished");
}

weft::coro<> coroutine4() {
  co_await weft::sleep(6s);
  example::print("coroutine4 finished");
}

// Python's `async def main()`; C++ keeps the name main for the program itself.
weft::coro<> main_task() {
  weft::task<> task1 = weft::create_task(coroutine1(), {.name = "task1"});
  weft::task<> task2 = weft::create_task(coroutine2(), {.name = "task2"});
  weft::task<> task3 = weft::create_task(coroutine3(), {.name = "task3"});
  weft::task<> task4 = weft::create_task(coroutine4(), {.name = "task4"});
  example::print("start at {}", example::strftime("%X"));
  // The tutorial's `asyncio.create_eager_task_factory(tasks)`: builds a factory
  // and drops it, so nothing changes. (Its list `tasks` served only this call.)
  weft::create_eager_task_factory();
  co_await task1;
  co_await task2;
  co_await task3;
  co_await task4;
  example::print("finished at {}", example::strftime("%X"));
}

int main() {
  weft::virtual_clock clock;  // drop the clock (and the option) to sleep for real
  weft::run(main_task(), {.clock = &clock});
}
