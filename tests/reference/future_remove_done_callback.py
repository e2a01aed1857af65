# remove_done_callback returns how many callbacks it removed; a removed
# callback does not run. Once the future is done its callbacks are already
# scheduled: removing one then returns 0 and does not stop it.
from vloop import VirtualTimeLoop, log

loop = VirtualTimeLoop()
fut = loop.create_future()


def cb1(f):
    log("cb1")


def cb2(f):
    log("cb2")


def cb3(f):
    log("cb3")
    log("remove cb1 after done", fut.remove_done_callback(cb1))


def start():
    fut.add_done_callback(cb1)
    fut.add_done_callback(cb2)
    fut.add_done_callback(cb3)
    log("remove cb2", fut.remove_done_callback(cb2))
    log("remove cb2 again", fut.remove_done_callback(cb2))
    fut.set_result(None)
    log("remove cb3 after set_result", fut.remove_done_callback(cb3))
    loop.call_later(1, loop.stop)


loop.call_soon(start)
loop.run_forever()
loop.close()
