# An eager task that raises in its first step is done with the exception when
# create_task returns.
from vloop import log, run
import asyncio


async def failing():
    log("failing raises")
    raise RuntimeError("eager boom")


async def main():
    loop = asyncio.get_running_loop()
    t = asyncio.Task(failing(), loop=loop, name="failing", eager_start=True)
    log(f"done {t.done()} exception {t.exception()}")
    try:
        await t
    except RuntimeError as e:
        log(f"await raised {e}")


run(main())
