#!/usr/bin/env python3
"""A seeded generator of random, valid scenarios (docs/scenario-format.md).

  generate(seed) -> dict        the scenario of that seed (a JSON-ready dict)
  generate.py SEED [N]          print the scenarios of seeds SEED..SEED+N-1, one a line

The same seed gives the same scenario on every machine and every Python: the only
source of randomness is the splitmix64 generator below, on integers alone.

Every program is valid per the format, and more:
- it terminates: there are no loops, and coroutine k only refers to (spawns, awaits,
  gathers, ...) coroutines numbered higher than k, so no body recurses;
- it has no await cycle: a task's *rank* is the number of its root coroutine (main is
  0). Code of coroutine k runs in a task of rank <= k, and only waits for (await,
  gather, wait, wait_for, shield) tasks of rank > k, so every waiting edge goes up;
- every variable it reads is set before, on every path:
  * globals are set in main's prologue, before main first yields and before any other
    body runs (task variables published there are spawned lazily, so no other body
    starts before the prologue ends);
  * everything else is `.`-local to one body call, and a variable set inside a
    compound statement (try, timeout, taskgroup) is only used inside it (but a
    timeout's `as`, set on entering, which cannot fail, is used after it too);
- it never renders a primitive: events, locks, semaphores, queues, timeouts and task
  groups are never logged, returned, put or asserted; a priority queue only holds
  integers; `add` only adds integers to integers and strings to strings;
- it stays small: 2-6 coroutines, at most 12 top-level statements a body (plus main's
  prologue), sleeps of 0-5 ticks, compound statements nested at most 3 deep, and each
  body called at most CALL_CAP times in all.

A program may still deadlock (say, a task awaits an event no one sets, without a
timeout) or fail an assert: both are valid endings, and rare.
"""

import json
import sys

__all__ = ["SplitMix64", "generate", "dumps"]

_MASK = (1 << 64) - 1


class SplitMix64:
    """Sebastiano Vigna's splitmix64: 64-bit state, integer arithmetic only."""

    def __init__(self, seed):
        self.state = seed & _MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & _MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        return z ^ (z >> 31)

    def below(self, n):
        """An integer in [0, n)."""
        return self.next() % n

    def between(self, lo, hi):
        """An integer in [lo, hi]."""
        return lo + self.below(hi - lo + 1)

    def percent(self, p):
        """True with probability p/100."""
        return self.below(100) < p

    def pick(self, seq):
        return seq[self.below(len(seq))]

    def weighted(self, pairs):
        """One x of [(weight, x), ...] (integer weights)."""
        total = sum(w for w, _ in pairs)
        k = self.below(total)
        for w, x in pairs:
            if k < w:
                return x
            k -= w
        raise AssertionError("empty choice")


MAX_COROS = 6           # main included
MAX_TOP = 12            # top-level statements of a body
MAX_TOTAL = 16          # statements of a body, nested ones included
MAX_DEPTH = 3           # nesting of compound statements
CALL_CAP = 6            # most times a body may be called (spawned, awaited, gathered...)
USER_KINDS = ("E1", "E2", "E3")

# Base weights of the statements; each program scales them (see _Gen.__init__).
BASE_WEIGHTS = {
    "log": 14, "sleep": 12, "spawn": 10, "await": 8, "cancel": 6, "cancel_later": 5, "state": 4,
    "return": 2, "raise": 4, "reraise": 6, "try": 7, "gather": 5, "wait": 5,
    "wait_for": 5, "shield": 3, "timeout": 5, "timeout_at": 2, "reschedule": 8,
    "expired": 6, "taskgroup": 4, "uncancel": 3, "cancelling": 3, "eager_factory": 2,
    "set": 3, "add": 4, "assert": 1, "race": 3,
    "event_set": 4, "event_clear": 2, "event_wait": 4, "event": 1,
    "critical": 4, "acquire": 2, "release": 1, "locked": 2, "lock": 1, "semaphore": 1,
    "put": 5, "get": 5, "task_done": 1, "join": 2, "queue": 1,
}
# Statements every program keeps (the rest may be switched off in a program).
ALWAYS = ("log", "sleep", "spawn", "await")

# Statements likely to raise, which main often runs under a try.
_RISKY = ("await", "gather", "wait_for", "shield", "raise", "release", "task_done", "get",
          "join", "taskgroup", "timeout", "timeout_at", "wait", "acquire", "event_wait")


def _nesting(stmts):
    """How many compound statements deep the statements go (0 for simple ones)."""
    deepest = 0
    for s in stmts:
        inner = [s[k] for k in ("body", "finally") if isinstance(s.get(k), list)]
        inner += [h["body"] for h in s.get("handlers", ())]
        if inner or s["op"] in ("try", "timeout", "timeout_at", "taskgroup"):
            deepest = max(deepest, 1 + max((_nesting(b) for b in inner), default=0))
    return deepest


class _Ctx:
    """Where a statement is being generated: coroutine index, nesting, what is set."""

    def __init__(self, index, vars_, depth=0, in_handler=False, groups=()):
        self.index = index
        self.vars = vars_               # name -> type tuple, every variable surely set
        self.depth = depth
        self.in_handler = in_handler
        self.groups = tuple(groups)     # task groups whose body this is (innermost last)

    def nested(self, in_handler=None, group=None):
        groups = self.groups + ((group,) if group else ())
        return _Ctx(self.index, dict(self.vars), self.depth + 1,
                    self.in_handler if in_handler is None else in_handler, groups)


class _Gen:
    def __init__(self, seed):
        self.r = r = SplitMix64(seed)
        self.seed = seed
        self.n = r.weighted([(1, 2), (3, 3), (3, 4), (2, 5), (2, 6)])
        self.names = ["main"] + [f"c{k}" for k in range(1, self.n)]
        self.calls = [1] + [0] * (self.n - 1)
        self.counter = 0
        self.msgs = 0
        # Each program scales every op: off (0), normal (1) or favoured (3), so that
        # programs differ in character, and over many seeds every op is used.
        self.weights = {}
        for op, w in BASE_WEIGHTS.items():
            scale = r.weighted([(25, 0), (50, 1), (25, 3)])
            if op in ALWAYS:
                scale = max(scale, 1)
            self.weights[op] = w * scale
        self.globals = {}       # name -> type, set in main's prologue
        self.left = 0           # statements left in the body being generated

    # -- names

    def fresh(self, prefix):
        self.counter += 1
        return f"{prefix}{self.counter}"

    def msg(self, ctx):
        self.msgs += 1
        return f"{self.names[ctx.index]}.{self.msgs}"

    # -- what is in scope

    def scope(self, ctx):
        merged = dict(self.globals)
        merged.update(ctx.vars)
        return merged

    def vars_of(self, ctx, *kinds):
        return [v for v, t in self.scope(ctx).items() if t[0] in kinds]

    def tasks_above(self, ctx):
        """Task variables this body may wait for: rank above its own index."""
        return [v for v, t in self.scope(ctx).items() if t[0] == "task" and t[1] > ctx.index]

    def targets(self, ctx):
        """Coroutines this body may call once more within the call budget."""
        i = ctx.index
        return [j for j in range(i + 1, self.n) if self.calls[j] + self.calls[i] <= CALL_CAP]

    def take_target(self, ctx):
        ts = self.targets(ctx)
        j = self.r.weighted([(4 if self.calls[j] == 0 else 1, j) for j in ts])
        self.calls[j] += self.calls[ctx.index]
        return j

    def awaitable(self, ctx):
        """{"task": v} for a task of higher rank, or {"coro": c} of a higher coroutine."""
        tasks, coros = self.tasks_above(ctx), self.targets(ctx)
        if tasks and (not coros or self.r.percent(55)):
            return {"task": self.r.pick(tasks)}
        return {"coro": self.names[self.take_target(ctx)]}

    def can_await(self, ctx):
        return bool(self.tasks_above(ctx) or self.targets(ctx))

    def set_local(self, ctx, prefix, type_):
        v = "." + self.fresh(prefix)
        ctx.vars[v] = type_
        return v

    def ticks(self, lo=0, hi=5, null=0, negative=0):
        if null and self.r.percent(null):
            return None
        if negative and self.r.percent(negative):
            return -self.r.between(1, 2)
        return self.r.between(lo, hi)

    # -- bodies

    def body(self, ctx, lo, hi):
        """A list of lo..hi statements (fewer if the body's budget runs out)."""
        out = []
        want = self.r.between(lo, hi)
        while len(out) < want and self.left > 0:
            out.extend(self.statement(ctx))
        return out

    def statement(self, ctx):
        """One generated item: a list of statements (usually one)."""
        feasible = []
        scope = self.scope(ctx)
        kinds = {t[0] for t in scope.values()}
        tasks = any(t[0] == "task" for t in scope.values())
        nest = ctx.depth < MAX_DEPTH and self.left >= 2
        ok = {
            "spawn": bool(self.targets(ctx)),
            "await": self.can_await(ctx),
            "cancel": tasks, "state": tasks, "cancel_later": tasks,
            "reraise": ctx.in_handler,
            "try": nest, "timeout": nest, "timeout_at": nest, "taskgroup": nest,
            "gather": self.can_await(ctx),
            "wait": bool(self.tasks_above(ctx)),
            "wait_for": self.can_await(ctx), "shield": self.can_await(ctx),
            "reschedule": "cm" in kinds, "expired": "cm" in kinds,
            "add": bool(self.vars_of(ctx, "int", "str")),
            "race": "int" in {t[0] for t in self.globals.values()},
            "event_set": "event" in kinds, "event_clear": "event" in kinds,
            "event_wait": "event" in kinds,
            "critical": ("lock" in kinds or "sem" in kinds) and ctx.depth < MAX_DEPTH and self.left >= 3,
            "acquire": "lock" in kinds or "sem" in kinds,
            "release": "lock" in kinds or "sem" in kinds,
            "locked": "lock" in kinds or "sem" in kinds,
            "put": "queue" in kinds, "get": "queue" in kinds,
            "task_done": "queue" in kinds, "join": "queue" in kinds,
        }
        for op, w in self.weights.items():
            if w and ok.get(op, True):
                if ctx.index == 0 and ctx.depth == 0 and op in ("raise", "return"):
                    w = max(1, w // 6)      # main ending early makes dull traces
                feasible.append((w, op))
        op = self.r.weighted(feasible)
        self.left -= 1
        before = set(ctx.vars)
        out = getattr(self, "g_" + op)(ctx)
        out = out if isinstance(out, list) else [out]
        if (op in _RISKY and ctx.depth + _nesting(out) < MAX_DEPTH
                and not (len(out) == 1 and out[0]["op"] == "try")
                and self.r.percent(75 if ctx.index == 0 else 25)):
            out = [self.guard(ctx, out, op)]
            for v in set(ctx.vars) - before:
                del ctx.vars[v]         # set inside the try: maybe not set after it
        return out

    def guard(self, ctx, stmts, op):
        """try: stmts, except (something likely) as e: log e"""
        likely = {"timeout": "TimeoutError", "timeout_at": "TimeoutError", "wait_for": "TimeoutError",
                  "release": "RuntimeError", "task_done": "ValueError", "get": "QueueEmpty",
                  "taskgroup": "ExceptionGroup", "raise": self.r.pick(USER_KINDS)}.get(op, "Exception")
        kind = self.r.weighted([(8, likely), (6, "Exception"), (2, "BaseException"), (2, self.r.pick(USER_KINDS)),
                                (2, "CancelledError"), (1, "ExceptionGroup"), (1, "TimeoutError")])
        e = "." + self.fresh("e")
        h = {"exc": kind, "as": e, "body": [{"op": "log", "msg": self.msg(ctx) + " caught {" + e + "}"}]}
        first = stmts[0]
        if first["op"] in ("timeout", "timeout_at") and "as" in first:
            # Set on entering, which cannot fail: set in the handler too.
            if self.r.percent(60):
                h["body"].append({"op": "expired", "cm": first["as"]})
            if self.r.percent(15):
                h["body"].append({"op": "reschedule", "cm": first["as"], "d": self.r.between(0, 3)})
        if kind == "CancelledError":
            h["body"] = self.cancel_handler(ctx, h["body"])
        elif self.r.percent(15):
            h["body"].append({"op": "reraise"})
        return {"op": "try", "body": stmts, "handlers": [h]}

    def cancel_handler(self, ctx, body):
        """A CancelledError handler: look at the cancellation count, maybe revoke it,
        maybe go on awaiting, then re-raise, return or carry on."""
        body = list(body)
        if self.r.percent(60):
            body.append({"op": "cancelling"})
        if self.r.percent(35):
            u = {"op": "uncancel"}
            if self.r.percent(40):
                u["into"] = "." + self.fresh("u")
            body.append(u)
            if self.r.percent(50):
                body.append({"op": "cancelling"})
        if self.r.percent(30):
            body.append({"op": "sleep", "d": self.r.between(0, 2)})
        k = self.r.below(100)
        if k < 35:
            body.append({"op": "reraise"})
        elif k < 55:
            body.append({"op": "return", "value": self.r.between(0, 9)})
        return body

    def blocking(self, ctx, stmt):
        """A blocking statement, usually under a timeout so that deadlocks stay rare."""
        k = self.r.below(100)
        bare, timeout = (4, 20) if ctx.index == 0 else (12, 45)
        room = MAX_DEPTH - ctx.depth       # compound statements that may still enclose it
        if k < bare or room == 0:
            return stmt
        if k < timeout or room == 1:
            return {"op": "timeout", "d": self.r.between(1, 4), "body": [stmt]}
        return {"op": "try", "body": [{"op": "timeout", "d": self.r.between(1, 4), "body": [stmt]}],
                "handlers": [{"exc": "TimeoutError", "body": [{"op": "log", "msg": self.msg(ctx) + " timed out"}]}]}

    # -- statements

    def g_log(self, ctx):
        msg = self.msg(ctx)
        shown = self.vars_of(ctx, "int", "str", "val", "task", "exc")
        if shown and self.r.percent(40):
            msg += " {" + self.r.pick(shown) + "}"
        return {"op": "log", "msg": msg}

    def g_sleep(self, ctx):
        return {"op": "sleep", "d": self.ticks(0, 5, negative=3)}

    def g_spawn(self, ctx, group=None):
        j = self.take_target(ctx)
        finished = [g for g, t in ctx.vars.items() if t[0] == "group" and g not in ctx.groups]
        if group is None and finished and self.r.percent(6):
            # Into a group that has exited: RuntimeError, and the variable stays unset.
            return {"op": "spawn", "var": "." + self.fresh("t"), "coro": self.names[j],
                    "group": self.r.pick(finished)}
        var = self.set_local(ctx, "t", ("task", j))
        s = {"op": "spawn", "var": var, "coro": self.names[j]}
        if self.r.percent(88):
            s["name"] = var[1:]
        if group is None and ctx.groups and self.r.percent(70):
            group = ctx.groups[-1]
        if group is not None:
            s["group"] = group
        elif self.r.percent(20 if self.weights["eager_factory"] else 8):
            s["eager"] = True
        return s

    def g_await(self, ctx):
        s = {"op": "await", "aw": self.awaitable(ctx)}
        if self.r.percent(50):
            s["into"] = self.set_local(ctx, "r", ("val",))
        return s

    def g_cancel(self, ctx):
        s = {"op": "cancel", "var": self.r.pick(self.vars_of(ctx, "task"))}
        if self.r.percent(20):
            s["msg"] = "bye"
        if self.r.percent(30):
            s["into"] = self.set_local(ctx, "ok", ("val",))
        return s

    def g_cancel_later(self, ctx):
        """Let a task get going, cancel it, then look at it or wait for it."""
        tasks = self.vars_of(ctx, "task")
        local = [v for v in tasks if v.startswith(".")]
        t = self.r.pick(local if local and self.r.percent(70) else tasks)
        out = [{"op": "sleep", "d": self.r.between(0, 3)}, {"op": "cancel", "var": t}]
        if self.r.percent(20):
            out[1]["msg"] = "stop"
        k = self.r.below(100)
        if k < 45 and self.scope(ctx)[t][1] > ctx.index:
            wait = {"op": "await", "aw": {"task": t}}
            out.append(self.guard(ctx, [wait], "await") if ctx.depth < MAX_DEPTH else wait)
        elif k < 75:
            out.append({"op": "sleep", "d": self.r.between(0, 1)})
            out.append({"op": "state", "var": t})
        return out

    def g_state(self, ctx):
        return {"op": "state", "var": self.r.pick(self.vars_of(ctx, "task"))}

    def g_return(self, ctx):
        return {"op": "return", **self.return_value(ctx)}

    def return_value(self, ctx):
        k = self.r.below(100)
        shown = self.vars_of(ctx, "int", "str", "val", "task", "exc")
        if k < 15:
            return {}
        if k < 50 and shown:
            return {"value": "$" + self.r.pick(shown)}
        if k < 80:
            return {"value": self.r.between(0, 9)}
        return {"value": self.r.pick(["a", "b", "ok", None, True])}

    def g_raise(self, ctx):
        s = {"op": "raise", "exc": self.r.pick(USER_KINDS)}
        if self.r.percent(60):
            s["msg"] = self.names[ctx.index]
        return s

    def g_reraise(self, ctx):
        return {"op": "reraise"}

    def handler_kind(self):
        return self.r.weighted([
            (5, self.r.pick(USER_KINDS)), (3, "Exception"), (1, "BaseException"),
            (4, "CancelledError"), (3, "TimeoutError"), (2, "ExceptionGroup"),
            (1, "RuntimeError"), (1, "ValueError"), (1, "InvalidStateError"),
            (1, "QueueFull"), (1, "QueueEmpty")])

    def g_try(self, ctx):
        s = {"op": "try", "body": self.body(ctx.nested(), 1, 3)}
        shape = self.r.below(100)
        if shape < 75:
            handlers = []
            for _ in range(self.r.weighted([(6, 1), (3, 2), (1, 3)])):
                h = {"exc": self.handler_kind()}
                inner = ctx.nested(in_handler=True)
                if self.r.percent(40):
                    h["as"] = "." + self.fresh("e")
                    inner.vars[h["as"]] = ("exc",)
                h["body"] = self.body(inner, 0, 2) if self.left > 0 else []
                if h["exc"] == "CancelledError" and self.r.percent(60):
                    h["body"] = self.cancel_handler(ctx, h["body"])
                handlers.append(h)
            s["handlers"] = handlers
        if shape >= 60:
            s["finally"] = self.body(ctx.nested(), 1, 2) if self.left > 0 else []
        return s

    def g_gather(self, ctx):
        items = [self.awaitable(ctx) for _ in range(self.r.weighted([(3, 1), (5, 2), (2, 3)]))
                 if self.can_await(ctx)]
        s = {"op": "gather", "items": items}
        if self.r.percent(40):
            s["return_exceptions"] = True
        if self.r.percent(60):
            s["into"] = self.set_local(ctx, "r", ("val",))
        return s

    def g_wait(self, ctx):
        tasks = self.tasks_above(ctx)
        items = [{"task": self.r.pick(tasks)} for _ in range(self.r.weighted([(3, 1), (5, 2), (2, 3)]))]
        if self.r.percent(2):
            items = []      # asyncio.wait([]) raises ValueError
        s = {"op": "wait", "items": items}
        if self.r.percent(50):
            s["timeout"] = self.ticks(0, 4, null=15)
        if self.r.percent(70):
            s["return_when"] = self.r.pick(["FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED"])
        if self.r.percent(60):
            s["into"] = self.set_local(ctx, "w", ("val",))
        return s

    def g_wait_for(self, ctx):
        s = {"op": "wait_for", "aw": self.awaitable(ctx), "timeout": self.ticks(0, 5, null=15, negative=5)}
        if self.r.percent(50):
            s["into"] = self.set_local(ctx, "r", ("val",))
        return s

    def g_shield(self, ctx):
        s = {"op": "shield", "aw": self.awaitable(ctx)}
        if self.r.percent(50):
            s["into"] = self.set_local(ctx, "r", ("val",))
        return s

    def timeout_block(self, ctx, op, key, value):
        s = {"op": op, key: value}
        inner = ctx.nested()
        cm = None
        if self.r.percent(55):
            cm = s["as"] = "." + self.fresh("cm")
            inner.vars[cm] = ("cm",)
        s["body"] = self.body(inner, 1, 3)
        if cm is not None and self.r.percent(25):
            s["body"].append({"op": "expired", "cm": cm})
        if cm is not None:
            ctx.vars[cm] = ("cm",)      # set on entering: still set after the block
        return s

    def g_timeout(self, ctx):
        return self.timeout_block(ctx, "timeout", "d", self.ticks(0, 7, null=15, negative=5))

    def g_timeout_at(self, ctx):
        return self.timeout_block(ctx, "timeout_at", "when", self.ticks(0, 12, null=15, negative=3))

    def g_reschedule(self, ctx):
        s = {"op": "reschedule", "cm": self.r.pick(self.vars_of(ctx, "cm"))}
        if self.r.percent(50):
            s["d"] = self.ticks(0, 5, null=20, negative=5)
        else:
            s["when"] = self.ticks(0, 12, null=20)
        return s

    def g_expired(self, ctx):
        return {"op": "expired", "cm": self.r.pick(self.vars_of(ctx, "cm"))}

    def g_taskgroup(self, ctx):
        g = "." + self.fresh("g")
        inner = ctx.nested(group=g)
        inner.vars[g] = ("group",)
        body = []
        if self.targets(ctx) and self.left > 0:
            self.left -= 1
            body.append(self.g_spawn(inner, group=g))
        body.extend(self.body(inner, 0, 3))
        ctx.vars[g] = ("group",)        # a finished group: spawning into it is RuntimeError
        return {"op": "taskgroup", "as": g, "body": body}

    def g_uncancel(self, ctx):
        s = {"op": "uncancel"}
        if self.r.percent(40):
            s["into"] = self.set_local(ctx, "u", ("val",))
        return s

    def g_cancelling(self, ctx):
        return {"op": "cancelling"}

    def g_eager_factory(self, ctx):
        s = {"op": "eager_factory"}
        if self.r.percent(30):
            s["on"] = False
        return s

    def g_set(self, ctx):
        ints, strs = self.vars_of(ctx, "int"), self.vars_of(ctx, "str")
        k = self.r.below(100)
        if k < 40 or not (ints or strs):
            return {"op": "set", "var": self.set_local(ctx, "x", ("int",)), "value": self.r.between(0, 3)}
        if ints and (k < 75 or not strs):
            v = self.r.pick(ints)
            value = "$" + self.r.pick(ints) if self.r.percent(50) else self.r.between(0, 5)
            return {"op": "set", "var": v, "value": value}
        return {"op": "set", "var": self.r.pick(strs), "value": self.r.pick(["", "a", "$" + self.r.pick(strs)])}

    def g_add(self, ctx):
        v = self.r.pick(self.vars_of(ctx, "int", "str"))
        if self.scope(ctx)[v][0] == "int":
            value = self.r.between(-1, 3)   # never "$x": repeated doubling could leave the range
        else:
            value = self.r.pick(["a", "b", "xy"])
        return {"op": "add", "var": v, "value": value}

    def g_assert(self, ctx):
        shown = self.vars_of(ctx, "int", "str", "val")
        k = self.r.below(100)
        if k < 35 or not shown:
            return {"op": "assert", "var": "never_set", "eq": None}
        v = self.r.pick(shown)
        t = self.scope(ctx)[v][0]
        if t == "str":
            return {"op": "assert", "var": v, "eq": self.r.pick(["", "a", "ab"])}
        return {"op": "assert", "var": v, "eq": self.r.between(0, 3) if k < 85 else True}

    def g_race(self, ctx):
        """The lost-update race: read a shared counter, yield, write it back."""
        g = self.r.pick([v for v, t in self.globals.items() if t[0] == "int"])
        x = self.set_local(ctx, "x", ("int",))
        return [{"op": "set", "var": x, "value": "$" + g},
                {"op": "sleep", "d": self.r.pick([0, 0, 1])},
                {"op": "add", "var": x, "value": 1},
                {"op": "set", "var": g, "value": "$" + x}]

    # events, locks, semaphores, queues

    def g_event(self, ctx):
        v = self.set_local(ctx, "ev", ("event",))
        return {"op": "event", "var": v}

    def g_event_set(self, ctx):
        return {"op": "event_set", "var": self.r.pick(self.vars_of(ctx, "event"))}

    def g_event_clear(self, ctx):
        return {"op": "event_clear", "var": self.r.pick(self.vars_of(ctx, "event"))}

    def g_event_wait(self, ctx):
        return self.blocking(ctx, {"op": "event_wait", "var": self.r.pick(self.vars_of(ctx, "event"))})

    def g_lock(self, ctx):
        return {"op": "lock", "var": self.set_local(ctx, "lk", ("lock",))}

    def g_semaphore(self, ctx):
        s = {"op": "semaphore", "var": self.set_local(ctx, "sm", ("sem",))}
        if self.r.percent(60):
            s["value"] = self.r.between(0, 2)
        if self.r.percent(40):
            s["bounded"] = True
        return s

    def g_critical(self, ctx):
        """acquire; try: ... finally: release"""
        v = self.r.pick(self.vars_of(ctx, "lock", "sem"))
        self.left -= 1
        body = self.body(ctx.nested(), 1, 2)
        if not any(s["op"] == "sleep" for s in body):
            body.append({"op": "sleep", "d": self.r.between(0, 2)})
        return [self.blocking(ctx, {"op": "acquire", "var": v}),
                {"op": "try", "body": body, "finally": [{"op": "release", "var": v}]}]

    def g_acquire(self, ctx):
        return self.blocking(ctx, {"op": "acquire", "var": self.r.pick(self.vars_of(ctx, "lock", "sem"))})

    def g_release(self, ctx):
        return {"op": "release", "var": self.r.pick(self.vars_of(ctx, "lock", "sem"))}

    def g_locked(self, ctx):
        return {"op": "locked", "var": self.r.pick(self.vars_of(ctx, "lock", "sem"))}

    def g_queue(self, ctx):
        s = {"op": "queue", "var": self.set_local(ctx, "q", ("queue", "fifo"))}
        if self.r.percent(50):
            s["maxsize"] = self.r.between(0, 2)
        return s

    def g_put(self, ctx):
        q = self.r.pick(self.vars_of(ctx, "queue"))
        kind = self.scope(ctx)[q][1]
        value = self.r.between(0, 9)
        if kind != "priority" and self.r.percent(30):
            shown = self.vars_of(ctx, "int", "str")
            value = "$" + self.r.pick(shown) if shown else self.r.pick(["a", "b"])
        s = {"op": "put", "var": q, "value": value}
        if self.r.percent(35):
            s["nowait"] = True
            return s
        return self.blocking(ctx, s)

    def g_get(self, ctx):
        q = self.r.pick(self.vars_of(ctx, "queue"))
        s = {"op": "get", "var": q}
        if self.r.percent(60):
            s["into"] = self.set_local(ctx, "v", ("val",))
        if self.r.percent(30):
            s["nowait"] = True
            return s
        got = self.blocking(ctx, s)
        if got is not s and "into" in s:
            del ctx.vars[s["into"]]     # under a timeout it may not be set
        if got is s and self.r.percent(50):
            return [s, {"op": "task_done", "var": q}]
        return got

    def g_task_done(self, ctx):
        return {"op": "task_done", "var": self.r.pick(self.vars_of(ctx, "queue"))}

    def g_join(self, ctx):
        return self.blocking(ctx, {"op": "join", "var": self.r.pick(self.vars_of(ctx, "queue"))})

    # -- the program

    def prologue(self):
        """Main's first statements: shared globals, then lazily spawned shared tasks."""
        r, w, out = self.r, self.weights, []
        if w["add"] or w["race"] or w["assert"] or r.percent(30):
            for k in range(r.between(1, 2)):
                self.globals[f"n{k}"] = ("int",)
                out.append({"op": "set", "var": f"n{k}", "value": 0})
        if r.percent(25):
            self.globals["s0"] = ("str",)
            out.append({"op": "set", "var": "s0", "value": ""})
        if w["event_wait"] or w["event_set"]:
            for k in range(r.between(1, 2)):
                self.globals[f"E{k}"] = ("event",)
                out.append({"op": "event", "var": f"E{k}"})
        if w["critical"] or w["acquire"]:
            if r.percent(60):
                self.globals["L0"] = ("lock",)
                out.append({"op": "lock", "var": "L0"})
            else:
                self.globals["S0"] = ("sem",)
                s = {"op": "semaphore", "var": "S0", "value": r.between(1, 2)}
                if r.percent(40):
                    s["bounded"] = True
                out.append(s)
        if w["put"] or w["get"]:
            kind = r.weighted([(5, "fifo"), (2, "lifo"), (2, "priority")])
            self.globals["Q0"] = ("queue", kind)
            s = {"op": "queue", "var": "Q0"}
            if r.percent(60):
                s["maxsize"] = r.between(0, 2)
            if kind != "fifo" or r.percent(20):
                s["kind"] = kind
            out.append(s)
        # Shared tasks: spawned lazily, so they start once main first yields, when
        # every global is set. Any body may cancel them or read their state; only
        # bodies numbered below a task's coroutine may wait for it.
        for k in range(r.weighted([(5, 0), (3, 1), (2, 2)])):
            j = r.between(1, self.n - 1)
            self.calls[j] += 1
            var = f"T{k + 1}"
            self.globals[var] = ("task", j)
            out.append({"op": "spawn", "var": var, "coro": self.names[j]})
        return out

    def coroutine(self, index):
        ctx = _Ctx(index, {})
        self.left = MAX_TOTAL
        top = self.r.between(2, 8 if index else 9)
        out = []
        if index and self.r.percent(60):
            out.append({"op": "log", "msg": self.msg(ctx)})
        if index and self.r.percent(30):
            # The body under `try: ... except CancelledError: ...` (finally ...).
            inner = ctx.nested()
            body = []
            while len(body) < top and self.left > 0:
                body.extend(self.statement(inner))
            if self.r.percent(30):
                body.extend(self.tail(inner))
            s = {"op": "try", "body": body, "handlers": [
                {"exc": "CancelledError", "body": self.cancel_handler(ctx, [{"op": "log", "msg": self.msg(ctx) + " cancelled"}])}]}
            if self.r.percent(30):
                s["finally"] = [{"op": "log", "msg": self.msg(ctx) + " finally"}]
            out.append(s)
        else:
            while len(out) < top and self.left > 0:
                out.extend(self.statement(ctx))
            if (index == 0 or self.r.percent(30)) and len(out) <= MAX_TOP - 2:
                out.extend(self.tail(ctx))
        if index and self.r.percent(50) and len(out) < MAX_TOP:
            out.append({"op": "return", **self.return_value(ctx)})
        return out

    def tail(self, ctx):
        """The end of a body: wait for the tasks it spawned, or let them run a while."""
        tasks = [v for v, t in ctx.vars.items() if t[0] == "task" and t[1] > ctx.index]
        k = self.r.below(100)
        if tasks and k < 45:
            s = {"op": "gather", "items": [{"task": t} for t in tasks[-4:]]}
            if self.r.percent(70):
                s["return_exceptions"] = True
            body = [s]
            if self.r.percent(70):
                s["into"] = r = "." + self.fresh("r")
                body.append({"op": "log", "msg": self.msg(ctx) + " {" + r + "}"})
            return [self.guard(ctx, body, "gather")] if self.r.percent(80) else body
        if tasks and k < 65:
            s = {"op": "wait", "items": [{"task": t} for t in tasks[-4:]], "into": self.set_local(ctx, "w", ("val",))}
            if self.r.percent(50):
                s["timeout"] = self.r.between(1, 6)
            return [s, {"op": "log", "msg": self.msg(ctx) + " {" + s["into"] + "}"}]
        if k < 85:
            return [{"op": "sleep", "d": self.r.between(2, 5)}]
        return []

    def program(self):
        coros = {}
        head = self.prologue()
        rest = self.coroutine(0)
        if not any(self.calls[1:]):     # main calls nothing: make it spawn c1 somewhere
            self.calls[1] = 1
            at = self.r.below(len(rest) + 1)
            rest.insert(at, {"op": "spawn", "var": "." + self.fresh("t"), "coro": self.names[1]})
            del rest[MAX_TOP:]          # dropping trailing statements keeps every read valid
        coros["main"] = head + rest
        for i in range(1, self.n):
            body = self.coroutine(i)
            if self.calls[i]:
                coros[self.names[i]] = body
        return {"name": f"random_{self.seed}", "coros": coros}


def generate(seed):
    """The scenario of `seed` (any integer), as a dict ready for json.dumps."""
    return _Gen(seed).program()


def dumps(doc):
    """A scenario as compact, deterministic JSON text."""
    return json.dumps(doc, separators=(",", ":"))


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    first = int(sys.argv[1])
    for s in range(first, first + (int(sys.argv[2]) if len(sys.argv) == 3 else 1)):
        print(dumps(generate(s)))
