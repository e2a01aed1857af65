// Lock against a sequential model (rc::state): acquires, releases and
// cancellations issued by several tasks, each command followed by the loop
// settling under the generated schedule (asyncio/locks.py, Lock).

#include <gtest/gtest.h>

#include <deque>
#include <optional>
#include <stdexcept>

#include <weft/props/prop.hpp>
#include <weft/props/state.hpp>

#include "crew.hpp"

namespace {

using props_test::activity;

struct lock_model : props_test::crew_model {
  std::optional<std::size_t> owner;
  std::deque<std::size_t> waiters;

  /// The lock passes to the first waiter, if any.
  void hand_on() {
    owner.reset();
    if (waiters.empty()) return;
    owner = waiters.front();
    waiters.pop_front();
    w[*owner].now = activity::holding;
  }
};

struct lock_sut {
  weft::lock l;
  props_test::crew crew;
};

using lock_command = weft::props::command<lock_model, lock_sut>;

/// Compares every command's outcome the same way: the lock and each worker.
struct checked : lock_command {
  void settled(const lock_model& m, lock_sut& sut) const override {
    RC_ASSERT(sut.l.locked() == m.owner.has_value());
    sut.crew.matches(m);
  }
};

// An idle worker acquires: it holds the lock if it was free with no one
// waiting, else it queues.
struct acquire : props_test::worker_command<checked, activity::idle> {
  using worker_command::worker_command;
  void apply(lock_model& m) const override {
    const bool free = !m.owner && m.waiters.empty();
    m.start(w, free ? activity::holding : activity::waiting);
    if (free)
      m.owner = w;
    else
      m.waiters.push_back(w);
  }
  void run(const lock_model&, lock_sut& sut) const override {
    sut.crew.acquire(w, sut.l);
  }
  void show(std::ostream& os) const override { os << "w" << w << ": acquire"; }
};

// The holder releases (from a task of its own): the first waiter gets the lock.
struct release : props_test::worker_command<checked, activity::holding> {
  using worker_command::worker_command;
  void apply(lock_model& m) const override {
    m.start(w, activity::idle);
    m.hand_on();
  }
  void run(const lock_model&, lock_sut& sut) const override {
    sut.crew.release(w, sut.l);
  }
  void show(std::ostream& os) const override { os << "w" << w << ": release"; }
};

// A waiter is cancelled: it leaves the queue, its acquire raises CancelledError.
struct cancel_waiter : props_test::worker_command<checked, activity::waiting> {
  using worker_command::worker_command;
  void apply(lock_model& m) const override {
    props_test::erase(m.waiters, w);
    m.cancelled(w);
  }
  void run(const lock_model&, lock_sut& sut) const override { sut.crew.w[w].op.cancel(); }
  void show(std::ostream& os) const override { os << "cancel w" << w; }
};

// The holder releases and the first waiter, already woken, is cancelled before
// it runs: it must pass the lock on to the next waiter (Lock._wake_up_first).
struct release_then_cancel_woken : checked {
  std::size_t holder = 0, first = 0;
  explicit release_then_cancel_woken(const lock_model& m) {
    RC_PRE(m.owner.has_value() && !m.waiters.empty());
    holder = *m.owner;
    first = m.waiters.front();
  }
  void checkPreconditions(const lock_model& m) const override {
    RC_PRE(m.owner == holder && !m.waiters.empty() && m.waiters.front() == first);
  }
  void apply(lock_model& m) const override {
    m.w[holder].now = activity::idle;
    m.waiters.pop_front();
    m.cancelled(first);
    m.hand_on();
  }
  void run(const lock_model&, lock_sut& sut) const override {
    sut.l.release();
    sut.crew.w[holder].holds = false;
    sut.crew.w[first].op.cancel();
  }
  void show(std::ostream& os) const override { os << "w" << holder << ": release, then cancel w" << first; }
};

// Releasing a free lock raises RuntimeError and changes nothing.
struct release_unlocked : checked {
  explicit release_unlocked(const lock_model& m) { checkPreconditions(m); }
  void checkPreconditions(const lock_model& m) const override { RC_PRE(!m.owner.has_value()); }
  void run(const lock_model&, lock_sut& sut) const override {
    RC_ASSERT_THROWS_AS(sut.l.release(), std::runtime_error);
  }
  void show(std::ostream& os) const override { os << "release while unlocked"; }
};

}  // namespace

template <>
struct rc::Arbitrary<weft::props::script<lock_command>> {
  static Gen<weft::props::script<lock_command>> arbitrary() {
    return weft::props::gen_script<lock_command>(
        gen::just(lock_model{}),
        state::gen::execOneOfWithArgs<acquire, release, cancel_waiter, release_then_cancel_woken,
                                      release_unlocked>());
  }
};

// The lock and every task using it are where the model says after each command.
WEFT_PROP(LockState, FollowsTheSequentialModel, (const weft::props::script<lock_command>& s)) {
  lock_sut sut;
  co_await weft::props::run_script(s, sut);
  co_await sut.crew.dismiss();
}
