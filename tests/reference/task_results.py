# Results of tasks: an int, None, and an object handed over by reference
# (weft: a move-only std::unique_ptr).
from vloop import log, run
import asyncio


async def int_task():
    await asyncio.sleep(0)
    return 41 + 1


async def void_task():
    await asyncio.sleep(0)
    log("void_task ends")


async def box_task():
    await asyncio.sleep(0)
    return [9]


async def main():
    i = asyncio.create_task(int_task(), name="int")
    v = asyncio.create_task(void_task(), name="void")
    b = asyncio.create_task(box_task(), name="box")
    log(f"int {await i}")
    await v
    log("void awaited")
    box = await b
    log(f"box holds {box[0]}")
    log(f"int result() {i.result()}")


run(main())
