// asyncio.wait_for's guarantees (3.13), over generated programs of
// children, generated timeouts and cancellations, and generated schedules.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <weft/props/programs.hpp>
#include <weft/props/prop.hpp>
#include <weft/weft.hpp>

#include "support.hpp"

namespace {

using namespace props_test;

/// A number in [lo, hi), drawn over the whole range whatever the case's size
/// (for a time placed around an event of the case).
std::uint32_t pick(std::uint32_t lo, std::uint32_t hi) { return *rc::gen::resize(100, rc::gen::inRange(lo, hi)); }

/// How an await of a child's task ended, as seen by the awaiter.
struct seen {
  enum class kind : std::uint8_t { not_run, value, raised, timed_out, cancelled };
  kind k = kind::not_run;
  int value = 0;
  std::optional<std::size_t> raised_by;
  weft::time_point at{};
};

void showValue(seen::kind k, std::ostream& os) {
  static const char* const names[] = {"not run", "value", "raised", "timed out", "cancelled"};
  os << names[static_cast<int>(k)];
}

/// A loop time in ticks, for assertions a counterexample shows.
std::int64_t ticks(weft::time_point t) { return (t - weft::time_point()) / tick; }

/// Whether what an awaiter saw is the child's planned outcome.
bool is_planned(const seen& s, const program_run& run, std::size_t child) {
  const std::optional<child_outcome> p = run.planned(child);
  if (!p) return false;
  if (p->k == kind::value) return s.k == seen::kind::value && s.value == p->value;
  return s.k == seen::kind::raised && s.raised_by == p->raised_by;
}

/// Whether a child ended as planned.
/// `co_await wait_for(inner, timeout)`, recording how it ended.
weft::coro<void> call_wait_for(weft::task<int> inner, std::optional<weft::duration> timeout, seen& s) {
  try {
    s.value = co_await weft::wait_for(inner, timeout);
    s.k = seen::kind::value;
  } catch (const weft::props::child_error& e) {
    s.k = seen::kind::raised;
    s.raised_by = e.child();
  } catch (const weft::timeout_error&) {
    s.k = seen::kind::timed_out;
  } catch (const weft::cancelled_error&) {
    s.k = seen::kind::cancelled;
  }
  s.at = now();
}

/// The end of a child if nothing cancels it: a time, or max for a hang.
weft::time_point planned_end(const program_run& run, std::size_t child, weft::time_point spawned) {
  const std::optional<std::uint32_t> e = run.planned_end(child);
  return e ? spawned + *e * tick : weft::time_point::max();
}

// The result (or the inner's own exception) arrives iff the inner finished
// before the deadline; otherwise timeout_error, at the deadline.
WEFT_PROP(WaitForProps, ResultArrivesIffTheInnerFinishesBeforeTheDeadline, ()) {
  program_run run(*weft::props::gen_program({.raises = true}));
  const weft::time_point spawned = now();
  auto tasks = run.spawn();
  const std::size_t k = *rc::gen::inRange<std::size_t>(0, tasks.size());
  co_await weft::sleep(*rc::gen::inRange<std::uint32_t>(0, 4) * tick);
  const weft::time_point start = now();
  // A deadline around the inner's end, so that both sides come up.
  const auto left = std::max<std::int64_t>((planned_end(run, k, spawned) - start) / tick, 1);
  const std::uint32_t d = pick(1, static_cast<std::uint32_t>(left) + 4);
  const weft::time_point deadline = start + d * tick;
  RC_LOG() << "wait_for(child " << k << ", " << d << " ticks) at tick " << ticks(start) << "\n";
  seen s;
  co_await call_wait_for(tasks[k], d * tick, s);
  const bool before = planned_end(run, k, spawned) < deadline;
  RC_CLASSIFY(before, "finished before the deadline");
  if (before) {
    RC_ASSERT(is_planned(s, run, k));
    RC_ASSERT(ticks(s.at) == ticks(std::max(planned_end(run, k, spawned), start)));
  } else {
    RC_ASSERT(s.k == seen::kind::timed_out);
    RC_ASSERT(ticks(s.at) == ticks(deadline));
  }
  co_await weft::gather(weft::return_exceptions, tasks);
}

// On timeout wait_for raises timeout_error, and the inner task is already
// done (cancelled) when it does; timeout 0 cancels an inner not yet done.
WEFT_PROP(WaitForProps, OnTimeoutTheInnerIsCancelledAndDone, ()) {
  program_run run(*weft::props::gen_program({.raises = true, .hangs = true}));
  const weft::time_point spawned = now();
  auto tasks = run.spawn();
  const std::size_t k = *rc::gen::inRange<std::size_t>(0, tasks.size());
  co_await weft::sleep(*rc::gen::inRange<std::uint32_t>(0, 2) * tick);
  const weft::time_point start = now();
  const std::uint32_t d = *rc::gen::inRange<std::uint32_t>(0, 13);  // the hangs end at tick 14
  RC_LOG() << "wait_for(child " << k << ", " << d << " ticks) at tick " << ticks(start) << "\n";
  bool timed_out = false, done = false, cancelled = false;
  try {
    co_await weft::wait_for(tasks[k], d * tick);
  } catch (const weft::timeout_error&) {
    timed_out = true;
    done = tasks[k].done();  // right where wait_for returns
    cancelled = tasks[k].cancelled();
  } catch (const weft::props::child_error&) {
  }
  RC_CLASSIFY(d == 0, "timeout 0");
  RC_CLASSIFY(timed_out, "timed out");
  const weft::time_point end = planned_end(run, k, spawned);
  if (timed_out) {
    RC_ASSERT(done && cancelled);
    RC_ASSERT(ticks(now()) == ticks(start + d * tick));
    RC_ASSERT(end >= start + d * tick);
  } else {
    RC_ASSERT(end <= start + d * tick);
    RC_ASSERT(run.ended_as_planned(k));
  }
  if (d > 0 || end != start) RC_ASSERT(timed_out == (end >= start + d * tick));
  co_await weft::gather(weft::return_exceptions, tasks);
}

// Cancelling the task that waits cancels the inner task: the caller sees
// CancelledError (not timeout_error) and the inner ends cancelled.
WEFT_PROP(WaitForProps, CancellingTheCallerCancelsTheInner, ()) {
  program_run run(*weft::props::gen_program({.raises = true, .hangs = true}));
  const weft::time_point spawned = now();
  auto tasks = run.spawn();
  const std::size_t k = *rc::gen::inRange<std::size_t>(0, tasks.size());
  const bool has_timeout = *rc::gen::arbitrary<bool>();
  const std::uint32_t d = *rc::gen::inRange<std::uint32_t>(1, 13);
  const std::uint32_t c = *rc::gen::inRange<std::uint32_t>(0, 13);  // the hangs end at tick 14
  RC_LOG() << "a task runs wait_for(child " << k << ", " << (has_timeout ? std::to_string(d) + " ticks" : "none")
           << "); it is cancelled at tick " << c << "\n";
  seen s;
  auto caller = weft::create_task(
      call_wait_for(tasks[k], has_timeout ? std::optional(d * tick) : std::nullopt, s));
  weft::create_task(cancel_after(caller, c * tick));
  co_await caller;
  co_await weft::gather(weft::return_exceptions, tasks);
  RC_ASSERT(s.k != seen::kind::not_run);
  const weft::time_point end = planned_end(run, k, spawned);
  const weft::time_point cancel_at = spawned + c * tick;
  const weft::time_point deadline = has_timeout ? spawned + d * tick : weft::time_point::max();
  const bool inner_cancelled = run.outcomes()[k].k == kind::cancelled;
  if (cancel_at < end && cancel_at <= deadline) {
    RC_CLASSIFY(true, "cancelled while waiting");
    RC_ASSERT(s.k == seen::kind::cancelled);
    RC_ASSERT(inner_cancelled);
    RC_ASSERT(ticks(run.outcomes()[k].ended) == ticks(cancel_at));
  } else if (end < cancel_at && end < deadline) {
    RC_ASSERT(is_planned(s, run, k));
    RC_ASSERT(run.ended_as_planned(k));
  } else if (deadline < cancel_at && deadline <= end) {
    RC_ASSERT(s.k == seen::kind::timed_out);
    RC_ASSERT(inner_cancelled);
  } else {  // the cancel and the inner's end at once: either may come first
    RC_CLASSIFY(true, "cancel and end at once");
    RC_ASSERT(s.k == seen::kind::cancelled || is_planned(s, run, k));
    if (s.k != seen::kind::cancelled) RC_ASSERT(run.ended_as_planned(k));
    RC_ASSERT(inner_cancelled || run.ended_as_planned(k));
  }
}

/// A coroutine for wait_for to run: sleeps, then returns `value`; records
/// the task running it and the time of each of its statements.
weft::coro<int> sleeper(std::vector<std::uint32_t> sleeps, int value, weft::any_task& ran_in,
                        std::vector<weft::time_point>& times) {
  ran_in = weft::current_task();
  times.push_back(now());
  for (std::uint32_t t : sleeps) {
    co_await weft::sleep(t * tick);
    times.push_back(now());
  }
  co_return value;
}

// 3.13: a coroutine runs inside the caller's task (no new task); its result
// arrives iff it finishes before the deadline, and none of its statements
// runs at or after the deadline.
WEFT_PROP(WaitForProps, ACoroutineRunsInTheCallersTaskUntilTheDeadline,
          (const std::vector<std::uint8_t>& raw_sleeps, int value)) {
  std::vector<std::uint32_t> sleeps;
  std::uint32_t total = 0;
  for (std::uint8_t t : raw_sleeps) {
    sleeps.push_back(t % 4);
    total += t % 4;
  }
  const std::uint32_t d = pick(1, total + 4);
  const weft::time_point deadline = now() + d * tick;
  RC_LOG() << "wait_for(sleeps " << rc::toString(sleeps) << ", " << d << " ticks)\n";
  weft::any_task ran_in;
  std::vector<weft::time_point> times;
  std::optional<int> got;
  try {
    got = co_await weft::wait_for(sleeper(sleeps, value, ran_in, times), d * tick);
  } catch (const weft::timeout_error&) {
  }
  RC_ASSERT(ran_in == weft::current_task());
  RC_ASSERT(got.has_value() == (total < d));
  if (got) RC_ASSERT(*got == value);
  for (weft::time_point t : times) RC_ASSERT(ticks(t) < ticks(deadline));
  RC_CLASSIFY(!got, "timed out");
}

}  // namespace
