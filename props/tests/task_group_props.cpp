// asyncio.TaskGroup's guarantees, over generated programs of children (the
// group's tasks), generated parent bodies, cancellations from outside and
// generated schedules.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <vector>

#include <weft/props/programs.hpp>
#include <weft/props/prop.hpp>
#include <weft/weft.hpp>

#include "support.hpp"

namespace {

using namespace props_test;

weft::coro<void> sleep_all(const std::vector<std::uint32_t>& sleeps) {
  for (std::uint32_t t : sleeps) co_await weft::sleep(t * tick);
}

std::uint32_t sum(const std::vector<std::uint32_t>& v) {
  std::uint32_t s = 0;
  for (std::uint32_t x : v) s += x;
  return s;
}

/// One group: its program of children, the parent body (spawn the children
/// in the group, sleep, then return or raise), and what happened.
struct group_case {
  explicit group_case(const weft::props::task_program& p) : run(p) {}
  program_run run;
  std::vector<std::uint32_t> body_sleeps;
  bool body_raises = false;
  // What happened.
  weft::time_point spawned{};
  std::vector<weft::task<int>> tasks;
  bool body_cancelled = false;
  bool body_raised = false;
  std::uint64_t body_raised_in = 0;        // the loop iteration it raised in
  bool group_over = false;
  enum class exit : std::uint8_t { not_run, value, group, cancelled, other };
  exit how = exit::not_run;
  std::vector<std::exception_ptr> errors;  // the exception_group's
  bool all_done = false;                   // every child done when run() ended
  int cancelling_after = -1;               // the parent's cancelling() after run()
  bool next_await_cancelled = false;       // the parent's next await raised CancelledError
};

/// Up to `max_count` values of `g`, drawn at the case's size (a container
/// resized to max_count would draw its elements at that size, near 0).
template <class T>
rc::Gen<std::vector<T>> up_to(int max_count, rc::Gen<T> g) {
  return rc::gen::withSize([max_count, g](int size) {
    return rc::gen::resize(max_count, rc::gen::container<std::vector<T>>(rc::gen::resize(size, g)));
  });
}

void showValue(group_case::exit e, std::ostream& os) {
  static const char* const names[] = {"not run", "value", "exception_group", "CancelledError", "other"};
  os << names[static_cast<int>(e)];
}

void gen_body(group_case& gc, bool raises, std::uint32_t max_ticks = 5) {
  gc.body_sleeps = *up_to(3, rc::gen::inRange<std::uint32_t>(0, max_ticks + 1));
  gc.body_raises = raises && *rc::gen::weightedElement<bool>({{3, false}, {1, true}});
  RC_LOG() << "parent body: sleeps " << rc::toString(gc.body_sleeps) << (gc.body_raises ? ", raise" : ", return") << "\n";
}

weft::coro<int> group_body(weft::task_group& g, group_case& gc) {
  gc.spawned = now();
  gc.tasks = gc.run.spawn(g);
  try {
    co_await sleep_all(gc.body_sleeps);
  } catch (const weft::cancelled_error&) {
    gc.body_cancelled = true;
    throw;
  }
  if (gc.body_raises) {
    gc.body_raised = true;
    gc.body_raised_in = weft::get_running_loop().iterations();
    throw body_error();
  }
  co_return 0;
}

/// `async with TaskGroup() as g: body`, recording how it ended; then one
/// more await (to see a cancellation left pending).
weft::coro<void> run_group(group_case& gc) {
  weft::task_group g;
  try {
    (void)co_await g.run([&gc](weft::task_group& tg) { return group_body(tg, gc); });
    gc.how = group_case::exit::value;
  } catch (const weft::exception_group& e) {
    gc.how = group_case::exit::group;
    gc.errors = e.exceptions();
  } catch (const weft::cancelled_error&) {
    gc.how = group_case::exit::cancelled;
  } catch (...) {
    gc.how = group_case::exit::other;
  }
  gc.group_over = true;
  gc.all_done = std::all_of(gc.tasks.begin(), gc.tasks.end(), [](const auto& t) { return t.done(); });
  gc.cancelling_after = weft::current_task().cancelling();
  try {
    co_await weft::sleep(weft::duration::zero());
  } catch (const weft::cancelled_error&) {
    gc.next_await_cancelled = true;
  }
}

/// Cancels the parent at `at` ticks, if its group is still running then.
weft::coro<void> cancel_parent(weft::any_task parent, const group_case& gc, weft::duration at, bool& delivered) {
  co_await weft::sleep(at);
  if (!gc.group_over) delivered = parent.cancel();
}

/// Waits for `f` to be done, through any cancellation (injected faults).
weft::coro<void> settle(weft::any_future f) {
  while (!f.done()) {
    try {
      std::vector<weft::any_future> one{f};
      co_await weft::wait(one);
    } catch (const weft::cancelled_error&) {
    }
  }
}

/// The loop iteration in which the group learnt of its first failure: the
/// one after a child ended with it (its done callback), the one the parent
/// body raised in; max if nothing failed.
std::uint64_t first_failure_iteration(const group_case& gc) {
  std::uint64_t first = UINT64_MAX;
  for (const auto& o : gc.run.outcomes())
    if (o.k == kind::raised) first = std::min(first, o.iteration + 1);
  if (gc.body_raised) first = std::min(first, gc.body_raised_in);
  return first;
}

/// The earliest time a child or the parent body raised, or max.
weft::time_point first_failure(const group_case& gc) {
  weft::time_point first = weft::time_point::max();
  for (const auto& o : gc.run.outcomes())
    if (o.k == kind::raised) first = std::min(first, o.ended);
  if (gc.body_raised) first = std::min(first, gc.spawned + sum(gc.body_sleeps) * tick);
  return first;
}

// No child outlives its group: when run() returns or throws, every child is
// done, whatever fails, whoever is cancelled (from outside, the parent, or
// cancellations injected wherever a task waits).
WEFT_PROP_WITH(TaskGroupProps, NoChildOutlivesTheGroup, ({.schedule = {.cancel_faults = true}}), ()) {
  group_case gc(*weft::props::gen_program({.raises = true, .max_cancels = 2}));
  gen_body(gc, true);
  auto parent = weft::create_task(run_group(gc));
  bool delivered = false;
  if (*rc::gen::arbitrary<bool>())
    weft::create_task(cancel_parent(parent, gc, *rc::gen::inRange<std::uint32_t>(0, 12) * tick, delivered));
  co_await settle(parent);
  RC_ASSERT(gc.how != group_case::exit::not_run);
  RC_ASSERT(gc.all_done);
  RC_CLASSIFY(gc.how == group_case::exit::group, "raised an exception_group");
  RC_CLASSIFY(gc.how == group_case::exit::cancelled, "raised CancelledError");
}

/// Checks that the first failure cancelled every sibling still running and
/// the parent body (see the two properties below).
void check_first_failure_cancels(const group_case& gc) {
  const weft::time_point first = first_failure(gc);
  const std::uint64_t learnt = first_failure_iteration(gc);
  for (std::size_t i = 0; i < gc.tasks.size(); ++i) {
    const child_outcome& o = gc.run.outcomes()[i];
    if (o.ended > first) RC_ASSERT(o.k == kind::cancelled);
    if (o.iteration > learnt) RC_ASSERT(o.k == kind::cancelled);
    if (o.ended < first) RC_ASSERT(gc.run.ended_as_planned(i));
  }
  const weft::time_point body_end = gc.spawned + sum(gc.body_sleeps) * tick;
  if (body_end > first) RC_ASSERT(gc.body_cancelled);
  if (body_end < first) RC_ASSERT(!gc.body_cancelled);
  RC_ASSERT((gc.how == group_case::exit::value) == (first == weft::time_point::max()));
  RC_CLASSIFY(first != weft::time_point::max() && std::any_of(gc.run.outcomes().begin(), gc.run.outcomes().end(),
                                                               [](const auto& o) { return o.k == kind::cancelled; }),
              "a sibling cancelled");
  RC_CLASSIFY(gc.body_cancelled, "the body cancelled");
}

// The first failure (a child's, or the parent body's) cancels every sibling
// still running and the parent body: whatever ends after it ends cancelled;
// what ended before it ended as planned.
WEFT_PROP(TaskGroupProps, TheFirstFailureCancelsEverySiblingAndTheBody, ()) {
  group_case gc(*weft::props::gen_program({.raises = true}));
  gen_body(gc, true);
  co_await run_group(gc);
  check_first_failure_cancels(gc);
}

// The same, iteration by iteration: the siblings are cancelled in the very
// callback in which the group learns of the failure (TaskGroup._on_task_done
// aborts), so none ends in a later loop iteration but cancelled. Programs of
// bare yields only, so that they race the failure iteration by iteration.
WEFT_PROP(TaskGroupProps, SiblingsAreCancelledWhereTheGroupLearnsOfTheFailure, ()) {
  group_case gc(*weft::props::gen_program({.max_ticks = 0, .raises = true}));
  gen_body(gc, true, 0);
  co_await run_group(gc);
  check_first_failure_cancels(gc);
}

/// Programs in which about half the children that would return raise instead.
rc::Gen<weft::props::task_program> more_raises(rc::Gen<weft::props::task_program> programs) {
  return rc::gen::mapcat(programs, [](weft::props::task_program p) {
    auto flips = rc::gen::container<std::vector<bool>>(p.children.size(), rc::gen::arbitrary<bool>());
    return rc::gen::map(flips, [p](const std::vector<bool>& flip) {
      weft::props::task_program q = p;
      for (std::size_t i = 0; i < q.children.size(); ++i)
        if (flip[i] && q.children[i].ending == weft::props::child_ending::value)
          q.children[i].ending = weft::props::child_ending::raise;
      return q;
    });
  });
}

// The exception_group holds every error that is not a cancellation: each
// child's that raised, in the order they ended (children ending in the same
// loop iteration may come in either order), then the body's own.
WEFT_PROP(TaskGroupProps, TheExceptionGroupHoldsEveryErrorInOrder, ()) {
  // Short sleeps and many children that raise: failures at the same time,
  // so that several are caught.
  group_case gc(*more_raises(weft::props::gen_program(
      {.max_ticks = 1, .raises = true, .hangs = true, .max_cancels = 1})));
  gen_body(gc, true, 1);
  co_await run_group(gc);
  std::vector<std::pair<std::uint64_t, std::size_t>> raised;  // (iteration, child whose error it is)
  for (const auto& o : gc.run.outcomes())
    if (o.k == kind::raised) raised.emplace_back(o.iteration, *o.raised_by);
  std::stable_sort(raised.begin(), raised.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  const std::size_t expected = raised.size() + (gc.body_raised ? 1 : 0);
  if (expected == 0) {
    RC_ASSERT(gc.how == group_case::exit::value);
    co_return;
  }
  RC_ASSERT(gc.how == group_case::exit::group);
  RC_ASSERT(gc.errors.size() == expected);
  std::vector<std::size_t> got;
  for (std::size_t i = 0; i < raised.size(); ++i) {
    try {
      std::rethrow_exception(gc.errors[i]);
    } catch (const weft::props::child_error& e) {
      got.push_back(e.child());
    } catch (...) {
      RC_FAIL("error " + std::to_string(i) + " of the group is not a child's");
    }
  }
  // Block by block (the children that ended in one iteration), the same errors.
  for (std::size_t a = 0; a < raised.size();) {
    std::size_t b = a;
    while (b < raised.size() && raised[b].first == raised[a].first) ++b;
    std::vector<std::size_t> want, have(got.begin() + static_cast<std::ptrdiff_t>(a), got.begin() + static_cast<std::ptrdiff_t>(b));
    for (std::size_t i = a; i < b; ++i) want.push_back(raised[i].second);
    std::sort(want.begin(), want.end());
    std::sort(have.begin(), have.end());
    RC_ASSERT(want == have);
    a = b;
  }
  if (gc.body_raised) RC_ASSERT(weft::exception_is<body_error>(gc.errors.back()));
  RC_CLASSIFY(expected > 1, "several errors");
  RC_CLASSIFY(gc.body_raised && expected > 1, "the body's error after children's");
}

// Cancelling the parent cancels the children, and the parent's cancellation
// propagates: run() raises CancelledError (not an exception_group), every
// child still running ends cancelled, and the request stays counted.
WEFT_PROP(TaskGroupProps, CancellingTheParentCancelsTheChildrenAndPropagates, ()) {
  group_case gc(*weft::props::gen_program({.raises = false, .hangs = true}));
  gen_body(gc, false);
  auto parent = weft::create_task(run_group(gc));
  const std::uint32_t c = *rc::gen::inRange<std::uint32_t>(0, 13);  // the hangs end at tick 14
  RC_LOG() << "the parent is cancelled at tick " << c << "\n";
  bool delivered = false;
  weft::create_task(cancel_parent(parent, gc, c * tick, delivered));
  co_await parent;
  RC_ASSERT(gc.all_done);
  RC_CLASSIFY(delivered, "cancelled while running");
  if (!delivered) {
    RC_ASSERT(gc.how == group_case::exit::value);
    RC_ASSERT(gc.cancelling_after == 0);
    co_return;
  }
  RC_ASSERT(gc.how == group_case::exit::cancelled);
  RC_ASSERT(gc.cancelling_after == 1);
  RC_ASSERT(!gc.next_await_cancelled);
  const weft::time_point cancel_at = gc.spawned + c * tick;
  for (const auto& o : gc.run.outcomes())
    if (o.ended > cancel_at) RC_ASSERT(o.k == kind::cancelled);
  if (gc.spawned + sum(gc.body_sleeps) * tick > cancel_at) RC_ASSERT(gc.body_cancelled);
}

// Errors take priority over a cancellation from outside: run() raises the
// exception_group, and the outside request stays pending (cancelling() is 1
// and the parent's next await raises CancelledError); without one, nothing
// is left pending.
WEFT_PROP(TaskGroupProps, ErrorsTakePriorityOverAnOutsideCancellation, ()) {
  group_case gc(*weft::props::gen_program({.raises = true, .hangs = true}));
  gen_body(gc, true);
  auto parent = weft::create_task(run_group(gc));
  const std::uint32_t c = *rc::gen::inRange<std::uint32_t>(0, 8);
  RC_LOG() << "the parent is cancelled at tick " << c << "\n";
  bool delivered = false;
  weft::create_task(cancel_parent(parent, gc, c * tick, delivered));
  co_await parent;
  const bool errors = gc.body_raised || std::any_of(gc.run.outcomes().begin(), gc.run.outcomes().end(),
                                                    [](const auto& o) { return o.k == kind::raised; });
  RC_ASSERT(gc.how == (errors ? group_case::exit::group : delivered ? group_case::exit::cancelled : group_case::exit::value));
  RC_ASSERT(gc.cancelling_after == (delivered ? 1 : 0));
  RC_ASSERT(gc.next_await_cancelled == (delivered && errors));
  RC_CLASSIFY(delivered && errors, "errors and an outside cancel");
}

}  // namespace
