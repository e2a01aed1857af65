# Tutorial 2.1 (coroutine and sleep), twin of examples/tutorial_2_1_coroutine_sleep.cpp.
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
# 定义一个协程函数，其中使用await关键字进行休眠
# asyncio.sleep(seconds)函数表示休眠时间，参数为秒
async def startDreamPlace():
    print(f"started at {time.strftime('%X')}")
    print('Hello World!')
    await asyncio.sleep(2)
    print('World Hello!')
    print(f"ended at {time.strftime('%X')}")
# asyncio.run()函数表示调用协程，参数为协程函数
vloop.run(startDreamPlace())
