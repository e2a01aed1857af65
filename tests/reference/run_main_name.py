# asyncio.run's main task is Task-1; unnamed tasks count on from there, named
# ones do not take a number.
from vloop import log, run
import asyncio


async def child():
    log("child is", asyncio.current_task().get_name())


async def main():
    log("main is", asyncio.current_task().get_name())
    a = asyncio.create_task(child())
    b = asyncio.create_task(child(), name="named")
    c = asyncio.create_task(child())
    log("created", a.get_name(), b.get_name(), c.get_name())
    await a
    await b
    await c
    log("all tasks", len(asyncio.all_tasks()))


run(main())
