# call_soon callbacks run in FIFO order; a callback scheduled by a running
# callback waits for the NEXT iteration, behind the timers that fall due then
# (BaseEventLoop._run_once runs exactly the len(_ready) callbacks present when
# the iteration starts, after appending the due timers).
from vloop import VirtualTimeLoop, log

loop = VirtualTimeLoop()


def a():
    log("a ready", len(loop._ready))
    loop.call_soon(a2)


def b():
    log("b ready", len(loop._ready))
    loop.call_later(0, t)


def c():
    log("c ready", len(loop._ready))


def a2():
    log("a2 ready", len(loop._ready))
    loop.call_soon(a3)


def t():
    log("t ready", len(loop._ready))


def a3():
    log("a3 ready", len(loop._ready))
    loop.stop()


loop.call_soon(a)
loop.call_soon(b)
loop.call_soon(c)
loop.run_forever()
loop.close()
