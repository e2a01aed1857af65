# Automatic names are Task-N, N counted from 1 in a fresh process (asyncio.run's
# main task is Task-1); explicit names don't consume a number; set_name renames.
from vloop import log, run
import asyncio


async def noop():
    await asyncio.sleep(0)


async def main():
    log(f"main is {asyncio.current_task().get_name()}")
    a = asyncio.create_task(noop())
    b = asyncio.create_task(noop(), name="explicit")
    c = asyncio.create_task(noop())
    log(f"names {a.get_name()} {b.get_name()} {c.get_name()}")
    c.set_name("renamed")
    asyncio.current_task().set_name("main")
    log(f"after set_name {c.get_name()} {asyncio.current_task().get_name()}")
    await a
    await b
    await c
    d = asyncio.create_task(noop())
    log(f"next unnamed {d.get_name()}")
    await d


run(main())
