# An eager task that finishes in its first step is done when create_task
# returns; its lines come before the creator's next line, and it is not in
# all_tasks(). A lazy twin only starts on the next iteration.
from vloop import log, run
import asyncio


async def quick(tag):
    log(f"{tag} runs")
    return 5


async def main():
    loop = asyncio.get_running_loop()
    log("before create_task")
    e = asyncio.Task(quick("eager"), loop=loop, name="eager", eager_start=True)
    log(f"eager done {e.done()} result {e.result()}")
    lazy = asyncio.create_task(quick("lazy"), name="lazy")
    log(f"lazy done {lazy.done()}")
    log("tasks " + " ".join(sorted(t.get_name() for t in asyncio.all_tasks())))
    r = await e
    log(f"await eager gives {r}")
    await lazy
    log(f"lazy done {lazy.done()}")


run(main())
