# PriorityQueue hands out the smallest item first. Items whose priorities tie
# compare equal, so their order is heapq's (not insertion order). A waiting
# getter woken by one put takes the smallest item there when it runs.
from vloop import log, run
import asyncio


class Item:
    def __init__(self, prio, tag):
        self.prio = prio
        self.tag = tag

    def __lt__(self, other):
        return self.prio < other.prio

    def __str__(self):
        return f"({self.prio},{self.tag})"


async def getter(q):
    it = await q.get()
    log("waiting getter got", it)


async def main():
    q = asyncio.PriorityQueue()
    g = asyncio.create_task(getter(q))
    await asyncio.sleep(1)
    q.put_nowait(Item(5, 0))
    q.put_nowait(Item(1, 1))
    await g
    items = [(3, 0), (1, 1), (3, 2), (2, 3), (1, 4), (3, 5), (1, 6), (2, 7), (3, 8), (1, 9), (2, 10), (3, 11)]
    for p, t in items:
        q.put_nowait(Item(p, t))
    log("qsize", q.qsize())
    out = []
    for _ in range(5):
        out.append(str(q.get_nowait()))
    log("got", *out)
    for p, t in [(1, 12), (3, 13), (1, 14)]:
        q.put_nowait(Item(p, t))
    out = []
    while not q.empty():
        out.append(str(q.get_nowait()))
    log("got", *out)


run(main())
