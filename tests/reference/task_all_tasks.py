# all_tasks(): the loop's tasks that are not done, the running one included
# (printed sorted: CPython returns a set).
from vloop import log, run
import asyncio


def names():
    return " ".join(sorted(t.get_name() for t in asyncio.all_tasks()))


async def sleeper(d):
    await asyncio.sleep(d)


async def main():
    log(f"alone: {names()}")
    a = asyncio.create_task(sleeper(1), name="a")
    b = asyncio.create_task(sleeper(2), name="b")
    c = asyncio.create_task(sleeper(3), name="c")
    log(f"created: {names()}")
    asyncio.get_running_loop().call_soon(lambda: log(f"in callback: {names()}"))
    await a
    log(f"a done: {names()}")
    await c
    log(f"all done: {names()}")


run(main())
