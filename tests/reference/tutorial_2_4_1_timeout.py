# Tutorial 2.4.1 (asyncio.timeout()), twin of examples/tutorial_2_4_1_timeout.cpp.
# The tutorial's program verbatim, except that it runs on vloop's virtual clock
# (vloop.run instead of asyncio.run) and print() stamps each line with the
# loop's time in ms ("-" outside a running loop), as examples/example_print.hpp
# does under WEFT_EXAMPLE_TIMESTAMPS=1.
#
# The wrapping: the tutorial's program ends with an uncaught TimeoutError, a
# traceback and exit status 1. record.py needs status 0, so the run is
# wrapped in try/except, which prints the traceback's last line ("TimeoutError",
# the exception's type and message) on stdout. The C++ twin lets weft::run
# throw weft::timeout_error out of main_task() and prints the same line.
import asyncio
import builtins
import re
import traceback

import vloop


def print(*args):
    # Wall-clock times (time.strftime('%X')) become <time>, as in
    # tests/examples_test.cpp, so that this program's output is reproducible.
    text = re.sub(r"\b\d\d:\d\d:\d\d\b", "<time>", " ".join(map(str, args)))
    builtins.print(vloop.now_ms() if asyncio._get_running_loop() else "-", text, flush=True)


# ---- the tutorial's program ----
import asyncio

async def coroutine1():
    await asyncio.sleep(5)
    print('coroutine1 finished')
async def main():
    async with asyncio.timeout(1):
        await coroutine1()
# ---- end of the tutorial's program, whose last line is wrapped: ----
try:
    vloop.run(main())
except TimeoutError as e:
    # The last line of the traceback the uncaught exception would print.
    print(traceback.format_exception_only(e)[-1].rstrip("\n"))
