# loop.set_task_factory(asyncio.eager_task_factory): create_task starts tasks
# eagerly; resetting the factory makes them lazy again.
# Every task created while a factory is set gets an explicit name: CPython
# 3.13.0's create_task calls the factory without the name and then
# task.set_name(name), so an unnamed task is named "None" (and even a named one
# consumes a Task-N number); later CPythons and weft pass the name through.
from vloop import log, run
import asyncio


async def quick(tag):
    log(f"{tag} runs")
    return tag


async def slow(tag):
    log(f"{tag} step 1")
    await asyncio.sleep(1)
    log(f"{tag} step 2")
    return tag


async def main():
    loop = asyncio.get_running_loop()
    loop.set_task_factory(asyncio.eager_task_factory)
    a = asyncio.create_task(quick("a"), name="a")
    log(f"a done {a.done()}")
    b = asyncio.create_task(slow("b"), name="b")
    log(f"b done {b.done()}")
    loop.set_task_factory(None)
    c = asyncio.create_task(quick("c"), name="c")
    log(f"c done {c.done()}")
    for t in (a, b, c):
        log(f"main got {await t}")


run(main())
