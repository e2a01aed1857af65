# Tutorial 2.2 (tasks), twin of examples/tutorial_2_2_tasks.cpp.
# The tutorial's program verbatim, except that it runs on vloop's virtual clock
# (vloop.run instead of asyncio.run) and print() stamps each line with the
# loop's time in ms ("-" outside a running loop), as examples/example_print.hpp
# does under WEFT_EXAMPLE_TIMESTAMPS=1.
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
import time
# 定义两个协程
async def coroutine1():
    await asyncio.sleep(5)
    print('coroutine1 finished')
async def coroutine2():
    await asyncio.sleep(3)
    print('coroutine2 finished')
async def main():
    task1 =  asyncio.create_task(coroutine1())
    task2 = asyncio.create_task(coroutine2())
    print(f"started at {time.strftime('%X')}")
    await task1
    await task2
    print(f"ended at {time.strftime('%X')}")
vloop.run(main())
