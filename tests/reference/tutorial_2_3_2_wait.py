# Tutorial 2.3.2 (asyncio.wait()), twin of examples/tutorial_2_3_2_wait.cpp.
# The tutorial's program verbatim, except that it runs on vloop's virtual clock
# (vloop.run instead of asyncio.run), print() stamps each line with the loop's
# time in ms ("-" outside a running loop), as examples/example_print.hpp does
# under WEFT_EXAMPLE_TIMESTAMPS=1, and the two sets are printed normalised.
#
# Normalised sets: the tutorial prints the sets `done` and `pending` themselves,
# and a Task's repr holds its coroutine's address and source line (and a set's
# order follows hashes, i.e. addresses), so that output cannot be compared.
# Both twins print each set as tasks_repr() below does instead: "set()" when
# empty, else "{<Task STATE name='NAME'>, ...}" sorted by name, STATE being
# pending, cancelled or finished as in the Task's own repr.
#
# What it shows: wait(timeout=5) returns at 5 s with BOTH tasks pending, even
# though coroutine1's 5 s sleep ends at the same moment. wait() scheduled its
# 5 s timer while main ran, before task1's first step scheduled its sleep's
# timer, so the timer that releases wait() fires first; task1 finishes just
# after main has taken its snapshot (its line comes after main's two).
import asyncio
import builtins
import re

import vloop


def print(*args):
    # Wall-clock times (time.strftime('%X')) become <time>, as in
    # tests/examples_test.cpp, so that this program's output is reproducible.
    text = re.sub(r"\b\d\d:\d\d:\d\d\b", "<time>", " ".join(map(str, args)))
    builtins.print(vloop.now_ms() if asyncio._get_running_loop() else "-", text, flush=True)


def tasks_repr(tasks):
    if not tasks:
        return "set()"
    def state(t):
        return "cancelled" if t.cancelled() else "finished" if t.done() else "pending"
    return "{" + ", ".join(f"<Task {state(t)} name='{t.get_name()}'>"
                           for t in sorted(tasks, key=lambda t: t.get_name())) + "}"


# ---- the tutorial's program (the two prints normalised, see above) ----
import asyncio

async def coroutine1():
    await asyncio.sleep(5)
    print('coroutine1 finished')
async def coroutine2():
    await asyncio.sleep(6)
    print('coroutine2 finished')
    
async def main():
    task1 = asyncio.create_task(coroutine1(),name='coroutine1')
    task2 = asyncio.create_task(coroutine2(),name='coroutine2')
    aws_ = [task1, task2]
    done, pending = await asyncio.wait(aws_, timeout=5,return_when=asyncio.ALL_COMPLETED)
    print(f"done:{tasks_repr(done)}")
    print(f"pending:{tasks_repr(pending)}")

vloop.run(main())
