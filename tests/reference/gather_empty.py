# gather() with nothing to wait for is a future already done with [].
from vloop import log, run
import asyncio


async def main():
    asyncio.get_running_loop().call_soon(lambda: log("callback"))
    g = asyncio.gather(*[])
    log("empty gather done", g.done(), len(g.result()))
    res = await g
    log("awaited without a hop", len(res))
    res = await asyncio.gather(*[], return_exceptions=True)
    log("with return_exceptions", len(res))
    await asyncio.sleep(0)


run(main())
