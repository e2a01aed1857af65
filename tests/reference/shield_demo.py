# NOT a tutorial program: tutorial 2.5.2 (shield()) has only two fragments, so
# this is a small program of weft's own showing what that passage says, twin of
# examples/shield_demo.cpp. print() stamps each line with the loop's time in ms
# ("-" outside a running loop), as examples/example_print.hpp does under
# WEFT_EXAMPLE_TIMESTAMPS=1; the program runs on vloop's virtual clock.
#
# The passage: `await shield(task)` lets the caller be cancelled without
# cancelling the task, whereas awaiting the work directly (`await coroutine()`,
# or the task itself) cancels the work along with the caller.
import asyncio
import builtins

import vloop


def print(*args):
    builtins.print(vloop.now_ms() if asyncio._get_running_loop() else "-", " ".join(map(str, args)), flush=True)


async def work(name):
    print(f'{name}: started')
    try:
        await asyncio.sleep(3)
    except asyncio.CancelledError:
        print(f'{name}: cancelled')
        raise
    print(f'{name}: finished')
    return 42


async def shielded_caller(task):
    try:
        result = await asyncio.shield(task)
        print(f'shielded caller got {result}')
    except asyncio.CancelledError:
        print('shielded caller: cancelled')
        raise


async def direct_caller(task):
    try:
        result = await task
        print(f'direct caller got {result}')
    except asyncio.CancelledError:
        print('direct caller: cancelled')
        raise


async def main():
    # 1. Through shield(): cancelling the caller leaves the task running.
    task = asyncio.create_task(work('shielded work'))
    caller = asyncio.create_task(shielded_caller(task))
    await asyncio.sleep(1)
    caller.cancel()
    try:
        await caller
    except asyncio.CancelledError:
        print(f'caller cancelled: {caller.cancelled()}, task cancelled: {task.cancelled()}')
    print(f'task result: {await task}')

    # 2. Without it: cancelling the caller cancels the task it awaits.
    task = asyncio.create_task(work('direct work'))
    caller = asyncio.create_task(direct_caller(task))
    await asyncio.sleep(1)
    caller.cancel()
    try:
        await caller
    except asyncio.CancelledError:
        print(f'caller cancelled: {caller.cancelled()}, task cancelled: {task.cancelled()}')

vloop.run(main())
