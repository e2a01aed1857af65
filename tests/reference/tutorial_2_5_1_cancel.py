# Tutorial 2.5.1 (cancel()), twin of examples/tutorial_2_5_1_cancel.cpp.
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

async def coroutine1():
    print('协程开始执行！')
    try:
        await asyncio.sleep(5)
    except asyncio.CancelledError:
        print('cancel函数生效，已抛出异常！')
        raise
    finally:
        pass
async def main():
    task = asyncio.create_task(coroutine1())
    await asyncio.sleep(1)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        print('已取消任务!')
vloop.run(main())
