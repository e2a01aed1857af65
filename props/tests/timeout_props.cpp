// asyncio.timeout / timeout_at / Timeout's guarantees, over generated
// bodies (sleeps, bare yields, awaits of generated children), deadlines,
// nestings, reschedules and cancellations, and generated schedules.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <weft/props/programs.hpp>
#include <weft/props/prop.hpp>
#include <weft/weft.hpp>

#include "support.hpp"

namespace {

using namespace props_test;

/// One statement of a body: sleep `ticks` (0: a bare yield), or await the
/// task of child `child` of a program.
struct body_step {
  bool await_child = false;
  std::uint32_t ticks = 0;
  std::uint32_t child = 0;
};

/// A body run inside a scope: its statements, then it returns or raises.
struct body_plan {
  std::vector<body_step> steps;
  bool raises = false;
  int value = 0;
};

void showValue(const body_plan& b, std::ostream& os) {
  for (const auto& s : b.steps) {
    if (s.await_child)
      os << " await child " << s.child << ";";
    else
      os << " sleep " << s.ticks << ";";
  }
  os << (b.raises ? " raise" : " return ");
  if (!b.raises) os << b.value;
}

/// Up to `max_count` values of `g`, drawn at the case's size (a container
/// resized to max_count would draw its elements at that size, near 0).
template <class T>
rc::Gen<std::vector<T>> up_to(int max_count, rc::Gen<T> g) {
  return rc::gen::withSize([max_count, g](int size) {
    return rc::gen::resize(max_count, rc::gen::container<std::vector<T>>(rc::gen::resize(size, g)));
  });
}

/// A body of sleeps, and awaits of children 0..children-1 if any.
body_plan gen_body(std::uint32_t children = 0) {
  auto step = rc::gen::build<body_step>(
      rc::gen::set(&body_step::await_child, children ? rc::gen::weightedElement<bool>({{3, false}, {1, true}})
                                                     : rc::gen::just(false)),
      rc::gen::set(&body_step::ticks, rc::gen::inRange<std::uint32_t>(0, 5)),
      rc::gen::set(&body_step::child, rc::gen::inRange<std::uint32_t>(0, std::max<std::uint32_t>(children, 1))));
  body_plan b;
  b.steps = *up_to(4, step);
  b.raises = *rc::gen::weightedElement<bool>({{3, false}, {1, true}});
  b.value = *rc::gen::inRange(0, 100);
  RC_LOG() << "body:";
  showValue(b, RC_LOG());
  RC_LOG() << "\n";
  return b;
}

/// How a body ends if nothing cancels it: after `ticks`, with its value, its
/// own error, or the error of a child it awaited.
struct body_end {
  std::uint32_t ticks = 0;
  bool raises = false;
  std::optional<std::size_t> raised_by;  // a child's error
};

/// How a body ends if nothing cancels it, `children` (the program whose
/// tasks it awaits) spawned when it starts.
body_end planned_end(const body_plan& b, const program_run* children = nullptr) {
  body_end e;
  for (const auto& s : b.steps) {
    if (!s.await_child) {
      e.ticks += s.ticks;
      continue;
    }
    e.ticks = std::max(e.ticks, *children->planned_end(s.child));
    if (const auto p = children->planned(s.child); p->k == kind::raised) {
      e.raised_by = p->raised_by;
      return e;
    }
  }
  e.raises = b.raises;
  return e;
}

/// Runs a body, recording the loop time of each of its statements (and
/// whether its scope had expired there, when given one).
weft::coro<int> run_body(const body_plan& b, const std::vector<weft::task<int>>& tasks, std::vector<weft::time_point>& times,
                         weft::timeout_scope* scope = nullptr, std::vector<bool>* expired = nullptr) {
  auto statement = [&] {
    times.push_back(now());
    if (scope) expired->push_back(scope->expired());
  };
  statement();
  for (const auto& s : b.steps) {
    if (s.await_child)
      co_await tasks[s.child];
    else
      co_await weft::sleep(s.ticks * tick);
    statement();
  }
  if (b.raises) throw body_error();
  co_return b.value;
}

/// How a scope ended, as the code around it saw it.
struct seen {
  enum class kind : std::uint8_t { not_run, value, timed_out, cancelled, body_raised, child_raised };
  kind k = kind::not_run;
  int value = 0;
  std::optional<std::size_t> raised_by;
};

void showValue(seen::kind k, std::ostream& os) {
  static const char* const names[] = {"not run", "value", "timed out", "cancelled", "body raised", "child raised"};
  os << names[static_cast<int>(k)];
}

/// A loop time in ticks, for assertions a counterexample shows.
std::int64_t ticks(weft::time_point t) { return (t - weft::time_point()) / tick; }

/// Awaits `aw` (a scope's run, usually), recording how it ended.
template <class Aw>
weft::coro<void> record(Aw aw, seen& s) {
  try {
    if constexpr (std::is_void_v<weft::await_result_t<Aw>>)
      co_await std::move(aw);
    else
      s.value = co_await std::move(aw);
    s.k = seen::kind::value;
  } catch (const weft::timeout_error&) {
    s.k = seen::kind::timed_out;
  } catch (const weft::cancelled_error&) {
    s.k = seen::kind::cancelled;
  } catch (const body_error&) {
    s.k = seen::kind::body_raised;
  } catch (const weft::props::child_error& e) {
    s.k = seen::kind::child_raised;
    s.raised_by = e.child();
  }
}

/// Whether a scope that did not fire passed on how its body ended.
bool saw_body_end(const seen& s, const body_end& e, const body_plan& b) {
  if (e.raised_by) return s.k == seen::kind::child_raised && s.raised_by == e.raised_by;
  if (e.raises) return s.k == seen::kind::body_raised;
  return s.k == seen::kind::value && s.value == b.value;
}

/// How a scope is made: asyncio.timeout(delay), asyncio.timeout_at(when), Timeout(when).
enum class api : std::uint8_t { timeout, timeout_at, scope };

void showValue(api a, std::ostream& os) {
  static const char* const names[] = {"timeout(delay)", "timeout_at(when)", "timeout_scope(when)"};
  os << names[static_cast<int>(a)];
}

// No statement of the body runs at or after the deadline inside the scope,
// whichever way the scope is made (timeout, timeout_at, Timeout).
WEFT_PROP(TimeoutProps, NoStatementRunsAtOrAfterTheDeadline, ()) {
  program_run run(*weft::props::gen_program({.raises = true}));
  auto tasks = run.spawn();
  const body_plan b = gen_body(static_cast<std::uint32_t>(tasks.size()));
  const std::uint32_t d = *rc::gen::inRange<std::uint32_t>(1, 13);
  const weft::time_point deadline = now() + d * tick;
  const api how = *rc::gen::element(api::timeout, api::timeout_at, api::scope);
  RC_LOG() << "deadline " << d << " ticks after entry\n";
  std::vector<weft::time_point> times;
  auto body = [&] { return run_body(b, tasks, times); };
  seen s;
  if (how == api::timeout) {
    co_await record(weft::timeout(d * tick, body), s);
  } else if (how == api::timeout_at) {
    co_await record(weft::timeout_at(deadline, body), s);
  } else {
    weft::timeout_scope scope(deadline);
    co_await record(scope.run(body), s);
  }
  for (weft::time_point t : times) RC_ASSERT(ticks(t) < ticks(deadline));
  RC_CLASSIFY(s.k == seen::kind::timed_out, "timed out");
  co_await weft::gather(weft::return_exceptions, tasks);
}

// expired() is true exactly when the scope fired: when the body would have
// run to or past the deadline. Then the scope raises timeout_error;
// otherwise it passes on the body's value or exception. Inside the body,
// expired() is false at every statement; when() is the deadline.
WEFT_PROP(TimeoutProps, ExpiredExactlyWhenTheScopeFired, ()) {
  program_run run(*weft::props::gen_program({.raises = true}));
  auto tasks = run.spawn();
  const body_plan b = gen_body(static_cast<std::uint32_t>(tasks.size()));
  const std::uint32_t d = *rc::gen::inRange<std::uint32_t>(1, 13);
  const weft::time_point deadline = now() + d * tick;
  const api how = *rc::gen::element(api::timeout, api::timeout_at, api::scope);
  weft::timeout_scope scope = how == api::timeout      ? weft::timeout(d * tick)
                              : how == api::timeout_at ? weft::timeout_at(deadline)
                                                       : weft::timeout_scope(deadline);
  RC_ASSERT(scope.when() == deadline);
  RC_LOG() << "deadline " << d << " ticks after entry\n";
  std::vector<weft::time_point> times;
  std::vector<bool> expired_inside;
  seen s;
  co_await record(scope.run([&](weft::timeout_scope& sc) { return run_body(b, tasks, times, &sc, &expired_inside); }), s);
  const body_end e = planned_end(b, &run);
  const bool fires = e.ticks >= d;
  RC_ASSERT(scope.expired() == fires);
  RC_ASSERT((s.k == seen::kind::timed_out) == fires);
  if (!fires) RC_ASSERT(saw_body_end(s, e, b));
  for (bool x : expired_inside) RC_ASSERT(!x);
  RC_ASSERT(scope.when() == deadline);
  RC_CLASSIFY(fires, "fired");
  co_await weft::gather(weft::return_exceptions, tasks);
}

weft::coro<void> sleep_all(const std::vector<std::uint32_t>& sleeps) {
  for (std::uint32_t t : sleeps) co_await weft::sleep(t * tick);
}

weft::coro<int> inner_then_sleep(weft::timeout_scope& inner, const std::vector<std::uint32_t>& pre,
                                 const std::vector<std::uint32_t>& body, const std::vector<std::uint32_t>& post,
                                 seen& inner_seen) {
  co_await sleep_all(pre);
  co_await record(inner.run([&body] { return sleep_all(body); }), inner_seen);
  if (inner_seen.k == seen::kind::cancelled) throw weft::cancelled_error();  // pass the cancellation on
  co_await sleep_all(post);
  co_return 0;
}

std::vector<std::uint32_t> gen_sleeps(int max_count) {
  return *up_to(max_count, rc::gen::inRange<std::uint32_t>(0, 5));
}

std::uint32_t sum(const std::vector<std::uint32_t>& v) {
  std::uint32_t s = 0;
  for (std::uint32_t x : v) s += x;
  return s;
}

// Of two nested scopes, only the one whose deadline passed turns the
// CancelledError into timeout_error: an inner scope outlived by the outer's
// deadline lets the CancelledError through (even when both expire at once),
// and an outer scope sees the inner's timeout_error as any exception.
WEFT_PROP(TimeoutProps, OnlyTheScopeWhoseDeadlinePassedRaisesTimeoutError, ()) {
  const std::vector<std::uint32_t> pre = gen_sleeps(2), body = gen_sleeps(4), post = gen_sleeps(2);
  const std::uint32_t P = sum(pre), B = sum(body), Q = sum(post);
  const std::uint32_t d1 = *rc::gen::inRange<std::uint32_t>(1, 15);
  const std::uint32_t d2 = P + *rc::gen::inRange<std::uint32_t>(1, 12);  // in the future when entered
  RC_LOG() << "outer scope: deadline " << d1 << "; sleeps " << rc::toString(pre) << "; inner scope: deadline " << d2
           << ", sleeps " << rc::toString(body) << "; then sleeps " << rc::toString(post) << "\n";
  const weft::time_point entry = now();
  weft::timeout_scope outer = weft::timeout_at(entry + d1 * tick);
  weft::timeout_scope inner = weft::timeout_at(entry + d2 * tick);
  seen outer_seen, inner_seen;
  co_await record(outer.run([&] { return inner_then_sleep(inner, pre, body, post, inner_seen); }), outer_seen);

  const bool inner_entered = d1 > P;
  const bool inner_fires = inner_entered && d2 <= P + B && d2 <= d1;
  const bool outer_fires = d1 <= std::min(P + B, d2) + Q;
  RC_ASSERT(inner.expired() == inner_fires);
  RC_ASSERT(outer.expired() == outer_fires);
  RC_ASSERT((outer_seen.k == seen::kind::timed_out) == outer_fires);
  if (!outer_fires) RC_ASSERT(outer_seen.k == seen::kind::value);
  if (!inner_entered)
    RC_ASSERT(inner_seen.k == seen::kind::not_run);
  else if (P + B < std::min(d1, d2))
    RC_ASSERT(inner_seen.k == seen::kind::value);
  else if (d2 < d1)
    RC_ASSERT(inner_seen.k == seen::kind::timed_out);
  else
    RC_ASSERT(inner_seen.k == seen::kind::cancelled);
  RC_CLASSIFY(inner_fires && outer_fires, "both expired");
  RC_CLASSIFY(inner_seen.k == seen::kind::timed_out, "the inner raised timeout_error");
  RC_CLASSIFY(inner_entered && inner_seen.k == seen::kind::cancelled, "the outer's cancellation went through the inner");
}

// The task's cancelling() count is back to its value before the scope,
// whether the scope fired or not, and whatever count it started with.
WEFT_PROP(TimeoutProps, CancellingReturnsToItsValueBeforeTheScope, ()) {
  const int prior = *rc::gen::inRange(0, 3);
  for (int i = 0; i < prior; ++i) {
    weft::current_task().cancel();
    try {
      co_await weft::sleep(weft::duration::zero());
    } catch (const weft::cancelled_error&) {
    }
  }
  RC_ASSERT(weft::current_task().cancelling() == prior);
  const body_plan b = gen_body();
  const std::uint32_t d = *rc::gen::inRange<std::uint32_t>(1, 13);
  RC_LOG() << prior << " cancel requests pending; deadline " << d << " ticks\n";
  const std::vector<weft::task<int>> none;
  std::vector<weft::time_point> times;
  seen s;
  co_await record(weft::timeout(d * tick, [&] { return run_body(b, none, times); }), s);
  RC_ASSERT(weft::current_task().cancelling() == prior);
  const body_end e = planned_end(b);
  RC_ASSERT((s.k == seen::kind::timed_out) == (e.ticks >= d));
  if (e.ticks < d) RC_ASSERT(saw_body_end(s, e, b));
  RC_CLASSIFY(s.k == seen::kind::timed_out, "fired");
  RC_CLASSIFY(prior > 0, "cancel requests pending before");
}

/// A body that moves its scope's deadline after `before` (to `after_ticks`
/// from then, or never), then sleeps `after`.
weft::coro<int> rescheduling_body(weft::timeout_scope& scope, const std::vector<std::uint32_t>& before,
                                  std::optional<std::uint32_t> after_ticks, const std::vector<std::uint32_t>& after,
                                  bool& rescheduled) {
  co_await sleep_all(before);
  const std::optional<weft::time_point> when =
      after_ticks ? std::optional(now() + *after_ticks * tick) : std::nullopt;
  scope.reschedule(when);
  rescheduled = scope.when() == when;
  co_await sleep_all(after);
  co_return 1;
}

// reschedule() moves the deadline: reschedule(nullopt) disables the scope,
// however long the body then runs; a new deadline fires at its own time.
WEFT_PROP(TimeoutProps, RescheduleMovesOrDisablesTheDeadline, ()) {
  const std::vector<std::uint32_t> before = gen_sleeps(2), after = gen_sleeps(5);
  const std::uint32_t A = sum(before), B = sum(after);
  const std::uint32_t d = *rc::gen::inRange<std::uint32_t>(1, 10);
  const std::optional<std::uint32_t> x =
      *rc::gen::arbitrary<bool>() ? std::optional(*rc::gen::inRange<std::uint32_t>(1, 12)) : std::nullopt;
  RC_LOG() << "deadline " << d << "; sleeps " << rc::toString(before) << "; reschedule("
           << (x ? "now + " + std::to_string(*x) : std::string("None")) << "); sleeps " << rc::toString(after) << "\n";
  weft::timeout_scope scope = weft::timeout(d * tick);
  bool rescheduled = false;
  seen s;
  co_await record(scope.run([&] { return rescheduling_body(scope, before, x, after, rescheduled); }), s);
  const bool fires = A >= d || (x && B >= *x);
  RC_ASSERT(scope.expired() == fires);
  RC_ASSERT((s.k == seen::kind::timed_out) == fires);
  if (!fires) RC_ASSERT(s.k == seen::kind::value);
  RC_ASSERT(rescheduled == (A < d));
  RC_CLASSIFY(!x && A < d && B >= d - A, "disabled, and ran past the first deadline");
  RC_CLASSIFY(x && A < d && B >= *x, "fired at the new deadline");
}

/// A body that sleeps `sleeps` (none: it never suspends), recording the time
/// of each statement after the first.
weft::coro<int> sleeps_recorded(const std::vector<std::uint32_t>& sleeps, std::vector<weft::time_point>& times) {
  for (std::uint32_t t : sleeps) {
    co_await weft::sleep(t * tick);
    times.push_back(now());
  }
  co_return 3;
}

// A deadline already passed when the scope is entered (Timeout(when) with
// when <= loop.time(): "the timeout will trigger on the next iteration"):
// a body that waits on a timer is cancelled there, none of its later
// statements runs, and the scope raises timeout_error; a body that never
// suspends ends first, and the scope does not expire.
WEFT_PROP(TimeoutProps, APastDeadlineFiresAtTheBodysFirstWait, ()) {
  co_await weft::sleep(*rc::gen::inRange<std::uint32_t>(0, 4) * tick);
  const std::uint32_t back = *rc::gen::inRange<std::uint32_t>(0, 4);  // the deadline, ticks before now
  const weft::time_point deadline = now() - back * tick;
  // Sleeps of at least a tick: a bare yield would race the call_soon'd
  // timeout in the same iteration.
  const std::vector<std::uint32_t> sleeps = *up_to(3, rc::gen::inRange<std::uint32_t>(1, 5));
  const api how = *rc::gen::element(api::timeout, api::timeout_at, api::scope);
  RC_LOG() << "deadline " << back << " ticks ago; sleeps " << rc::toString(sleeps) << "\n";
  weft::timeout_scope scope = how == api::timeout      ? weft::timeout(-(back * tick))
                              : how == api::timeout_at ? weft::timeout_at(deadline)
                                                       : weft::timeout_scope(deadline);
  RC_ASSERT(scope.when() == deadline);
  std::vector<weft::time_point> times;
  seen s;
  const int cancelling = weft::current_task().cancelling();
  co_await record(scope.run([&] { return sleeps_recorded(sleeps, times); }), s);
  RC_ASSERT(times.empty());
  RC_ASSERT(scope.expired() == !sleeps.empty());
  RC_ASSERT(s.k == (sleeps.empty() ? seen::kind::value : seen::kind::timed_out));
  RC_ASSERT(weft::current_task().cancelling() == cancelling);
  RC_CLASSIFY(sleeps.empty(), "never suspends");
}

weft::coro<int> sleep_then(const std::vector<std::uint32_t>& sleeps, int value) {
  co_await sleep_all(sleeps);
  co_return value;
}

/// A task's body: a scope of `d` ticks around `body`'s sleeps; records how
/// the scope ended, the task's cancelling() after it, and expired().
weft::coro<void> scoped(std::uint32_t d, const std::vector<std::uint32_t>& body, seen& s, int& cancelling_after,
                        bool& expired) {
  weft::timeout_scope scope = weft::timeout(d * tick);
  co_await record(scope.run([&body] { return sleep_then(body, 7); }), s);
  cancelling_after = weft::current_task().cancelling();
  expired = scope.expired();
}

// A cancellation from outside during the scope stays a CancelledError (it is
// not the scope's to turn into timeout_error), and stays counted by
// cancelling(); timeout_error comes only from the scope's own deadline.
WEFT_PROP(TimeoutProps, AnOutsideCancelStaysACancelledError, ()) {
  const std::vector<std::uint32_t> body = gen_sleeps(4);
  const std::uint32_t B = sum(body);
  const std::uint32_t d = *rc::gen::inRange<std::uint32_t>(1, 13);
  const std::uint32_t c = *rc::gen::inRange<std::uint32_t>(0, 13);
  RC_LOG() << "a task: deadline " << d << ", sleeps " << rc::toString(body) << "; cancelled at tick " << c << "\n";
  seen s;
  int cancelling_after = -1;
  bool expired = false;
  auto t = weft::create_task(scoped(d, body, s, cancelling_after, expired));
  weft::create_task(cancel_after(t, c * tick));
  co_await t;
  RC_ASSERT(s.k != seen::kind::not_run);
  if (s.k == seen::kind::timed_out) RC_ASSERT(expired && cancelling_after == 0);
  if (s.k == seen::kind::cancelled) RC_ASSERT(cancelling_after == 1);
  if (c < std::min(d, B)) {
    RC_ASSERT(s.k == seen::kind::cancelled);
    RC_ASSERT(!expired);
  } else if (d <= B && d < c) {
    RC_ASSERT(s.k == seen::kind::timed_out);
  } else if (B < std::min(c, d)) {
    RC_ASSERT(s.k == seen::kind::value && !expired);
  } else if (c == d) {  // the deadline and the cancel at once: the deadline's timer runs first
    RC_ASSERT(expired);
    RC_ASSERT(s.k == seen::kind::timed_out || s.k == seen::kind::cancelled);
  } else {  // the cancel and the body's end at once
    RC_ASSERT(!expired);
    RC_ASSERT(s.k == seen::kind::value || s.k == seen::kind::cancelled);
  }
  RC_CLASSIFY(s.k == seen::kind::cancelled, "cancelled from outside");
}

}  // namespace
