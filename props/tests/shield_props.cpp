// asyncio.shield's guarantees, over generated programs of children,
// generated cancellations of the shielded awaits and generated schedules.

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <vector>

#include <weft/props/programs.hpp>
#include <weft/props/prop.hpp>
#include <weft/weft.hpp>

#include "support.hpp"

namespace {

using namespace props_test;

/// How an await ended, as the awaiter saw it.
struct seen {
  enum class kind : std::uint8_t { not_run, value, raised, cancelled };
  kind k = kind::not_run;
  int value = 0;
  std::optional<std::size_t> raised_by;
};

void showValue(seen::kind k, std::ostream& os) {
  static const char* const names[] = {"not run", "value", "raised", "cancelled"};
  os << names[static_cast<int>(k)];
}

/// Awaits `f` (a shield, or a child's task itself), recording how it ended.
template <class F>
weft::coro<void> await_recording(F f, seen& s) {
  try {
    s.value = co_await f;
    s.k = seen::kind::value;
  } catch (const weft::props::child_error& e) {
    s.k = seen::kind::raised;
    s.raised_by = e.child();
  } catch (const weft::cancelled_error&) {
    s.k = seen::kind::cancelled;
  }
}

/// Whether what an awaiter saw is how the child ended.
bool saw(const seen& s, const child_outcome& o) {
  switch (o.k) {
    case kind::value: return s.k == seen::kind::value && s.value == o.value;
    case kind::raised: return s.k == seen::kind::raised && s.raised_by == o.raised_by;
    case kind::cancelled: return s.k == seen::kind::cancelled;
    case kind::pending: return false;
  }
  return false;
}

// Cancelling a shielded await (the awaiting task, or the shield itself)
// never cancels the inner task: the awaiter sees CancelledError if the
// cancel came first, every child ends as planned, and a task awaiting the
// inner directly gets its result.
WEFT_PROP(ShieldProps, CancellingTheOuterNeverCancelsTheInner, ()) {
  program_run run(*weft::props::gen_program({.raises = true}));
  const weft::time_point spawned = now();
  auto tasks = run.spawn();
  const std::size_t k = *rc::gen::inRange<std::size_t>(0, tasks.size());
  const std::size_t callers = *rc::gen::inRange<std::size_t>(1, 4);
  std::vector<seen> shielded(callers);
  std::vector<weft::task<void>> awaiting;
  std::vector<std::optional<std::uint32_t>> cancel_at(callers);
  for (std::size_t j = 0; j < callers; ++j) {
    weft::future<int> outer = weft::shield(tasks[k]);
    weft::task<void> caller = weft::create_task(await_recording(outer, shielded[j]));
    awaiting.push_back(caller);
    if (!*rc::gen::weightedElement<bool>({{3, true}, {1, false}})) continue;
    cancel_at[j] = *rc::gen::inRange<std::uint32_t>(0, 14);
    const bool cancel_the_shield = *rc::gen::arbitrary<bool>();
    RC_LOG() << "caller " << j << " awaits shield(child " << k << "); " << (cancel_the_shield ? "the shield" : "the caller")
             << " is cancelled at tick " << *cancel_at[j] << "\n";
    weft::any_future target = cancel_the_shield ? weft::any_future(outer) : weft::any_future(caller);
    weft::create_task(cancel_after(target, *cancel_at[j] * tick));
  }
  seen direct;
  weft::task<void> direct_awaiter = weft::create_task(await_recording(tasks[k], direct));
  co_await weft::gather(weft::return_exceptions, awaiting);
  co_await direct_awaiter;
  co_await weft::gather(weft::return_exceptions, tasks);
  for (std::size_t i = 0; i < tasks.size(); ++i) RC_ASSERT(run.ended_as_planned(i));
  RC_ASSERT(saw(direct, run.outcomes()[k]));
  const weft::time_point end = spawned + *run.planned_end(k) * tick;
  for (std::size_t j = 0; j < callers; ++j) {
    const weft::time_point cancelled = cancel_at[j] ? spawned + *cancel_at[j] * tick : weft::time_point::max();
    RC_CLASSIFY(cancelled < end, "a shield cancelled before the inner ended");
    if (cancelled < end)
      RC_ASSERT(shielded[j].k == seen::kind::cancelled);
    else if (end < cancelled)
      RC_ASSERT(saw(shielded[j], run.outcomes()[k]));
    else  // both at once
      RC_ASSERT(shielded[j].k == seen::kind::cancelled || saw(shielded[j], run.outcomes()[k]));
  }
}

// Uncancelled, a shield follows its inner: its value, its exception, or a
// CancelledError when the inner is cancelled by other means; an inner
// already done is returned as is.
WEFT_PROP(ShieldProps, TheShieldFollowsTheInner, ()) {
  program_run run(*weft::props::gen_program({.raises = true, .hangs = true, .max_cancels = 2}));
  auto tasks = run.spawn();
  const std::size_t k = *rc::gen::inRange<std::size_t>(0, tasks.size());
  co_await weft::sleep(*rc::gen::inRange<std::uint32_t>(0, 4) * tick);
  const bool was_done = tasks[k].done();
  RC_LOG() << "shield(child " << k << ") at tick " << (now() - weft::time_point()) / tick << "\n";
  weft::future<int> outer = weft::shield(tasks[k]);
  RC_ASSERT(was_done == (outer == tasks[k]));
  RC_CLASSIFY(was_done, "the inner was done already");
  seen s;
  co_await await_recording(outer, s);
  RC_ASSERT(saw(s, run.outcomes()[k]));
  RC_CLASSIFY(run.outcomes()[k].k == kind::cancelled, "the inner was cancelled");
  co_await weft::gather(weft::return_exceptions, tasks);
}

}  // namespace
