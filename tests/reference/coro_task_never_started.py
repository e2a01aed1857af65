# A task destroyed before its first step (its loop closed) is reported by the
# loop's exception handler, and its coroutine, which never ran, then warns that
# it was never awaited.
import gc
import warnings

import asyncio
from vloop import VirtualTimeLoop

loop = VirtualTimeLoop()


def log(*parts):
    print(round(loop.time() * 1000), *parts, flush=True)


def show(message, category, filename, lineno, file=None, line=None):
    log(f"{category.__name__}: {message}")


warnings.showwarning = show
warnings.simplefilter("always")


async def answer():
    return 42


loop.set_exception_handler(lambda l, ctx: log("handler:", ctx["message"], ctx["task"].get_name()))
t = loop.create_task(answer(), name="unstarted")
loop.close()
loop._created.clear()  # vloop keeps tasks in creation order
del t
gc.collect()
log("after")
