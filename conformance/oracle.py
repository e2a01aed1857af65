#!/usr/bin/env python3
"""The conformance oracle: runs scenario files on CPython 3.13's real asyncio.

A scenario (docs/scenario-format.md) is an asyncio program written as data.
This runner validates it, interprets its statements as the Python that the format's
tables give, on CPython's own asyncio objects (Task, sleep, gather, wait, wait_for, shield,
timeout, TaskGroup, Event, Lock, Semaphore, Queue ...), and prints its canonical trace.

Nothing of asyncio is reimplemented here. The loop is asyncio's SelectorEventLoop with
exactly the five changes the format lists ("The reference runner's changes to CPython"):
  1. virtual time: the selector never blocks; a wait of t ticks adds t to the clock,
     which starts at 0 (VirtualLoop, _VirtualSelector);
  2. timers with equal deadlines fire in scheduling order: the timer heap is keyed by
     (deadline, sequence number) (_OrderedTimer);
  3. an aborting TaskGroup cancels its children in creation order: its `_tasks` set is
     replaced by an insertion-ordered set (_OrderedTaskSet);
  4. a task created by the eager task factory carries its name from its first step
     (VirtualLoop.create_task passes the name to the factory);
  5. nothing is traced once the loop stops, and a failed assert freezes the trace
     (Run.finish, Run.emit).
Everything else, down to the order of every callback, is CPython's.

Usage:
  oracle.py FILE...          print each file's trace (several files: each preceded by
                             a line "== FILE")
  oracle.py --check FILE...  validate only
Exit status: 0 when every file ran (whatever its outcome), 2 when a file is bad input
(the message on stderr names the file, the JSON pointer and the problem), 3 when the
oracle itself failed.
"""

import asyncio
import contextlib
import heapq
import itertools
import json
import os
import re
import selectors
import sys

__all__ = ["BadInput", "load", "parse", "run", "trace_file", "main"]

STEP_LIMIT = 1_000_000          # more executed statements than this end the run
INT_MIN, INT_MAX = -2**31, 2**31 - 1
TICK_LIMIT = 10**9              # tick values lie in [-TICK_LIMIT, TICK_LIMIT]

# Deep recursion of coroutine bodies (`await {"coro": c}` inside c) is bounded by
# Python's recursion limit; reaching it ends the run as the step limit does (a body
# that recurses without end is a program that runs on without end).
RECURSION_LIMIT = 60_000

RESERVED_KINDS = frozenset((
    "CancelledError", "TimeoutError", "ExceptionGroup", "Exception", "BaseException",
    "RuntimeError", "ValueError", "InvalidStateError", "QueueFull", "QueueEmpty"))

# Handler kinds naming what asyncio raises, matched with isinstance (Python's except).
_ASYNCIO_KINDS = {
    "CancelledError": asyncio.CancelledError,
    "TimeoutError": TimeoutError,
    "ExceptionGroup": ExceptionGroup,
    "RuntimeError": RuntimeError,
    "ValueError": ValueError,
    "InvalidStateError": asyncio.InvalidStateError,
    "QueueFull": asyncio.QueueFull,
    "QueueEmpty": asyncio.QueueEmpty,
}

# Exceptions rendered by their type alone (exact types asyncio raises).
_RENDERED_BY_TYPE = {
    asyncio.CancelledError: "CancelledError",
    TimeoutError: "TimeoutError",
    RuntimeError: "RuntimeError",
    ValueError: "ValueError",
    asyncio.InvalidStateError: "InvalidStateError",
    asyncio.QueueFull: "QueueFull",
    asyncio.QueueEmpty: "QueueEmpty",
}

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


# ---------------------------------------------------------------------------------
# Bad input


class BadInput(Exception):
    """A scenario the format rejects: file, JSON pointer, problem."""

    def __init__(self, pointer, problem, file=None):
        super().__init__(pointer, problem)
        self.pointer = pointer
        self.problem = problem
        self.file = file

    def __str__(self):
        where = f"{self.file}:" if self.file is not None else ""
        if self.pointer:
            where += f"{self.pointer}:"
        return f"{where} {self.problem}" if where else self.problem


def _token(key):
    return str(key).replace("~", "~0").replace("/", "~1")


def _is_var(s):
    return isinstance(s, str) and _IDENT.match(s[1:] if s.startswith(".") else s) is not None


# ---------------------------------------------------------------------------------
# Validation: JSON -> program (plain objects the interpreter walks)


class Stmt:
    """One validated statement. `ptr` is its JSON pointer; other attributes are its
    fields, normalised (absent optional fields are None or their default)."""

    def __init__(self, op, ptr):
        self.op = op
        self.ptr = ptr


class Awaitable:
    __slots__ = ("task", "coro", "ptr")

    def __init__(self, task, coro, ptr):
        self.task, self.coro, self.ptr = task, coro, ptr


class Operand:
    """A value in `value`/`eq`: a literal, or ("$x") the value of variable x."""

    __slots__ = ("var", "value")

    def __init__(self, var=None, value=None):
        self.var, self.value = var, value


class Handler:
    __slots__ = ("exc", "as_", "body", "ptr")

    def __init__(self, exc, as_, body, ptr):
        self.exc, self.as_, self.body, self.ptr = exc, as_, body, ptr


class Program:
    def __init__(self, main, coros):
        self.main = main
        self.coros = coros      # name -> list of Stmt


# op -> (required fields, optional fields)
OPS = {
    "log": (("msg",), ()),
    "sleep": (("d",), ()),
    "spawn": (("var", "coro"), ("name", "group", "eager")),
    "await": (("aw",), ("into",)),
    "cancel": (("var",), ("msg", "into")),
    "state": (("var",), ()),
    "return": ((), ("value",)),
    "raise": (("exc",), ("msg",)),
    "reraise": ((), ()),
    "try": (("body",), ("handlers", "finally")),
    "gather": (("items",), ("return_exceptions", "into")),
    "wait": (("items",), ("timeout", "return_when", "into")),
    "wait_for": (("aw", "timeout"), ("into",)),
    "shield": (("aw",), ("into",)),
    "timeout": (("d", "body"), ("as",)),
    "timeout_at": (("when", "body"), ("as",)),
    "reschedule": (("cm",), ("when", "d")),
    "expired": (("cm",), ()),
    "taskgroup": (("as", "body"), ()),
    "uncancel": ((), ("into",)),
    "cancelling": ((), ()),
    "eager_factory": ((), ("on",)),
    "set": (("var", "value"), ()),
    "add": (("var", "value"), ()),
    "assert": (("var", "eq"), ()),
    "event": (("var",), ()),
    "event_set": (("var",), ()),
    "event_clear": (("var",), ()),
    "event_wait": (("var",), ()),
    "lock": (("var",), ()),
    "semaphore": (("var",), ("value", "bounded")),
    "acquire": (("var",), ()),
    "release": (("var",), ()),
    "locked": (("var",), ()),
    "queue": (("var",), ("maxsize", "kind")),
    "put": (("var", "value"), ("nowait",)),
    "get": (("var",), ("into", "nowait")),
    "task_done": (("var",), ()),
    "join": (("var",), ()),
}

# Fields holding a variable name, whatever the op.
_VAR_FIELDS = ("var", "into", "as", "cm", "group")
_BOOL_FIELDS = {"eager": False, "on": True, "return_exceptions": False,
                "bounded": False, "nowait": False}
_RETURN_WHEN = ("FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED")
_QUEUE_KINDS = ("fifo", "lifo", "priority")


class _Validator:
    def __init__(self):
        self.coro_refs = []     # (pointer, name) resolved once every body is known

    # -- scalars

    @staticmethod
    def integer(v, ptr, lo=INT_MIN, hi=INT_MAX):
        if isinstance(v, bool) or not isinstance(v, int):
            raise BadInput(ptr, "expected an integer" + (", not a fraction" if isinstance(v, float) else ""))
        if not lo <= v <= hi:
            raise BadInput(ptr, f"integer {v} out of range [{lo}, {hi}]")
        return v

    def ticks(self, v, ptr, nullable):
        if v is None:
            if not nullable:
                raise BadInput(ptr, "expected a number of ticks, not null")
            return None
        return self.integer(v, ptr, -TICK_LIMIT, TICK_LIMIT)

    @staticmethod
    def string(v, ptr):
        if not isinstance(v, str):
            raise BadInput(ptr, "expected a string")
        return v

    @staticmethod
    def boolean(v, ptr):
        if not isinstance(v, bool):
            raise BadInput(ptr, "expected true or false")
        return v

    def variable(self, v, ptr):
        s = self.string(v, ptr)
        if not _is_var(s):
            raise BadInput(ptr, f"'{s}' is not a valid variable name")
        return s

    def coro_ref(self, v, ptr):
        s = self.string(v, ptr)
        if not _IDENT.match(s):
            raise BadInput(ptr, f"'{s}' is not a valid coroutine name")
        self.coro_refs.append((ptr, s))
        return s

    @staticmethod
    def task_name(s, ptr):
        if s == "":
            raise BadInput(ptr, "a task name must not be empty")
        if s.startswith("Task-"):
            raise BadInput(ptr, f"task name '{s}' must not start with 'Task-' (asyncio's automatic names)")
        if s.startswith("~"):
            raise BadInput(ptr, f"task name '{s}' must not start with '~' (the trace's label of unnamed tasks)")
        if s == "main":
            raise BadInput(ptr, "task name 'main' is reserved for the main task")
        return s

    def operand(self, v, ptr):
        if v is None or isinstance(v, bool):
            return Operand(value=v)
        if isinstance(v, int):
            return Operand(value=self.integer(v, ptr))
        if isinstance(v, str):
            if v.startswith("$"):
                if not _is_var(v[1:]):
                    raise BadInput(ptr, f"'{v}' does not name a variable")
                return Operand(var=v[1:])
            return Operand(value=v)
        raise BadInput(ptr, "expected null, true, false, an integer or a string")

    def kind(self, v, ptr, for_raise):
        s = self.string(v, ptr)
        if not _IDENT.match(s):
            raise BadInput(ptr, f"'{s}' is not a valid exception kind")
        if for_raise and s in RESERVED_KINDS:
            raise BadInput(ptr, f"'{s}' is reserved: raise a user kind (any other identifier)")
        return s

    def awaitable(self, v, ptr, task_only=False):
        if not isinstance(v, dict) or len(v) != 1 or not ("task" in v or "coro" in v):
            raise BadInput(ptr, 'expected an awaitable: {"task": VAR} or {"coro": NAME}')
        if "task" in v:
            return Awaitable(self.variable(v["task"], f"{ptr}/task"), None, ptr)
        if task_only:
            raise BadInput(ptr, 'wait takes tasks only ({"task": VAR}): asyncio.wait forbids coroutines')
        return Awaitable(None, self.coro_ref(v["coro"], f"{ptr}/coro"), ptr)

    def log_message(self, v, ptr):
        """Splits a log message into literal strings and variable names ({x})."""
        s = self.string(v, ptr)
        parts, i = [], 0
        while True:
            j = s.find("{", i)
            if j < 0:
                if i < len(s):
                    parts.append(s[i:])
                return parts
            if j > i:
                parts.append(s[i:j])
            k = s.find("}", j)
            if k < 0:
                raise BadInput(ptr, "'{' without a closing '}' (there is no escape for '{')")
            name = s[j + 1:k]
            if not _is_var(name):
                raise BadInput(ptr, f"'{{{name}}}' does not name a variable")
            parts.append(Operand(var=name))
            i = k + 1

    # -- structure

    def body(self, v, ptr, in_handler):
        if not isinstance(v, list):
            raise BadInput(ptr, "a body must be a list of statements")
        return [self.statement(s, f"{ptr}/{i}", in_handler) for i, s in enumerate(v)]

    def statement(self, v, ptr, in_handler):
        if not isinstance(v, dict):
            raise BadInput(ptr, "a statement must be an object with an 'op'")
        if "op" not in v:
            raise BadInput(ptr, "missing field 'op'")
        op = self.string(v["op"], f"{ptr}/op")
        if op not in OPS:
            raise BadInput(f"{ptr}/op", f"unknown op '{op}'")
        required, optional = OPS[op]
        for key in v:
            if key != "op" and key not in required and key not in optional:
                raise BadInput(f"{ptr}/{_token(key)}", f"unknown field '{key}' for op '{op}'")
        for key in required:
            if key not in v:
                raise BadInput(ptr, f"missing field '{key}' for op '{op}'")
        s = Stmt(op, ptr)
        at = lambda f: f"{ptr}/{f}"  # noqa: E731

        for f in _VAR_FIELDS:
            attr = "as_" if f == "as" else f
            setattr(s, attr, self.variable(v[f], at(f)) if f in v else None)
        for f, default in _BOOL_FIELDS.items():
            if f in required or f in optional:
                setattr(s, f, self.boolean(v[f], at(f)) if f in v else default)

        if op == "log":
            s.parts = self.log_message(v["msg"], at("msg"))
        elif op == "sleep":
            s.d = self.ticks(v["d"], at("d"), False)
        elif op == "spawn":
            s.coro = self.coro_ref(v["coro"], at("coro"))
            if "name" in v:
                s.name = self.task_name(self.string(v["name"], at("name")), at("name"))
            else:
                s.name = self.task_name(s.var, at("var"))
            if "group" in v and "eager" in v:
                raise BadInput(ptr, "'group' and 'eager' together: 3.13's TaskGroup.create_task has no eager_start")
        elif op in ("await", "shield"):
            s.aw = self.awaitable(v["aw"], at("aw"))
        elif op == "wait_for":
            s.aw = self.awaitable(v["aw"], at("aw"))
            s.timeout = self.ticks(v["timeout"], at("timeout"), True)
        elif op == "cancel":
            msg = v.get("msg")
            s.msg = None if msg is None else self.string(msg, at("msg"))
        elif op == "return":
            s.value = self.operand(v["value"], at("value")) if "value" in v else Operand(value=None)
        elif op == "raise":
            s.exc = self.kind(v["exc"], at("exc"), True)
            s.msg = self.string(v["msg"], at("msg")) if "msg" in v else ""
        elif op == "reraise":
            if not in_handler:
                raise BadInput(ptr, "reraise outside an exception handler")
        elif op == "try":
            s.body = self.body(v["body"], at("body"), in_handler)
            s.handlers = []
            if "handlers" in v:
                hs = v["handlers"]
                if not isinstance(hs, list):
                    raise BadInput(at("handlers"), "handlers must be a list")
                for i, h in enumerate(hs):
                    hp = f"{ptr}/handlers/{i}"
                    if not isinstance(h, dict):
                        raise BadInput(hp, "a handler must be an object with 'exc' and 'body'")
                    for key in h:
                        if key not in ("exc", "as", "body"):
                            raise BadInput(f"{hp}/{_token(key)}", f"unknown field '{key}' for a handler")
                    for key in ("exc", "body"):
                        if key not in h:
                            raise BadInput(hp, f"missing field '{key}' for a handler")
                    s.handlers.append(Handler(
                        self.kind(h["exc"], f"{hp}/exc", False),
                        self.variable(h["as"], f"{hp}/as") if "as" in h else None,
                        self.body(h["body"], f"{hp}/body", True), hp))
            s.finally_ = self.body(v["finally"], at("finally"), in_handler) if "finally" in v else None
        elif op in ("gather", "wait"):
            items = v["items"]
            if not isinstance(items, list):
                raise BadInput(at("items"), "items must be a list of awaitables")
            s.items = [self.awaitable(a, f"{ptr}/items/{i}", task_only=(op == "wait"))
                       for i, a in enumerate(items)]
            if op == "wait":
                s.timeout = self.ticks(v["timeout"], at("timeout"), True) if "timeout" in v else None
                s.return_when = "ALL_COMPLETED"
                if "return_when" in v:
                    s.return_when = self.string(v["return_when"], at("return_when"))
                    if s.return_when not in _RETURN_WHEN:
                        raise BadInput(at("return_when"), "return_when must be FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED")
        elif op in ("timeout", "timeout_at"):
            key = "d" if op == "timeout" else "when"
            s.ticks = self.ticks(v[key], at(key), True)
            s.body = self.body(v["body"], at("body"), in_handler)
        elif op == "reschedule":
            if ("when" in v) == ("d" in v):
                raise BadInput(ptr, "reschedule takes exactly one of 'when' and 'd'")
            s.relative = "d" in v
            key = "d" if s.relative else "when"
            s.ticks = self.ticks(v[key], at(key), True)
        elif op == "taskgroup":
            s.body = self.body(v["body"], at("body"), in_handler)
        elif op in ("set", "add", "put"):
            s.value = self.operand(v["value"], at("value"))
        elif op == "assert":
            s.eq = self.operand(v["eq"], at("eq"))
        elif op == "semaphore":
            s.value = self.integer(v["value"], at("value")) if "value" in v else 1
        elif op == "queue":
            s.maxsize = self.integer(v["maxsize"], at("maxsize")) if "maxsize" in v else 0
            s.kind = "fifo"
            if "kind" in v:
                s.kind = self.string(v["kind"], at("kind"))
                if s.kind not in _QUEUE_KINDS:
                    raise BadInput(at("kind"), "kind must be fifo, lifo or priority")
        return s

    def program(self, doc):
        if not isinstance(doc, dict):
            raise BadInput("", "a scenario must be a JSON object")
        if "version" in doc and (type(doc["version"]) is not int or doc["version"] != 1):
            raise BadInput("/version", "version must be 1")
        main = "main"
        if "main" in doc:
            main = self.string(doc["main"], "/main")
            if not _IDENT.match(main):
                raise BadInput("/main", f"'{main}' is not a valid coroutine name")
        if "coros" not in doc:
            raise BadInput("", "missing field 'coros'")
        coros = doc["coros"]
        if not isinstance(coros, dict):
            raise BadInput("/coros", "coros must be an object mapping names to bodies")
        for name in coros:
            if not _IDENT.match(name):
                raise BadInput(f"/coros/{_token(name)}", f"'{name}' is not a valid coroutine name")
        bodies = {name: self.body(b, f"/coros/{_token(name)}", False) for name, b in coros.items()}
        if main not in bodies:
            raise BadInput("/main" if "main" in doc else "", f"main coroutine '{main}' is not defined")
        for ptr, name in self.coro_refs:
            if name not in bodies:
                raise BadInput(ptr, f"coroutine '{name}' is not defined")
        return Program(main, bodies)


def _no_duplicates(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise ValueError(f"duplicate key '{k}'")
        d[k] = v
    return d


def _no_constant(name):
    raise ValueError(f"{name} is not JSON")


@contextlib.contextmanager
def _deep_recursion():
    """Room for deeply nested bodies (validation) and body calls (running)."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, RECURSION_LIMIT))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def parse(text):
    """Validates scenario text; returns a Program or raises BadInput."""
    with _deep_recursion():
        try:
            doc = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
        except (ValueError, RecursionError) as e:
            raise BadInput("", f"not valid JSON: {e}") from None
        try:
            return _Validator().program(doc)
        except RecursionError:
            raise BadInput("", "nesting too deep") from None


def load(path):
    """Reads and validates a scenario file; BadInput names the file."""
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise BadInput("", f"cannot read the file: {e}", file=path) from None
    try:
        return parse(text)
    except BadInput as e:
        e.file = path
        raise


# ---------------------------------------------------------------------------------
# The loop: asyncio's SelectorEventLoop on a virtual clock


class _Deadlock(Exception):
    """Raised by the selector when the loop would block for ever."""


class _VirtualSelector(selectors.SelectSelector):
    """Difference 1: never blocks. A wait of t adds t to the loop's clock; a wait
    without end (nothing ready, no timer) is a deadlock."""

    loop = None

    def select(self, timeout=None):
        if timeout is None:
            raise _Deadlock()
        self.loop._clock += timeout
        return []


class _OrderedTimer(asyncio.TimerHandle):
    """Difference 2: timers with equal deadlines fire in the order they were scheduled."""

    __slots__ = ("_seq",)

    def __lt__(self, other):
        return (self._when, self._seq) < (other._when, other._seq)

    def __le__(self, other):
        return (self._when, self._seq) <= (other._when, other._seq)

    def __gt__(self, other):
        return (self._when, self._seq) > (other._when, other._seq)

    def __ge__(self, other):
        return (self._when, self._seq) >= (other._when, other._seq)


class VirtualLoop(asyncio.SelectorEventLoop):
    def __init__(self):
        selector = _VirtualSelector()
        super().__init__(selector)
        selector.loop = self
        self._clock = 0
        self._timer_seq = itertools.count()
        # All times are integers; BaseEventLoop._run_once fires the timers whose
        # deadline is below time() + _clock_resolution. The monotonic clock's
        # resolution (1e-9) vanishes when added to a large float, so take half a tick.
        self._clock_resolution = 0.5
        self.tasks = []     # strong references: no pending task is ever collected mid-run

    def time(self):
        return self._clock

    def call_at(self, when, callback, *args, context=None):
        # BaseEventLoop.call_at, with a timer ordered by (when, sequence number).
        if when is None:
            raise TypeError("when cannot be None")
        self._check_closed()
        timer = _OrderedTimer(when, callback, args, self, context)
        timer._seq = next(self._timer_seq)
        heapq.heappush(self._scheduled, timer)
        timer._scheduled = True
        return timer

    def create_task(self, coro, *, name=None, context=None):
        # BaseEventLoop.create_task, except that the factory receives the name
        # (difference 4: the eager factory's first step already carries it).
        self._check_closed()
        if self._task_factory is None:
            task = asyncio.Task(coro, loop=self, name=name, context=context)
        else:
            if context is None:
                task = self._task_factory(self, coro, name=name)
            else:
                task = self._task_factory(self, coro, name=name, context=context)
            task.set_name(name)
        self.tasks.append(task)
        return task


class _OrderedTaskSet(set):
    """Difference 3: a TaskGroup's children, iterated in insertion order (TaskGroup
    only adds, discards, iterates and tests emptiness)."""

    def __init__(self):
        super().__init__()
        self._order = {}

    def add(self, item):
        super().add(item)
        self._order[item] = None

    def discard(self, item):
        super().discard(item)
        self._order.pop(item, None)

    def remove(self, item):
        super().remove(item)
        del self._order[item]

    def __iter__(self):
        return iter(list(self._order))


# ---------------------------------------------------------------------------------
# The run


class _Abort(BaseException):
    """Unwinds a task after the run ended (bad input found while running)."""


class _Return:
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


_graveyard = []     # finished runs: kept alive so no coroutine of theirs runs again


class Run:
    def __init__(self, program):
        self.prog = program
        self.loop = VirtualLoop()
        self.G = {}                 # global variables
        self.lines = []
        self.ending = None          # "= deadlock", "= step limit", "= assertion failed: ..."
        self.frozen = False         # the trace is final (ending set or bad input)
        self.over = False           # the loop has stopped
        self.bad = None             # BadInput found while running
        self.oracle_error = None
        self.steps = 0
        self.spawned = []           # [task] slots, in creation order
        self.labels = {}            # root coroutine object -> trace label
        self.kinds = {}             # user kind name -> its class
        self.user_classes = set()
        self.ops = {op: getattr(self, "op_" + op) for op in OPS}

    # -- the trace

    def emit(self, text):
        if self.frozen or self.over:
            return
        task = asyncio.current_task(self.loop)
        label = self.labels[task.get_coro()]
        self.lines.append(f"{self.loop.time()} {label}: {text}")

    def finish(self, line):
        """Ends the run: the trace so far plus `line`, nothing after."""
        if not self.frozen:
            self.frozen = True
            self.ending = line
            self.loop.stop()

    def fail(self, ptr, problem):
        """Bad input found while running: stop everything, report it."""
        if not self.frozen:
            self.bad = BadInput(ptr, problem)
            self.frozen = True
            self.loop.stop()
        raise _Abort()

    async def hang(self):
        await self.loop.create_future()     # never resolved: the loop stops first

    def internal(self, exc):
        """True for what no scenario handler may catch and no finally may follow."""
        if isinstance(exc, RecursionError):
            self.finish("= step limit")
        return self.frozen or self.over or isinstance(exc, (_Abort, GeneratorExit, RecursionError))

    # -- values

    def user_kind(self, name):
        cls = self.kinds.get(name)
        if cls is None:
            cls = type(name, (Exception,), {"__module__": "scenario"})
            self.kinds[name] = cls
            self.user_classes.add(cls)
        return cls

    def render(self, v, ptr):
        if v is None or isinstance(v, bool):
            return str(v)
        if isinstance(v, (int, str)):
            return str(v)
        if isinstance(v, list):
            return "[" + ", ".join(self.render(x, ptr) for x in v) + "]"
        if isinstance(v, (set, frozenset)):
            return "{" + ", ".join(sorted(self.render(x, ptr)[1:-1] for x in v)) + "}"
        if isinstance(v, asyncio.Task):
            return f"<{v.get_name()}>"
        if isinstance(v, BaseExceptionGroup):
            return "ExceptionGroup[" + ", ".join(self.render(x, ptr) for x in v.exceptions) + "]"
        if type(v) in self.user_classes:
            return f"{type(v).__name__}({v.args[0] if v.args else ''})"
        if type(v) in _RENDERED_BY_TYPE:
            return _RENDERED_BY_TYPE[type(v)]
        self.fail(ptr, f"cannot render a value of type {type(v).__name__} (primitives have no rendering)")

    def get(self, name, L, ptr, types=None, what=None):
        scope = L if name.startswith(".") else self.G
        if name not in scope:
            self.fail(ptr, f"variable '{name}' is read before it is set")
        v = scope[name]
        if types is not None and not isinstance(v, types):
            self.fail(ptr, f"variable '{name}' holds {self.describe(v)}, not {what}")
        return v

    def get_or_none(self, name, L):
        return (L if name.startswith(".") else self.G).get(name)

    def set(self, name, value, L):
        (L if name.startswith(".") else self.G)[name] = value

    def operand(self, o, L, ptr):
        return o.value if o.var is None else self.get(o.var, L, ptr)

    @staticmethod
    def describe(v):
        if v is None or isinstance(v, bool):
            return f"the value {v}"
        if isinstance(v, int):
            return "an integer"
        if isinstance(v, str):
            return "a string"
        return f"a {type(v).__name__}"

    def task_state(self, t, ptr):
        if not t.done():
            return "pending"
        if t.cancelled():
            return "cancelled"
        exc = t.exception()
        if exc is not None:
            return "raised " + self.render(exc, ptr)
        return "result " + self.render(t.result(), ptr)

    def matches(self, kind, exc):
        if kind == "BaseException":
            return True
        if kind == "Exception":
            return isinstance(exc, Exception)
        cls = _ASYNCIO_KINDS.get(kind)
        if cls is not None:
            return isinstance(exc, cls)
        return isinstance(exc, self.user_kind(kind))

    # -- coroutine bodies

    def body_coro(self, name, label):
        """A fresh coroutine of body `name`; if asyncio wraps it in a task, that task's
        trace label is `label`."""
        coro = self.run_body(name)
        self.labels[coro] = label
        return coro

    async def run_body(self, name):
        L = {}      # the variables whose names start with '.'
        try:
            r = await self.block(self.prog.coros[name], L)
        except RecursionError:
            self.finish("= step limit")
            raise _Abort() from None
        return None if r is None else r.value

    async def block(self, stmts, L):
        ops = self.ops
        for s in stmts:
            self.steps += 1
            if self.steps > STEP_LIMIT:
                self.finish("= step limit")
            if self.frozen:
                await self.hang()
            r = await ops[s.op](s, L)
            if r is not None:
                return r
        return None

    async def main_task(self):
        # The format's main task (docs/scenario-format.md, "The run"), as Python.
        asyncio.current_task().set_name("main")
        try:
            outcome = ("result", await self.run_body(self.prog.main))
        except BaseException as e:
            if self.internal(e):
                raise
            outcome = ("raised", e)
        left = [slot[0] for slot in self.spawned if not slot[0].done()]
        for t in left:
            t.cancel()
        if left:
            try:
                await asyncio.gather(*left, return_exceptions=True)
            except asyncio.CancelledError:
                pass
        return outcome

    def on_loop_error(self, loop, context):
        # Unretrieved task exceptions and destroyed pending tasks are not the trace's
        # business; an exception escaping a callback is the oracle's own failure.
        if "handle" in context and "exception" in context and not self.frozen:
            exc = context["exception"]
            if isinstance(exc, RecursionError):
                self.finish("= step limit")
            else:
                self.oracle_error = f"{context.get('message')}: {exc!r}"
                self.frozen = True
                loop.stop()

    def execute(self):
        loop = self.loop
        loop.set_exception_handler(self.on_loop_error)
        main_coro = self.main_task()
        self.labels[main_coro] = "main"
        task = loop.create_task(main_coro)
        outcome = None
        try:
            with _deep_recursion():
                outcome = loop.run_until_complete(task)
        except _Deadlock:
            self.finish("= deadlock")
        except BaseException:
            if not self.frozen:      # "Event loop stopped before Future completed."
                raise
        finally:
            self.over = True
            _graveyard.append(self)
            try:
                loop.close()
            except Exception:
                pass
        if self.oracle_error is not None:
            raise RuntimeError(self.oracle_error)
        if self.bad is not None:
            raise self.bad
        if self.frozen:
            return self.lines + [self.ending]
        try:
            return self.lines + self.final_lines(*outcome)
        except _Abort:      # a value with no rendering
            raise self.bad from None

    def final_lines(self, kind, value):
        if kind == "result":
            lines = ["= main result " + self.render(value, "")]
        elif isinstance(value, asyncio.CancelledError):
            lines = ["= main cancelled"]
        else:
            lines = ["= main raised " + self.render(value, "")]
        for (t,) in self.spawned:
            lines.append(f"= {t.get_name()} {self.task_state(t, '')}")
        return lines

    # -- statements (each returns a _Return to leave the body, else None)

    async def op_log(self, s, L):
        self.emit("".join(p if isinstance(p, str) else self.render(self.get(p.var, L, s.ptr + "/msg"), s.ptr + "/msg")
                          for p in s.parts))

    async def op_sleep(self, s, L):
        await asyncio.sleep(s.d)

    async def op_spawn(self, s, L):
        group = None
        if s.group is not None:
            group = self.get(s.group, L, s.ptr + "/group", asyncio.TaskGroup, "a TaskGroup")
        coro = self.body_coro(s.coro, s.name)
        slot = [None]
        self.spawned.append(slot)       # creation order: before an eager first step
        try:
            if group is not None:
                t = group.create_task(coro, name=s.name)
            elif s.eager:
                # loop= explicitly: 3.13.0's C Task, given eager_start=True and no loop,
                # asks its loop (still None) is_running() and raises AttributeError.
                t = asyncio.Task(coro, loop=self.loop, name=s.name, eager_start=True)
                self.loop.tasks.append(t)
            else:
                t = asyncio.create_task(coro, name=s.name)
        except BaseException:
            for i, x in enumerate(self.spawned):
                if x is slot:
                    del self.spawned[i]
                    break
            raise
        slot[0] = t
        self.set(s.var, t, L)

    def awaitable(self, a, L):
        if a.task is not None:
            return self.get(a.task, L, a.ptr + "/task", asyncio.Task, "a task")
        return self.body_coro(a.coro, "~" + a.coro)

    def awaitables(self, items, L):
        # Read every variable first, so bad input never leaves a coroutine unawaited.
        for a in items:
            if a.task is not None:
                self.get(a.task, L, a.ptr + "/task", asyncio.Task, "a task")
        return [self.awaitable(a, L) for a in items]

    async def op_await(self, s, L):
        if s.aw.task is not None:
            r = await self.get(s.aw.task, L, s.aw.ptr + "/task", asyncio.Task, "a task")
        else:
            r = await self.run_body(s.aw.coro)
        if s.into is not None:
            self.set(s.into, r, L)

    async def op_cancel(self, s, L):
        t = self.get(s.var, L, s.ptr + "/var", asyncio.Task, "a task")
        r = t.cancel(s.msg)
        if s.into is not None:
            self.set(s.into, r, L)

    async def op_state(self, s, L):
        t = self.get(s.var, L, s.ptr + "/var", asyncio.Task, "a task")
        self.emit(f"state {t.get_name()} {self.task_state(t, s.ptr)}")

    async def op_return(self, s, L):
        return _Return(self.operand(s.value, L, s.ptr + "/value"))

    async def op_raise(self, s, L):
        raise self.user_kind(s.exc)(s.msg)

    async def op_reraise(self, s, L):
        # Python's bare `raise`: the exception being handled, by the innermost handler
        # (or finally, while an exception unwinds through it) of this body. Kept on our
        # own stack: a task resumed by throw() through nested awaits loses the frames'
        # handled exception (CPython gh-108668), so a bare `raise` here could not see it.
        raise L[" handling"][-1]

    async def op_try(self, s, L):
        try:
            try:
                r = await self.block(s.body, L)
            except BaseException as e:
                if self.internal(e):
                    raise
                for h in s.handlers:
                    if self.matches(h.exc, e):
                        if h.as_ is not None:
                            self.set(h.as_, e, L)
                        L.setdefault(" handling", []).append(e)
                        try:
                            r = await self.block(h.body, L)     # inside `except`: reraise sees e
                        finally:
                            L[" handling"].pop()
                        break
                else:
                    raise
        except BaseException as e:
            if s.finally_ is None or self.internal(e):
                raise
            L.setdefault(" handling", []).append(e)
            try:
                r2 = await self.block(s.finally_, L)    # Python's finally while e unwinds
            finally:
                L[" handling"].pop()
            if r2 is not None:
                return r2                           # a return in finally drops e
            raise e
        if s.finally_ is not None:
            r2 = await self.block(s.finally_, L)
            if r2 is not None:
                return r2
        return r

    async def op_gather(self, s, L):
        r = await asyncio.gather(*self.awaitables(s.items, L), return_exceptions=s.return_exceptions)
        if s.into is not None:
            self.set(s.into, list(r), L)

    async def op_wait(self, s, L):
        fs = self.awaitables(s.items, L)
        done, pending = await asyncio.wait(fs, timeout=s.timeout,
                                           return_when=getattr(asyncio, s.return_when))
        if s.into is not None:
            self.set(s.into, [done, pending], L)

    async def op_wait_for(self, s, L):
        r = await asyncio.wait_for(self.awaitable(s.aw, L), s.timeout)
        if s.into is not None:
            self.set(s.into, r, L)

    async def op_shield(self, s, L):
        r = await asyncio.shield(self.awaitable(s.aw, L))
        if s.into is not None:
            self.set(s.into, r, L)

    async def op_timeout(self, s, L):
        async with asyncio.timeout(s.ticks) as cm:
            if s.as_ is not None:
                self.set(s.as_, cm, L)
            return await self.block(s.body, L)

    async def op_timeout_at(self, s, L):
        async with asyncio.timeout_at(s.ticks) as cm:
            if s.as_ is not None:
                self.set(s.as_, cm, L)
            return await self.block(s.body, L)

    async def op_reschedule(self, s, L):
        cm = self.get(s.cm, L, s.ptr + "/cm", asyncio.Timeout, "a timeout")
        when = s.ticks
        if s.relative and when is not None:
            when = self.loop.time() + when
        cm.reschedule(when)

    async def op_expired(self, s, L):
        cm = self.get(s.cm, L, s.ptr + "/cm", asyncio.Timeout, "a timeout")
        self.emit(f"expired {cm.expired()}")

    async def op_taskgroup(self, s, L):
        tg = asyncio.TaskGroup()
        tg._tasks = _OrderedTaskSet()
        async with tg as g:
            self.set(s.as_, g, L)
            return await self.block(s.body, L)

    async def op_uncancel(self, s, L):
        r = asyncio.current_task().uncancel()
        if s.into is not None:
            self.set(s.into, r, L)

    async def op_cancelling(self, s, L):
        self.emit(f"cancelling {asyncio.current_task().cancelling()}")

    async def op_eager_factory(self, s, L):
        self.loop.set_task_factory(asyncio.eager_task_factory if s.on else None)

    async def op_set(self, s, L):
        self.set(s.var, self.operand(s.value, L, s.ptr + "/value"), L)

    async def op_add(self, s, L):
        a = self.get(s.var, L, s.ptr + "/var")
        b = self.operand(s.value, L, s.ptr + "/value")
        ints = all(isinstance(x, int) and not isinstance(x, bool) for x in (a, b))
        if not ints and not (isinstance(a, str) and isinstance(b, str)):
            self.fail(s.ptr, f"add needs two integers or two strings, not {self.describe(a)} and {self.describe(b)}")
        r = a + b
        if ints and not INT_MIN <= r <= INT_MAX:
            self.fail(s.ptr, f"{a} + {b} leaves the integer range [{INT_MIN}, {INT_MAX}]")
        self.set(s.var, r, L)

    async def op_assert(self, s, L):
        got = self.get_or_none(s.var, L)
        eq = s.eq.value if s.eq.var is None else self.get_or_none(s.eq.var, L)
        if got != eq:
            line = f"= assertion failed: {s.var} == {self.render(eq, s.ptr + '/eq')} (was {self.render(got, s.ptr + '/var')})"
            self.finish(line)
            await self.hang()

    # synchronisation primitives

    async def op_event(self, s, L):
        self.set(s.var, asyncio.Event(), L)

    def _event(self, s, L):
        return self.get(s.var, L, s.ptr + "/var", asyncio.Event, "an event")

    async def op_event_set(self, s, L):
        self._event(s, L).set()

    async def op_event_clear(self, s, L):
        self._event(s, L).clear()

    async def op_event_wait(self, s, L):
        await self._event(s, L).wait()

    async def op_lock(self, s, L):
        self.set(s.var, asyncio.Lock(), L)

    async def op_semaphore(self, s, L):
        self.set(s.var, (asyncio.BoundedSemaphore if s.bounded else asyncio.Semaphore)(s.value), L)

    def _lock(self, s, L):
        return self.get(s.var, L, s.ptr + "/var", (asyncio.Lock, asyncio.Semaphore), "a lock or semaphore")

    async def op_acquire(self, s, L):
        await self._lock(s, L).acquire()

    async def op_release(self, s, L):
        self._lock(s, L).release()

    async def op_locked(self, s, L):
        self.emit(f"locked {self._lock(s, L).locked()}")

    async def op_queue(self, s, L):
        cls = {"fifo": asyncio.Queue, "lifo": asyncio.LifoQueue, "priority": asyncio.PriorityQueue}[s.kind]
        self.set(s.var, cls(s.maxsize), L)

    def _queue(self, s, L):
        return self.get(s.var, L, s.ptr + "/var", asyncio.Queue, "a queue")

    async def op_put(self, s, L):
        q = self._queue(s, L)
        v = self.operand(s.value, L, s.ptr + "/value")
        try:
            if s.nowait:
                q.put_nowait(v)
            else:
                await q.put(v)
        except TypeError:
            self.fail(s.ptr, "a priority queue's values must be comparable (all integers or all strings)")

    async def op_get(self, s, L):
        q = self._queue(s, L)
        try:
            r = q.get_nowait() if s.nowait else await q.get()
        except TypeError:
            self.fail(s.ptr, "a priority queue's values must be comparable (all integers or all strings)")
        if s.into is not None:
            self.set(s.into, r, L)

    async def op_task_done(self, s, L):
        self._queue(s, L).task_done()

    async def op_join(self, s, L):
        await self._queue(s, L).join()


def run(program):
    """Runs a validated program; returns its trace lines (raises BadInput)."""
    return Run(program).execute()


def trace_file(path):
    """Validates and runs one file; returns its trace lines (raises BadInput)."""
    program = load(path)
    try:
        return run(program)
    except BadInput as e:
        e.file = path
        raise


def main(argv=None):
    args = list(sys.argv[1:] if argv is None else argv)
    check = False
    if args and args[0] == "--check":
        check = True
        args = args[1:]
    if not args or any(a in ("-h", "--help") for a in args):
        print(__doc__[__doc__.index("Usage:"):].strip(), file=sys.stderr)
        return 2
    status = 0
    for path in args:
        try:
            if check:
                load(path)
                continue
            lines = trace_file(path)
        except BadInput as e:
            print(f"oracle: bad input: {e}", file=sys.stderr)
            status = max(status, 2)
            continue
        except Exception as e:      # the oracle's own failure
            print(f"oracle: internal error on {path}: {e!r}", file=sys.stderr)
            status = 3
            continue
        out = ([f"== {path}"] if len(args) > 1 else []) + lines
        sys.stdout.buffer.write("".join(line + "\n" for line in out).encode("utf-8"))
        sys.stdout.flush()
    return status


def require_python313(script):
    """The oracle is CPython 3.13's asyncio: under another Python, re-run `script`
    with pyenv's 3.13.0 (PYENV_VERSION=3.13.0 python3), or fail."""
    if sys.version_info[:2] == (3, 13):
        return
    if os.environ.get("PYENV_VERSION") != "3.13.0":     # not tried yet
        env = dict(os.environ, PYENV_VERSION="3.13.0")
        pyenv = os.path.join(os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv")),
                             "versions", "3.13.0", "bin", "python3")
        exe = pyenv if os.access(pyenv, os.X_OK) else "python3"
        try:
            os.execvpe(exe, [exe, script] + sys.argv[1:], env)
        except OSError:
            pass
    sys.exit(f"{script}: needs CPython 3.13 (try: PYENV_VERSION=3.13.0 python3 {script} ...)")


if __name__ == "__main__":
    require_python313(__file__)
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Finished runs stay alive in _graveyard; leave without collecting them, so no
    # abandoned coroutine is ever resumed to run its cleanup.
    os._exit(code)
