# A task that gathers itself, and two tasks that gather each other: cancel()
# goes round the cycle (Task.cancel calls the gather's cancel, which calls the
# task's again) until Python's recursion limit raises RecursionError, and no
# cancellation is delivered. Each gather has a second child that fails once
# `go` is set, which ends the gather and lets the tasks finish.
from vloop import log, run
import asyncio


def exc(e):
    return f"{type(e).__name__}({e})"


tasks = {}


async def fail_when(go, name):
    await go.wait()
    raise ValueError(name)


async def gatherer(name, gathered, go):
    await asyncio.sleep(0)  # main creates every task first
    try:
        await asyncio.gather(*(tasks[g] for g in gathered), fail_when(go, name))
    except ValueError as e:
        log(name, "gather raised", exc(e))
    except asyncio.CancelledError:
        log(name, "cancelled")
        raise
    return name


def cancel(name):
    try:
        log("cancel", name, "returns", tasks[name].cancel())
    except RecursionError:
        log("cancel", name, "raised RecursionError")
    log(name, "done", tasks[name].done(), "cancel requested", tasks[name].cancelling() > 0)


async def main():
    go = asyncio.Event()
    tasks["a"] = asyncio.create_task(gatherer("a", ["a"], go))
    await asyncio.sleep(1)
    cancel("a")
    go.set()
    log("a returned", await tasks["a"])

    go = asyncio.Event()
    tasks["b"] = asyncio.create_task(gatherer("b", ["c"], go))
    tasks["c"] = asyncio.create_task(gatherer("c", ["b"], go))
    await asyncio.sleep(1)
    cancel("b")
    log("c cancel requested", tasks["c"].cancelling() > 0)
    go.set()
    log("b returned", await tasks["b"], "c returned", await tasks["c"])


run(main())
