# Done callbacks of a task run in registration order one iteration after the
# task ends, before the awaiter that registered later; a removed callback
# does not run; one added once the task is done runs on the next iteration.
from vloop import log, run
import asyncio


async def ticker():
    for i in range(5):
        log(f"tick {i}")
        await asyncio.sleep(0)


async def child():
    await asyncio.sleep(0)
    log("child returns 3")
    return 3


async def main():
    tk = asyncio.create_task(ticker(), name="ticker")
    t = asyncio.create_task(child(), name="child")

    def cb1(f):
        log(f"cb1 {f.get_name()} result {f.result()}")

    def cb2(f):
        log(f"cb2 {f.get_name()}")

    def cb3(f):
        log("cb3 must not run")

    t.add_done_callback(cb1)
    t.add_done_callback(cb3)
    t.add_done_callback(cb2)
    log(f"removed {t.remove_done_callback(cb3)}")
    r = await t
    log(f"main got {r}")
    t.add_done_callback(lambda f: log("late callback"))
    log("main added late callback")
    await asyncio.sleep(0)
    log("main after sleep(0)")
    await tk


run(main())
