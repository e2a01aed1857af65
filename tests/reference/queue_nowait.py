# put_nowait/get_nowait with qsize/empty/full and maxsize; QueueFull on a full
# queue, QueueEmpty on an empty one; maxsize <= 0 is unbounded.
from vloop import log, run
import asyncio


def state(q):
    return f"qsize {q.qsize()} empty {q.empty()} full {q.full()}"


async def main():
    q = asyncio.Queue(2)
    log("maxsize", q.maxsize, state(q))
    q.put_nowait(1)
    log("put 1,", state(q))
    q.put_nowait(2)
    log("put 2,", state(q))
    try:
        q.put_nowait(3)
    except asyncio.QueueFull:
        log("put 3: QueueFull,", state(q))
    log("got", q.get_nowait(), state(q))
    log("got", q.get_nowait(), state(q))
    try:
        q.get_nowait()
    except asyncio.QueueEmpty:
        log("QueueEmpty,", state(q))
    for m in (0, -1):
        u = asyncio.Queue(m)
        for i in range(100):
            u.put_nowait(i)
        log("maxsize", m, state(u))
    s = asyncio.LifoQueue(3)
    for i in range(3):
        s.put_nowait(i)
    try:
        s.put_nowait(3)
    except asyncio.QueueFull:
        log("lifo QueueFull,", state(s))
    log("lifo got", s.get_nowait(), s.get_nowait(), s.get_nowait())


run(main())
