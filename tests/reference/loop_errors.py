# Misuse of a loop: the RuntimeError messages asyncio raises.
#
# Each failing nested run_forever() is the last check of its run: CPython
# 3.13.0's run_forever calls _run_forever_setup inside its try/finally, so the
# failed call's cleanup also clears the outer loop's running state.
import asyncio
from vloop import VirtualTimeLoop

loop = VirtualTimeLoop()
other = VirtualTimeLoop()


def say(*parts):
    print(round(loop.time() * 1000), *parts)


def report(what, fn):
    try:
        fn()
    except RuntimeError as e:
        say(what, "->", e)
    else:
        say(what, "-> no error")


def inside_first():
    say("running inside", loop.is_running(), asyncio.get_running_loop() is loop)
    report("close while running", loop.close)
    say("closed", loop.is_closed())
    report("run_forever while running", loop.run_forever)
    loop.stop()


def inside_second():
    report("run another loop", other.run_forever)
    loop.stop()


report("get_running_loop outside", asyncio.get_running_loop)
say("running outside", loop.is_running())
loop.call_soon(inside_first)
loop.run_forever()
loop.call_soon(inside_second)
loop.run_forever()
say("running after", loop.is_running(), "closed", loop.is_closed())
mine = loop.create_future()
loop.close()
say("closed", loop.is_closed())
report("call_soon after close", lambda: loop.call_soon(print))
report("call_later after close", lambda: loop.call_later(1, print))
report("run_forever after close", loop.run_forever)
report("run_until_complete after close", lambda: loop.run_until_complete(mine))
report("close again", loop.close)
other.close()
