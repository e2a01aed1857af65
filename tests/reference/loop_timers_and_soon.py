# Due timers join the BACK of the ready queue: at the start of an iteration the
# callbacks already ready run first, then the timers that fell due. Timers not
# yet due wait while anything is ready; when nothing is, the clock jumps.
from vloop import VirtualTimeLoop, log

loop = VirtualTimeLoop()


def a():
    log("a")
    loop.call_soon(b)
    loop.call_later(0, t1)
    loop.call_later(1, late)


def t0():
    log("t0")


def b():
    log("b")
    loop.call_soon(c)


def t1():
    log("t1")
    loop.call_soon(d)


def c():
    log("c")


def d():
    log("d")


def late():
    log("late")
    loop.call_later(0, z)
    loop.call_soon(y)
    loop.call_at(loop.time(), z2)


def y():
    log("y")


def z():
    log("z")


def z2():
    log("z2")
    loop.stop()


loop.call_later(0, t0)
loop.call_soon(a)
loop.run_forever()
loop.close()
