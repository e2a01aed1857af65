# A gathered task's other done callbacks: gather's callback and the task's own
# callbacks run in the order they were added, one callback each; a callback
# removed before the task is done never runs; a second gather of the same task
# adds one more callback.
from vloop import log, run
import asyncio


async def work(name, result):
    log(name, "runs")
    await asyncio.sleep(0)
    log(name, "finishes")
    return result


async def main():
    t = asyncio.create_task(work("t", 5))
    g1 = asyncio.gather(t)

    def first(f):
        log("first callback: gather 1 done", g1.done())

    def removed(f):
        log("removed callback ran")

    t.add_done_callback(first)
    t.add_done_callback(removed)
    log("removed", t.remove_done_callback(removed))
    g2 = asyncio.gather(t, work("u", 6))
    t.add_done_callback(lambda f: log("last callback: gather 2 done", g2.done()))
    log("gather 1", await g1)
    log("gather 2", await g2)


run(main())
