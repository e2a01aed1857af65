# Awaiting a future that is already done does not suspend: no other callback
# runs between the await and the next line; an exception is raised at once.
import asyncio
from vloop import log, run


async def main():
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    done.set_result(3)
    failed = loop.create_future()
    failed.set_exception(ValueError("bad"))

    def tick(i):
        log("tick", i)
        if i < 3:
            loop.call_soon(tick, i + 1)

    loop.call_soon(tick, 0)
    log("before")
    v = await done
    log("after await", v)
    try:
        await failed
    except ValueError as e:
        log("caught", e)
    v = await done
    log("again", v)
    await asyncio.sleep(0)
    log("after sleep(0)")


run(main())
