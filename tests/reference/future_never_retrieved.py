# A future whose exception nobody retrieved reports "Future exception was never
# retrieved" to the loop's exception handler when it is destroyed
# (Future.__del__); exception(), result() or cancel() mark it retrieved.
from vloop import VirtualTimeLoop, log

loop = VirtualTimeLoop()


def handler(lp, ctx):
    print(round(lp.time() * 1000), "handler", ctx["message"], "|", ctx["exception"])


def say(*parts):
    print(round(loop.time() * 1000), *parts)


loop.set_exception_handler(handler)

fut = loop.create_future()
fut.set_exception(ValueError("nobody looked"))
say("drop unretrieved")
del fut

fut = loop.create_future()
fut.set_exception(ValueError("looked with exception()"))
say("exception() gives", fut.exception())
say("drop after exception()")
del fut

fut = loop.create_future()
fut.set_exception(ValueError("looked with result()"))
try:
    fut.result()
except ValueError as e:
    say("result() raised", e)
say("drop after result()")
del fut

fut = loop.create_future()
fut.set_exception(ValueError("cancelled after"))
say("cancel() returns", fut.cancel())
say("drop after cancel()")
del fut

fut = loop.create_future()
fut.set_result(1)
say("drop with a result")
del fut
say("end")
loop.close()
