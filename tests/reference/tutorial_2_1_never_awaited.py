# Tutorial 2.1 (calling a coroutine without awaiting it), twin of examples/tutorial_2_1_never_awaited.cpp.
# The tutorial's program verbatim, except that print() stamps each line with
# the loop's time in ms ("-" outside a running loop), as
# examples/example_print.hpp does under WEFT_EXAMPLE_TIMESTAMPS=1, and that the
# warning goes to stdout (see showwarning).
# The program never starts a loop: calling startDreamPlace() only makes a
# coroutine object, which is dropped at once, so CPython warns "coroutine
# 'startDreamPlace' was never awaited" and nothing of the body runs.
import asyncio
import builtins
import re
import warnings

import vloop


def print(*args):
    # Wall-clock times (time.strftime('%X')) become <time>, as in
    # tests/examples_test.cpp, so that this program's output is reproducible.
    text = re.sub(r"\b\d\d:\d\d:\d\d\b", "<time>", " ".join(map(str, args)))
    builtins.print(vloop.now_ms() if asyncio._get_running_loop() else "-", text, flush=True)


def showwarning(message, category, filename, lineno, file=None, line=None):
    # CPython writes the warning to stderr, and so does weft (weft::warn).
    # record.py stores stdout only, so print it there, as "- Category: text";
    # tests/examples_test.cpp looks for such lines on the example's stderr.
    print(f"{category.__name__}: {message}")


warnings.showwarning = showwarning


# ---- the tutorial's program ----
import asyncio
import time

async def startDreamPlace():
    print(f"started at {time.strftime('%X')}")
    print('Hello World!')
    await asyncio.sleep(2)
    print('World Hello!')
    print(f"ended at {time.strftime('%X')}")

startDreamPlace()
