// asyncio.gather's guarantees, over generated programs of children and
// generated schedules.

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include <weft/props/programs.hpp>
#include <weft/props/prop.hpp>
#include <weft/weft.hpp>

#include "support.hpp"

namespace {

using namespace props_test;

/// The earliest virtual time at which a child ended with an exception.
weft::time_point first_raise(const program_run& run) {
  weft::time_point first = weft::time_point::max();
  for (const auto& o : run.outcomes())
    if (o.k == kind::raised) first = std::min(first, o.ended);
  return first;
}

// gather(*aws): the results follow the arguments, whatever order the
// children finish in.
WEFT_PROP(GatherProps, ResultsFollowArgumentOrder, ()) {
  program_run run(*weft::props::gen_program({.raises = false}));
  std::vector<int> got = co_await weft::gather(run.spawn());
  RC_ASSERT(got.size() == run.program().children.size());
  for (std::size_t i = 0; i < got.size(); ++i) RC_ASSERT(got[i] == run.program().children[i].value);
  RC_CLASSIFY(!std::is_sorted(run.outcomes().begin(), run.outcomes().end(),
                              [](const auto& a, const auto& b) { return a.order < b.order; }),
              "completed out of argument order");
}

// Without return_exceptions the first exception in time propagates, and the
// other children are not cancelled: they run on to their own end.
WEFT_PROP(GatherProps, FirstExceptionPropagatesOthersRunOn, ()) {
  program_run run(*weft::props::gen_program({.raises = true}));
  auto tasks = run.spawn();
  std::optional<std::size_t> caught;
  try {
    co_await weft::gather(tasks);
  } catch (const weft::props::child_error& e) {
    caught = e.child();
  }
  co_await weft::gather(weft::return_exceptions, tasks);  // let the others end
  const bool any_raise = std::any_of(run.outcomes().begin(), run.outcomes().end(),
                                     [](const auto& o) { return o.k == kind::raised; });
  RC_ASSERT(caught.has_value() == any_raise);
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    RC_ASSERT(run.outcomes()[i].k != kind::cancelled);
    RC_ASSERT(run.outcomes()[i].k == run.planned(i)->k);
  }
  if (!caught) co_return;
  // The exception gather raised is one a child raised at the earliest time.
  const weft::time_point first = first_raise(run);
  RC_ASSERT(std::any_of(run.outcomes().begin(), run.outcomes().end(), [&](const child_outcome& o) {
    return o.k == kind::raised && o.ended == first && o.raised_by == caught;
  }));
}

// With return_exceptions every outcome sits in its own slot.
WEFT_PROP(GatherProps, ReturnExceptionsKeepsEachOutcomeInItsSlot, ()) {
  program_run run(*weft::props::gen_program({.raises = true, .hangs = true, .max_cancels = 2}));
  auto got = co_await weft::gather(weft::return_exceptions, run.spawn());
  RC_ASSERT(got.size() == run.program().children.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    const child_outcome& o = run.outcomes()[i];
    switch (o.k) {
      case kind::value: RC_ASSERT(got[i].has_value() && got[i].value() == o.value); break;
      case kind::cancelled: RC_ASSERT(weft::is_cancelled_error(got[i].exception())); break;
      case kind::raised: {
        RC_ASSERT(!got[i].has_value());
        try {
          std::rethrow_exception(got[i].exception());
        } catch (const weft::props::child_error& e) {
          RC_ASSERT(o.raised_by == e.child());
        }
        break;
      }
      case kind::pending: RC_FAIL("gather returned before a child ended");
    }
  }
}

// Cancelling the gather cancels every child not yet done.
WEFT_PROP(GatherProps, CancellingTheGatherCancelsUnfinishedChildren, (std::uint8_t at)) {
  program_run run(*weft::props::gen_program({.raises = false, .hangs = true}));
  auto tasks = run.spawn();
  auto all = weft::gather(tasks);
  auto canceller = weft::create_task(cancel_after(all, (at % 6) * program_run::tick));
  bool cancelled = false;
  try {
    co_await all;
  } catch (const weft::cancelled_error&) {
    cancelled = true;
  }
  co_await canceller;
  if (!cancelled) co_return;  // it finished first
  co_await weft::gather(weft::return_exceptions, tasks);
  const weft::time_point when = weft::time_point((at % 6) * program_run::tick);
  for (const auto& o : run.outcomes())
    if (o.ended > when) RC_ASSERT(o.k == kind::cancelled);  // still running when the gather was cancelled
}

// A child cancelled on its own makes the gather raise CancelledError (and
// return_exceptions hold it in that child's slot).
WEFT_PROP(GatherProps, AChildCancelledOnItsOwnCancelsTheGather, (bool return_exceptions)) {
  program_run run(*weft::props::gen_program({.raises = false, .hangs = true, .awaits = false, .max_cancels = 1}));
  auto tasks = run.spawn();
  if (return_exceptions) {
    auto got = co_await weft::gather(weft::return_exceptions, tasks);
    for (std::size_t i = 0; i < got.size(); ++i)
      RC_ASSERT(weft::is_cancelled_error(got[i].exception()) == (run.outcomes()[i].k == kind::cancelled));
    co_return;
  }
  bool cancelled = false;
  try {
    co_await weft::gather(tasks);
  } catch (const weft::cancelled_error&) {
    cancelled = true;
  }
  co_await weft::gather(weft::return_exceptions, tasks);
  const bool any_cancelled = std::any_of(run.outcomes().begin(), run.outcomes().end(),
                                         [](const auto& o) { return o.k == kind::cancelled; });
  RC_ASSERT(cancelled == any_cancelled);
}

}  // namespace
