# loop.set_task_factory(asyncio.create_eager_task_factory(asyncio.Task)): the
# same as eager_task_factory. Tasks are named explicitly (see
# task_eager_factory.py for 3.13.0's naming bug under a factory).
from vloop import log, run
import asyncio


async def quick(tag):
    # Not the current task's name: 3.13.0 sets it only after the eager step.
    log(f"{tag} runs")
    return tag


async def slow(tag):
    log(f"{tag} step 1")
    await asyncio.sleep(0)
    log(f"{tag} step 2")
    return tag


async def main():
    loop = asyncio.get_running_loop()
    loop.set_task_factory(asyncio.create_eager_task_factory(asyncio.Task))
    a = asyncio.create_task(slow("a"), name="a")
    b = asyncio.create_task(quick("b"), name="b")
    log(f"a done {a.done()} b done {b.done()}")
    log(f"main got {await a}")
    log(f"main got {await b}")


run(main())
