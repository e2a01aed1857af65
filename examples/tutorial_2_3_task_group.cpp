// Tutorial 2.3, "TaskGroup()": two tasks of a task group, both awaited when the group ends.
//
//   async def coroutine1():
//       print('coroutine1 finished')
//       return True
//   async def coroutine2():
//       print('coroutine2 finished')
//       return True
//   async def main():
//       async with asyncio.TaskGroup() as tg:
//           task1 = tg.create_task(coroutine1())
//           task2 = tg.create_task(coroutine2())
//       print(f'task1-result:{task1.result()},task2-result:{task2.result()}')
//
// The tutorial defines main() but never runs it, so as written it prints
// nothing (though the tutorial shows its output); this port, like its CPython
// twin (tests/reference/tutorial_2_3_task_group.py), runs it with weft::run,
// as asyncio.run(main()) would.
//
// `async with asyncio.TaskGroup() as tg: BODY` becomes
// `co_await tg.run([&](weft::task_group& g) -> weft::coro<> { BODY })`: run()
// runs the body, then waits for every task created in the group. The tasks
// only start then (the body never awaits), so both print at time 0, after the
// body, and both results are ready when run() returns. Had one failed, the
// group would have cancelled the other and thrown a weft::exception_group.

#include <weft/weft.hpp>

#include "example_print.hpp"

// Python's str(bool).
const char* py_str(bool b) { return b ? "True" : "False"; }

weft::coro<bool> coroutine1() {
  example::print("coroutine1 finished");
  co_return true;
}

weft::coro<bool> coroutine2() {
  example::print("coroutine2 finished");
  co_return true;
}

// Python's `async def main()`; C++ keeps the name main for the program itself.
weft::coro<> main_task() {
  weft::task<bool> task1, task2;  // empty handles until the group's body fills them
  weft::task_group tg;
  co_await tg.run([&](weft::task_group& g) -> weft::coro<> {
    task1 = g.create_task(coroutine1());
    task2 = g.create_task(coroutine2());
    co_return;
  });
  example::print("task1-result:{},task2-result:{}", py_str(task1.result()), py_str(task2.result()));
}

int main() {
  weft::virtual_clock clock;  // drop the clock (and the option) to sleep for real
  weft::run(main_task(), {.clock = &clock});
}
