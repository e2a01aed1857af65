# run_until_complete on a future that is already done: its done callback (which
# stops the loop) is scheduled at once, so exactly one iteration runs; the
# callbacks ready before it run, those they schedule do not.
from vloop import VirtualTimeLoop, log

loop = VirtualTimeLoop()
fut = loop.create_future()
fut.set_result(42)


def a():
    log("a")
    loop.call_soon(b)


def b():
    log("b")


loop.call_soon(a)
r = loop.run_until_complete(fut)
print(round(loop.time() * 1000), "result", r, "ready", len(loop._ready))
loop.run_until_complete(fut)
print(round(loop.time() * 1000), "again, ready", len(loop._ready))
loop.close()
