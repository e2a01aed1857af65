# run_until_complete returns the future's result once it is set (by a timer
# here), or raises its exception; stop() before the future is done raises
# "Event loop stopped before Future completed.".
from vloop import VirtualTimeLoop, log

loop = VirtualTimeLoop()

fut = loop.create_future()
loop.call_later(2, fut.set_result, 7)
r = loop.run_until_complete(fut)
print(round(loop.time() * 1000), "result", r)

bad = loop.create_future()
loop.call_later(1, bad.set_exception, ValueError("bad value"))
try:
    loop.run_until_complete(bad)
except ValueError as e:
    print(round(loop.time() * 1000), "raised", e)

never = loop.create_future()
loop.call_later(1, loop.stop)
loop.call_later(5, never.set_result, 1)
try:
    loop.run_until_complete(never)
except RuntimeError as e:
    print(round(loop.time() * 1000), "raised", e)
print(round(loop.time() * 1000), "never done", never.done())
r = loop.run_until_complete(never)
print(round(loop.time() * 1000), "result", r)
loop.close()
