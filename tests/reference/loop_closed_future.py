# A closed loop: run_until_complete checks that the loop is open before it
# looks at its argument, and create_future still works (Future.__init__ does
# not check the loop).
from vloop import VirtualTimeLoop

loop = VirtualTimeLoop()
other = VirtualTimeLoop()
loop.close()


def report(what, fn):
    try:
        fn()
    except RuntimeError as e:
        print(what, "-> RuntimeError", e)
    except ValueError as e:
        print(what, "-> ValueError", e)
    else:
        print(what, "-> no error")


report("run_until_complete of another loop's future", lambda: loop.run_until_complete(other.create_future()))
report("create_future", loop.create_future)
other.close()
