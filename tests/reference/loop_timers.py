# call_later / call_at run in deadline order; equal deadlines run in scheduling
# order (vloop's rule, weft's FIFO); the virtual clock jumps to each deadline;
# TimerHandle.when() is the absolute deadline.
from vloop import VirtualTimeLoop, log

loop = VirtualTimeLoop()


def fire(name):
    log("fire", name)
    if name == "a1":
        h = loop.call_later(1, fire, "b2-from-a1")  # same deadline as b2, later
        log("when b2-from-a1", round(h.when() * 1000))
        loop.call_at(loop.time(), fire, "now-from-a1")
    if name == "c3":
        loop.stop()


def start():
    handles = [
        ("c3", loop.call_later(3, fire, "c3")),
        ("a1", loop.call_later(1, fire, "a1")),
        ("b2", loop.call_at(2, fire, "b2")),
        ("a1-second", loop.call_at(1, fire, "a1-second")),
        ("half", loop.call_later(0.5, fire, "half")),
        ("zero", loop.call_later(0, fire, "zero")),
    ]
    for name, h in handles:
        log("when", name, round(h.when() * 1000))
    loop.call_soon(fire, "soon")


loop.call_soon(start)
loop.run_forever()
log_end = round(loop.time() * 1000)
print(log_end, "stopped")
loop.close()
