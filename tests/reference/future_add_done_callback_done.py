# add_done_callback on a future that is already done schedules the callback at
# once with call_soon: it runs on the next iteration, before what is scheduled
# after it.
from vloop import VirtualTimeLoop, log

loop = VirtualTimeLoop()
fut = loop.create_future()
fut.set_result("v")


def cb(f):
    log("cb", f.result())


def start():
    log("start adds")
    fut.add_done_callback(cb)
    loop.call_soon(x)


def b():
    log("b")


def x():
    log("x")
    loop.stop()


loop.call_soon(start)
loop.call_soon(b)
loop.run_forever()
loop.close()
