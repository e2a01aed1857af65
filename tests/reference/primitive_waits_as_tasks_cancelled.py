# A primitive's wait run as a task's own coroutine (no coroutine of the task
# awaits it) ends cancelled when the task is cancelled while it waits, and
# the primitive goes on as if that waiter had left.
from vloop import log, run
import asyncio


async def main():
    lock = asyncio.Lock()
    event = asyncio.Event()
    sem = asyncio.Semaphore(0)
    cond = asyncio.Condition()
    empty = asyncio.Queue()
    full = asyncio.Queue(1)
    full.put_nowait("x")
    await lock.acquire()
    await cond.acquire()
    waits = [
        ("lock", asyncio.create_task(lock.acquire())),
        ("event", asyncio.create_task(event.wait())),
        ("semaphore", asyncio.create_task(sem.acquire())),
        ("condition", asyncio.create_task(cond.wait())),
        ("get", asyncio.create_task(empty.get())),
        ("put", asyncio.create_task(full.put("y"))),
        ("join", asyncio.create_task(full.join())),
    ]
    next_lock = asyncio.create_task(lock.acquire())
    next_sem = asyncio.create_task(sem.acquire())
    await asyncio.sleep(1)
    for name, t in waits:
        t.cancel(f"stop {name}")
    log("cancelled every wait")
    for name, t in waits:
        try:
            await t
            log(name, "finished")
        except asyncio.CancelledError as e:
            log(name, "cancelled", e.args[0] if e.args else None)
    log("condition's lock held again", cond.locked())
    lock.release()
    await next_lock
    log("the next lock waiter got it", lock.locked())
    sem.release()
    await next_sem
    log("the next semaphore waiter got it", sem.locked())
    log("queues", empty.qsize(), full.qsize())


run(main())
