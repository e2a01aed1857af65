# Tutorial 3.3.1 (to_thread), twin of examples/tutorial_3_3_1_to_thread.cpp.
# The tutorial's program verbatim, except that it runs on vloop's virtual clock
# (vloop.run instead of asyncio.run; its threads take no virtual time) and
# print() stamps each line with the loop's time in ms ("-" outside a running
# loop, as in the thread), as examples/example_print.hpp does under
# WEFT_EXAMPLE_TIMESTAMPS=1.
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
import time
import asyncio

def cost_time_func():
    print(f"start func at {time.strftime('%X')}")
    time.sleep(1)
    print(f"finish func at {time.strftime('%X')}")
    
async def main():
    print(f"start main at {time.strftime('%X')}")
    await asyncio.gather(
        asyncio.to_thread(cost_time_func),
        asyncio.sleep(1))
    print(f"finish main at {time.strftime('%X')}")
vloop.run(main())
