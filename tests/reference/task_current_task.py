# current_task(): the task running now; None in a plain callback or a done
# callback; inside an eager first step, the eager task, and the creator again
# once create_task returns.
from vloop import log, run
import asyncio


def name_of_current():
    t = asyncio.current_task()
    return t.get_name() if t is not None else "None"


async def eager():
    log(f"eager step 1 current {name_of_current()}")
    await asyncio.sleep(0)
    log(f"eager step 2 current {name_of_current()}")


async def lazy():
    log(f"lazy current {name_of_current()}")


async def main():
    loop = asyncio.get_running_loop()
    log(f"main current {name_of_current()}")
    loop.call_soon(lambda: log(f"callback current {name_of_current()}"))
    e = asyncio.Task(eager(), loop=loop, name="eager", eager_start=True)
    log(f"after eager create_task current {name_of_current()}")
    l = asyncio.create_task(lazy(), name="lazy")
    l.add_done_callback(lambda f: log(f"done callback current {name_of_current()}"))
    await e
    await l
    await asyncio.sleep(0)
    log(f"main end current {name_of_current()}")


run(main())
