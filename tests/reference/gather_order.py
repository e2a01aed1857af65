# gather(*coros): each coroutine becomes a task now (in argument order); the
# results come back in argument order, not in order of completion.
from vloop import log, run
import asyncio


async def work(name, delay, result):
    log(name, "starts in", asyncio.current_task().get_name())
    await asyncio.sleep(delay)
    log(name, "finishes")
    return result


async def nothing():
    log("nothing starts in", asyncio.current_task().get_name())
    await asyncio.sleep(2)
    log("nothing finishes")


async def main():
    g = asyncio.gather(work("a", 3, 1), work("b", 1, "two"), nothing())
    log("gather created, done", g.done())
    res = await g
    log("results", res[0], res[1], res[2])


run(main())
