// Event against a sequential model (rc::state): waits, sets, clears and
// cancellations issued by several tasks, each command followed by the loop
// settling under the generated schedule (asyncio/locks.py, Event).

#include <gtest/gtest.h>

#include <weft/props/prop.hpp>
#include <weft/props/state.hpp>

#include "crew.hpp"

namespace {

using props_test::activity;

struct event_model : props_test::crew_model {
  bool set = false;

  /// Every waiter returns.
  void wake_all() {
    for (auto& x : w)
      if (x.now == activity::waiting) x.now = activity::idle;
  }
};

struct event_sut {
  weft::event e;
  props_test::crew crew;
};

using event_command = weft::props::command<event_model, event_sut>;

struct checked : event_command {
  void settled(const event_model& m, event_sut& sut) const override {
    RC_ASSERT(sut.e.is_set() == m.set);
    sut.crew.matches(m);
  }
};

weft::coro<void> wait_op(weft::event& e) { co_await e.wait(); }

weft::coro<void> set_op(weft::event& e) {
  e.set();
  co_return;
}

weft::coro<void> clear_op(weft::event& e) {
  e.clear();
  co_return;
}

// An idle worker waits: it returns at once if the event is set.
struct wait_on : props_test::worker_command<checked, activity::idle> {
  using worker_command::worker_command;
  void apply(event_model& m) const override { m.start(w, m.set ? activity::idle : activity::waiting); }
  void run(const event_model&, event_sut& sut) const override { sut.crew.start(w, wait_op(sut.e)); }
  void show(std::ostream& os) const override { os << "w" << w << ": wait"; }
};

// An idle worker sets the event: every waiter returns.
struct set_event : props_test::worker_command<checked, activity::idle> {
  using worker_command::worker_command;
  void apply(event_model& m) const override {
    m.start(w, activity::idle);
    m.set = true;
    m.wake_all();
  }
  void run(const event_model&, event_sut& sut) const override { sut.crew.start(w, set_op(sut.e)); }
  void show(std::ostream& os) const override { os << "w" << w << ": set"; }
};

// An idle worker clears the event: waits block again.
struct clear_event : props_test::worker_command<checked, activity::idle> {
  using worker_command::worker_command;
  void apply(event_model& m) const override {
    m.start(w, activity::idle);
    m.set = false;
  }
  void run(const event_model&, event_sut& sut) const override { sut.crew.start(w, clear_op(sut.e)); }
  void show(std::ostream& os) const override { os << "w" << w << ": clear"; }
};

// A waiter is cancelled.
struct cancel_waiter : props_test::worker_command<checked, activity::waiting> {
  using worker_command::worker_command;
  void apply(event_model& m) const override { m.cancelled(w); }
  void run(const event_model&, event_sut& sut) const override { sut.crew.w[w].op.cancel(); }
  void show(std::ostream& os) const override { os << "cancel w" << w; }
};

// The event is set and one waiter, already woken, is cancelled before it
// runs: that one raises CancelledError, the others return.
struct set_then_cancel_woken : props_test::worker_command<checked, activity::waiting> {
  using worker_command::worker_command;
  void apply(event_model& m) const override {
    m.set = true;
    m.cancelled(w);
    m.wake_all();
  }
  void run(const event_model&, event_sut& sut) const override {
    sut.e.set();
    sut.crew.w[w].op.cancel();
  }
  void show(std::ostream& os) const override { os << "set, then cancel w" << w; }
};

}  // namespace

template <>
struct rc::Arbitrary<weft::props::script<event_command>> {
  static Gen<weft::props::script<event_command>> arbitrary() {
    return weft::props::gen_script<event_command>(
        gen::just(event_model{}), state::gen::execOneOfWithArgs<wait_on, set_event, clear_event, cancel_waiter, set_then_cancel_woken>());
  }
};

// The event and every task using it are where the model says after each command.
WEFT_PROP(EventState, FollowsTheSequentialModel, (const weft::props::script<event_command>& s)) {
  event_sut sut;
  co_await weft::props::run_script(s, sut);
  co_await sut.crew.dismiss();
}
