# Handle.cancel(): a cancelled callback does not run, even if it was already
# part of the running iteration; a cancelled timer does not run; cancelling a
# due timer (already moved to the ready queue) stops it too; cancel() after the
# callback ran still makes cancelled() true.
from vloop import VirtualTimeLoop, log

loop = VirtualTimeLoop()
handles = {}


def cb(name):
    log("run", name)


def canceller():
    log("canceller")
    handles["later-same-iteration"].cancel()
    log("cancelled later-same-iteration", handles["later-same-iteration"].cancelled())
    handles["timer"].cancel()
    log("cancelled timer", handles["timer"].cancelled(), "when", round(handles["timer"].when() * 1000))


def first_due():
    log("first-due")
    handles["second-due"].cancel()


def check_after_run():
    h = handles["ran"]
    log("ran cancelled before", h.cancelled())
    h.cancel()
    log("ran cancelled after", h.cancelled())


def start():
    handles["before"] = loop.call_soon(cb, "before")
    handles["before"].cancel()
    log("cancelled before", handles["before"].cancelled())
    handles["ran"] = loop.call_soon(cb, "ran")
    loop.call_soon(canceller)
    handles["later-same-iteration"] = loop.call_soon(cb, "later-same-iteration")
    handles["timer"] = loop.call_later(1, cb, "timer")
    loop.call_later(2, first_due)
    handles["second-due"] = loop.call_later(2, cb, "second-due")
    loop.call_later(2, check_after_run)
    loop.call_later(5, loop.stop)


loop.call_soon(start)
loop.run_forever()
print(round(loop.time() * 1000), "stopped")
loop.close()
