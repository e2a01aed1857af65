# Tutorial 2.3 (TaskGroup), twin of examples/tutorial_2_3_task_group.cpp.
# The tutorial's program verbatim, except that it runs on vloop's virtual clock
# and print() stamps each line with the loop's time in ms ("-" outside a
# running loop), as examples/example_print.hpp does under WEFT_EXAMPLE_TIMESTAMPS=1.
# One addition: the tutorial defines main() but never runs it (so, as written,
# it prints nothing, though the tutorial shows its output); the last line,
# vloop.run(main()), runs it, as asyncio.run(main()) would.
import asyncio
import builtins
import re

import vloop


def print(*args):
    # Wall-clock times (time.strftime('%X')) become <time>, as in
    # tests/examples_test.cpp, so that this program's output is reproducible.
    text = re.sub(r"\b\d\d:\d\d:\d\d\b", "<time>", " ".join(map(str, args)))
    builtins.print(vloop.now_ms() if asyncio._get_running_loop() else "-", text, flush=True)


# ---- the tutorial's program ----
import asyncio
# 定义两个携程
async def coroutine1():
    print('coroutine1 finished')
    return True
async def coroutine2():
    print('coroutine2 finished')
    return True
# 使用任务组
async def main():
    async with asyncio.TaskGroup() as tg:
        task1 = tg.create_task(coroutine1())
        task2 = tg.create_task(coroutine2())
    print(f'task1-result:{task1.result()},task2-result:{task2.result()}')
# ---- end of the tutorial's program; the addition: ----
vloop.run(main())
