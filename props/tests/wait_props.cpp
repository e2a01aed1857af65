// asyncio.wait's guarantees, over generated programs of children, generated
// inputs (repeats included), return_when, timeouts and generated schedules.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <weft/props/programs.hpp>
#include <weft/props/prop.hpp>
#include <weft/weft.hpp>

#include "support.hpp"

namespace {

using namespace props_test;

/// A loop time in ticks, for assertions a counterexample shows.
std::int64_t ticks(weft::time_point t) { return (t - weft::time_point()) / program_run::tick; }

/// The inputs of one wait: some children's tasks, with repeats, in a
/// generated order; how it returns; its timeout (ticks).
struct wait_case {
  std::vector<std::size_t> picks;     // indices of children, in argument order
  std::vector<weft::task<int>> inputs;
  weft::return_when when = weft::return_when::all_completed;
  std::optional<std::uint32_t> timeout;
};

wait_case gen_wait_case(const std::vector<weft::task<int>>& tasks, std::optional<weft::return_when> when = std::nullopt) {
  wait_case c;
  const std::size_t n = tasks.size();
  c.picks = *rc::gen::nonEmpty(rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(0, n)));
  for (std::size_t i : c.picks) c.inputs.push_back(tasks[i]);
  c.when = when ? *when
               : *rc::gen::element(weft::return_when::all_completed, weft::return_when::first_completed,
                                   weft::return_when::first_exception);
  if (*rc::gen::arbitrary<bool>()) c.timeout = *rc::gen::inRange<std::uint32_t>(0, 13);
  static const char* const names[] = {"FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED"};
  RC_LOG() << "wait(children " << rc::toString(c.picks) << ", return_when=" << names[static_cast<int>(c.when)]
           << ", timeout=" << (c.timeout ? std::to_string(*c.timeout) + " ticks" : "none") << ")\n";
  return c;
}

weft::wait_options options_of(const wait_case& c) {
  weft::wait_options o;
  o.when = c.when;
  if (c.timeout) o.timeout = *c.timeout * program_run::tick;
  return o;
}

/// The children picked, each once, in the order of their first pick.
std::vector<std::size_t> unique_picks(const wait_case& c) {
  std::vector<std::size_t> out;
  for (std::size_t i : c.picks)
    if (std::find(out.begin(), out.end(), i) == out.end()) out.push_back(i);
  return out;
}

/// The virtual time at which wait's condition first holds, from how the
/// inputs ended (their end times once all have ended), ignoring the timeout.
weft::time_point condition_time(const program_run& run, const wait_case& c, weft::time_point start) {
  weft::time_point first = weft::time_point::max(), last = weft::time_point::min(),
                   first_raise = weft::time_point::max();
  for (std::size_t i : unique_picks(c)) {
    const child_outcome& o = run.outcomes()[i];
    first = std::min(first, o.ended);
    last = std::max(last, o.ended);
    if (o.k == kind::raised) first_raise = std::min(first_raise, o.ended);
  }
  weft::time_point t = last;
  if (c.when == weft::return_when::first_completed) t = first;
  if (c.when == weft::return_when::first_exception) t = std::min(first_raise, last);
  return std::max(t, start);  // an input done before the wait completes it at once
}

/// The time wait returns at: when its condition holds, or at its timeout.
weft::time_point return_time(const program_run& run, const wait_case& c, weft::time_point start) {
  weft::time_point t = condition_time(run, c, start);
  if (c.timeout) t = std::min(t, start + *c.timeout * program_run::tick);
  return t;
}

/// Did the timeout fire before the condition held (or at the same time)?
bool timed_out(const wait_case& c, weft::time_point start, weft::time_point now) {
  return c.timeout && now >= start + *c.timeout * program_run::tick;
}

/// A generated pause before the wait, so that some inputs are done already.
weft::coro<void> pause() {
  co_await weft::sleep(*rc::gen::inRange<std::uint32_t>(0, 4) * program_run::tick);
}

// done and pending partition the inputs: each input exactly once, in
// argument order (repeats removed); the done ones are done, the pending not.
WEFT_PROP(WaitProps, DoneAndPendingPartitionTheInputs, ()) {
  program_run run(*weft::props::gen_program({.raises = true, .hangs = true, .max_cancels = 2}));
  auto tasks = run.spawn();
  wait_case c = gen_wait_case(tasks);
  co_await pause();
  const weft::wait_options opts = options_of(c);
  auto got = co_await weft::wait(c.inputs, opts);
  const std::vector<std::size_t> expected = unique_picks(c);
  RC_ASSERT(got.done.size() + got.pending.size() == expected.size());
  for (const auto& t : got.done) RC_ASSERT(t.done());
  for (const auto& t : got.pending) RC_ASSERT(!t.done());
  // Each half keeps the argument order, and together they hold every input once.
  std::size_t d = 0, p = 0;
  for (std::size_t i : expected) {
    if (d < got.done.size() && got.done[d] == tasks[i])
      ++d;
    else if (p < got.pending.size() && got.pending[p] == tasks[i])
      ++p;
    else
      RC_FAIL("input (child " + std::to_string(i) + ") missing or out of order");
  }
  RC_CLASSIFY(!got.done.empty() && !got.pending.empty(), "both halves non-empty");
  RC_CLASSIFY(c.picks.size() != expected.size(), "repeated inputs");
  co_await weft::gather(weft::return_exceptions, tasks);
}

// FIRST_COMPLETED: at least one done task unless the timeout fired, and the
// wait returns as soon as the first input ends (or at its timeout).
WEFT_PROP(WaitProps, FirstCompletedReturnsADoneTaskUnlessTheTimeoutFired, ()) {
  program_run run(*weft::props::gen_program({.raises = true, .hangs = true, .max_cancels = 1}));
  auto tasks = run.spawn();
  wait_case c = gen_wait_case(tasks, weft::return_when::first_completed);
  co_await pause();
  const weft::time_point start = weft::get_running_loop().time();
  const weft::wait_options opts = options_of(c);
  auto got = co_await weft::wait(c.inputs, opts);
  const weft::time_point now = weft::get_running_loop().time();
  const bool fired = timed_out(c, start, now);
  if (!fired) RC_ASSERT(!got.done.empty());
  RC_CLASSIFY(got.done.empty(), "timed out with nothing done");
  co_await weft::gather(weft::return_exceptions, tasks);
  RC_ASSERT(ticks(now) == ticks(return_time(run, c, start)));
}

// FIRST_EXCEPTION: returns when an input raised (it is in done) or when all
// are done, or at its timeout; never later.
WEFT_PROP(WaitProps, FirstExceptionReturnsAtTheFirstExceptionOrWhenAllAreDone, ()) {
  program_run run(*weft::props::gen_program({.raises = true, .hangs = true, .max_cancels = 1}));
  auto tasks = run.spawn();
  wait_case c = gen_wait_case(tasks, weft::return_when::first_exception);
  co_await pause();
  const weft::time_point start = weft::get_running_loop().time();
  const weft::wait_options opts = options_of(c);
  auto got = co_await weft::wait(c.inputs, opts);
  const weft::time_point now = weft::get_running_loop().time();
  const bool raised = std::any_of(got.done.begin(), got.done.end(),
                                  [](const weft::task<int>& t) { return !t.cancelled() && t.exception(); });
  RC_ASSERT(raised || got.pending.empty() || timed_out(c, start, now));
  RC_CLASSIFY(raised && !got.pending.empty(), "returned early on an exception");
  co_await weft::gather(weft::return_exceptions, tasks);
  RC_ASSERT(ticks(now) == ticks(return_time(run, c, start)));
}

// ALL_COMPLETED without a timeout leaves nothing pending and returns when
// the last input ends; with one, a pending input means the timeout fired.
WEFT_PROP(WaitProps, AllCompletedWithoutATimeoutLeavesNothingPending, ()) {
  program_run run(*weft::props::gen_program({.raises = true, .hangs = true, .max_cancels = 2}));
  auto tasks = run.spawn();
  wait_case c = gen_wait_case(tasks, weft::return_when::all_completed);
  co_await pause();
  const weft::time_point start = weft::get_running_loop().time();
  const weft::wait_options opts = options_of(c);
  auto got = co_await weft::wait(c.inputs, opts);
  const weft::time_point now = weft::get_running_loop().time();
  if (!c.timeout) RC_ASSERT(got.pending.empty());
  if (!got.pending.empty()) RC_ASSERT(timed_out(c, start, now));
  RC_CLASSIFY(!got.pending.empty(), "timed out");
  co_await weft::gather(weft::return_exceptions, tasks);
  RC_ASSERT(ticks(now) == ticks(return_time(run, c, start)));
}

/// Runs a wait in its own task, so that it can be cancelled.
weft::coro<void> wait_in_task(std::vector<weft::task<int>>& inputs, weft::wait_options opts, bool& cancelled) {
  try {
    co_await weft::wait(inputs, opts);
  } catch (const weft::cancelled_error&) {
    cancelled = true;
    throw;
  }
}

// wait cancels none of its inputs, whether it returns on its condition, on
// its timeout, or is itself cancelled: every input ends as it would alone.
WEFT_PROP(WaitProps, NeverCancelsItsInputs, ()) {
  program_run run(*weft::props::gen_program({.raises = true}));
  const weft::time_point spawned = weft::get_running_loop().time();
  auto tasks = run.spawn();
  wait_case c = gen_wait_case(tasks);
  const std::optional<std::uint32_t> cancel_at =
      *rc::gen::arbitrary<bool>() ? std::optional(*rc::gen::inRange<std::uint32_t>(0, 13)) : std::nullopt;
  bool cancelled = false;
  auto waiter = weft::create_task(wait_in_task(c.inputs, options_of(c), cancelled));
  if (cancel_at) weft::create_task(cancel_after(waiter, *cancel_at * program_run::tick));
  co_await weft::gather(weft::return_exceptions, waiter);
  RC_ASSERT(waiter.cancelled() == cancelled);
  RC_CLASSIFY(cancelled, "the wait was cancelled");
  RC_CLASSIFY(c.timeout.has_value(), "with a timeout");
  co_await weft::gather(weft::return_exceptions, tasks);
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const child_outcome& o = run.outcomes()[i];
    const child_outcome planned = *run.planned(i);
    RC_ASSERT(o.k == planned.k);
    if (o.k == kind::value) RC_ASSERT(o.value == planned.value);
    if (o.k == kind::raised) RC_ASSERT(o.raised_by == planned.raised_by);
    RC_ASSERT(ticks(o.ended) == ticks(spawned + *run.planned_end(i) * program_run::tick));
  }
}

}  // namespace
