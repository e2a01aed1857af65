# A task whose exception nobody retrieved reports "Task exception was never
# retrieved" to the loop's exception handler when it is destroyed.
# The task is built with asyncio.Task: loop.create_task of vloop's loop keeps
# every task in a list, which would keep it alive.
from vloop import log, run
import asyncio


async def boom():
    await asyncio.sleep(0)
    log("boom raises")
    raise RuntimeError("boom")


def handler(loop, ctx):
    log(f"handler: {ctx['message']} task {ctx['future'].get_name()} exception {ctx['exception']}")


async def main():
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(handler)
    t = asyncio.Task(boom(), loop=loop, name="lost")
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    log(f"dropping the task, done {t.done()}")
    del t
    log("dropped")


run(main())
