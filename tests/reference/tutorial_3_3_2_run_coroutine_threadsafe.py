# Tutorial 3.3.2 (run_coroutine_threadsafe), twin of
# examples/tutorial_3_3_2_run_coroutine_threadsafe.cpp. The tutorial gives a
# fragment (a coroutine handed to a loop in another thread); this is the
# smallest program around it: a virtual-time loop (vloop) runs forever in a
# thread, waiting for other threads (keep_waiting, weft's work_guard); the
# main thread hands it the coroutine, waits for the result, stops the loop.
# print() stamps lines as examples/example_print.hpp does ("-" outside a
# running loop: every line here is printed by the main thread).
import asyncio
import builtins
import threading

import vloop


def print(*args):
    builtins.print(vloop.now_ms() if asyncio._get_running_loop() else "-", *args, flush=True)


loop = vloop.VirtualTimeLoop()
loop.keep_waiting = True
thread = threading.Thread(target=loop.run_forever)
thread.start()

# ---- the tutorial's fragment ----
# 创一个协程
coro = asyncio.sleep(1, result=3)

# 提交一个携程到另一个事件循环loop中
future = asyncio.run_coroutine_threadsafe(coro, loop)
# ---- end of the fragment ----

print(f"result: {future.result()}")
loop.call_soon_threadsafe(loop.stop)
thread.join()
print(f"loop time: {round(loop.time() * 1000)} ms")
loop.close()
