# A leftover task that raises while being cancelled at shutdown is reported to
# the loop's exception handler ("unhandled exception during asyncio.run()
# shutdown"), after every leftover task is done; run itself returns normally.
from vloop import log, run
import asyncio


async def failing(name):
    try:
        await asyncio.sleep(100)
    except asyncio.CancelledError:
        log(name, "raises while cancelled")
        raise ValueError("cleanup failed in " + name)


async def quiet():
    try:
        await asyncio.sleep(100)
    except asyncio.CancelledError:
        log("quiet cancelled")
        raise


async def main():
    loop = asyncio.get_running_loop()

    def handler(loop, ctx):
        exc = ctx.get("exception")
        print(round(loop.time() * 1000), "handler:", ctx["message"], "|",
              type(exc).__name__, exc, "|", ctx["task"].get_name(), flush=True)

    loop.set_exception_handler(handler)
    asyncio.create_task(failing("f1"), name="f1")
    asyncio.create_task(quiet(), name="q")
    asyncio.create_task(failing("f2"), name="f2")
    await asyncio.sleep(1.5)
    log("main returns")
    return 3


assert run(main()) == 3
