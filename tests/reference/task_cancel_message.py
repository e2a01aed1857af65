# cancel(msg): the task sees the message at its await; its first awaiter gets
# the task's own CancelledError (with the message); a second awaiter and
# result() get a fresh CancelledError without it (Task.__step's
# super().cancel() drops the message when the coroutine raises).
from vloop import log, run
import asyncio


def msg(e):
    return e.args[0] if e.args else "None"


async def victim():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError as e:
        log(f"victim caught msg={msg(e)}")
        raise


async def waiter(name, t):
    try:
        await t
    except asyncio.CancelledError as e:
        log(f"{name} caught msg={msg(e)}")


async def main():
    t = asyncio.create_task(victim(), name="victim")
    w1 = asyncio.create_task(waiter("w1", t), name="w1")
    w2 = asyncio.create_task(waiter("w2", t), name="w2")
    await asyncio.sleep(1)
    log(f"cancel returns {t.cancel('bye')}")
    await w1
    await w2
    try:
        t.result()
    except asyncio.CancelledError as e:
        log(f"result() raised msg={msg(e)}")


run(main())
