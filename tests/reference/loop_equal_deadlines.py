# Timers with equal deadlines fire in the order they were scheduled, whether
# made by call_later or call_at, and whatever their neighbours' deadlines.
from vloop import VirtualTimeLoop, log

loop = VirtualTimeLoop()


def fire(name):
    log("fire", name)


def start():
    loop.call_later(2, fire, "x1")
    loop.call_at(1, fire, "y1")
    loop.call_at(2, fire, "x2")
    loop.call_later(1, fire, "y2")
    loop.call_later(2, fire, "x3")
    loop.call_at(1, fire, "y3")
    loop.call_later(2, fire, "x4")
    loop.call_at(3, loop.stop)


loop.call_soon(start)
loop.run_forever()
loop.close()
