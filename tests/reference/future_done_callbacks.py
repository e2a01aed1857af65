# set_result schedules each done callback with call_soon, in registration
# order (Future.__schedule_callbacks): they run one hop later, after the rest
# of the current iteration.
from vloop import VirtualTimeLoop, log

loop = VirtualTimeLoop()
fut = loop.create_future()


def make_cb(name):
    def cb(f):
        log("cb", name, f.result())
    return cb


def setter():
    log("set")
    fut.set_result(5)
    loop.call_soon(after)


def other():
    log("other")


def after():
    log("after")
    loop.stop()


def start():
    for name in ("first", "second", "third"):
        fut.add_done_callback(make_cb(name))
    loop.call_soon(setter)
    loop.call_soon(other)


loop.call_soon(start)
loop.run_forever()
loop.close()
