# stop() before run_forever(): exactly one iteration runs (the loop does not
# wait for a timer then), and the next run_forever runs normally.
from vloop import VirtualTimeLoop, log

loop = VirtualTimeLoop()


def a():
    log("a")
    loop.call_soon(b)


def b():
    log("b")


def timer():
    log("timer")
    loop.stop()


loop.call_soon(a)
loop.call_later(5, timer)
loop.stop()
loop.run_forever()
print(round(loop.time() * 1000), "after first run, ready", len(loop._ready))
loop.stop()
loop.run_forever()
print(round(loop.time() * 1000), "after second run, ready", len(loop._ready))
loop.run_forever()
print(round(loop.time() * 1000), "after third run")
loop.close()
