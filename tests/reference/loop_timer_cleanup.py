# Cancelled timers leave the heap as BaseEventLoop._run_once says: all at once
# when there are more than 100 timers and more than half are cancelled,
# otherwise only those at the head of the heap.
from vloop import VirtualTimeLoop, log

loop = VirtualTimeLoop()
timers = []
fired = []


def fire(i):
    fired.append(i)


def phase1():
    for i in range(101):
        timers.append(loop.call_at(100 + i, fire, i))
    for h in timers[51:]:  # 50 of 101: not more than half
        h.cancel()
        h.cancel()  # a second cancel counts once
    log("phase1 scheduled", len(loop._scheduled))
    loop.call_soon(phase2)


def phase2():
    log("phase2 scheduled", len(loop._scheduled))
    timers[50].cancel()  # 51 of 101: more than half
    loop.call_soon(phase3)


def phase3():
    log("phase3 scheduled", len(loop._scheduled))
    for h in timers[:10]:  # the head of the heap
        h.cancel()
    loop.call_soon(phase4)


def phase4():
    log("phase4 scheduled", len(loop._scheduled))
    for h in timers[20:30]:  # not at the head
        h.cancel()
    loop.call_soon(phase5)


def phase5():
    log("phase5 scheduled", len(loop._scheduled))
    loop.call_at(1000, finish)


def finish():
    log("fired", len(fired), "first", fired[0], "last", fired[-1], "scheduled", len(loop._scheduled))
    loop.stop()


loop.call_soon(phase1)
loop.run_forever()
loop.close()
