# stop() from a callback: the iteration in progress finishes (callbacks already
# in it still run), callbacks scheduled during it wait for the next
# run_forever, which picks them up.
from vloop import VirtualTimeLoop, log

loop = VirtualTimeLoop()


def a():
    log("a")


def b():
    log("b stops")
    loop.stop()
    loop.call_soon(d)


def c():
    log("c")


def d():
    log("d")
    loop.call_soon(e)


def e():
    log("e stops")
    loop.stop()


def f():
    log("f")


loop.call_soon(a)
loop.call_soon(b)
loop.call_soon(c)
loop.run_forever()
print(round(loop.time() * 1000), "returned, ready", len(loop._ready), "running", loop.is_running())
loop.call_soon(f)
loop.run_forever()
print(round(loop.time() * 1000), "returned, ready", len(loop._ready))
loop.close()
