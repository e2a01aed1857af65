# gather of children that are already done completes inside gather(), and
# awaiting it does not yield to the loop. Eager tasks that finish in their
# first step count as done.
from vloop import log, run
import asyncio


async def work(name, delay):
    await asyncio.sleep(delay)
    return name


async def quick(name):
    log(name, "runs")
    return name


async def main():
    loop = asyncio.get_running_loop()
    t1 = asyncio.create_task(work("t1", 1))
    t2 = asyncio.create_task(work("t2", 2))
    await asyncio.sleep(3)
    g = asyncio.gather(t1, t2)
    log("gather of done tasks is done", g.done(), *g.result())
    loop.call_soon(lambda: log("callback"))
    res = await g
    log("awaited without a hop", *res)
    await asyncio.sleep(0)

    loop.set_task_factory(asyncio.eager_task_factory)
    g = asyncio.gather(quick("q1"), quick("q2"))
    log("gather of eager tasks is done", g.done(), *g.result())
    loop.set_task_factory(None)

    g = asyncio.gather(quick("q3"), t1)
    log("gather of a new task is done", g.done())
    log("results", *(await g))


run(main())
