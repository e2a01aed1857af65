# Semaphore(0): each release() wakes the next waiter in order (the counter is
# handed to it at once, so it stays 0). While woken waiters have not run yet,
# locked() is True and a newcomer queues behind them.
from vloop import log, run
import asyncio


async def waiter(sem, name):
    log(name, "waits")
    await sem.acquire()
    log(name, "acquired, value", sem._value)


async def main():
    sem = asyncio.Semaphore(0)
    log("locked", sem.locked())
    tasks = [asyncio.create_task(waiter(sem, f"w{i}")) for i in range(3)]
    await asyncio.sleep(1)
    sem.release()
    sem.release()
    log("released twice, value", sem._value, "locked", sem.locked())
    tasks.append(asyncio.create_task(waiter(sem, "newcomer")))
    await asyncio.sleep(1)
    sem.release()
    log("released, value", sem._value)
    await asyncio.sleep(1)
    sem.release()
    log("released, value", sem._value)
    for t in tasks:
        await t
    sem.release()
    log("value", sem._value, "locked", sem.locked())


run(main())
