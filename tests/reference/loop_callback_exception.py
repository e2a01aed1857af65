# An exception escaping a callback goes to the loop's exception handler at once
# (Handle._run); the loop carries on with the rest of the iteration and the
# next ones.
from vloop import VirtualTimeLoop, log

loop = VirtualTimeLoop()


def handler(lp, ctx):
    msg = " ".join(ctx["message"].split()[:3])  # CPython then names the callback
    log("handler", msg, "|", ctx["exception"])


def a():
    log("a")
    loop.call_soon(c)
    raise ValueError("boom")


def b():
    log("b")


def c():
    log("c")
    loop.call_later(1, d)


def d():
    log("d")
    raise ValueError("late")


def timer():
    log("timer")
    raise RuntimeError("in timer")


def e():
    log("e")
    loop.stop()


loop.set_exception_handler(handler)
loop.call_soon(a)
loop.call_soon(b)
loop.call_later(1, timer)
loop.call_later(2, e)
loop.run_forever()
loop.close()
