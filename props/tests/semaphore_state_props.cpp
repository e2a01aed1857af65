// BoundedSemaphore against a sequential model (rc::state): acquires, releases
// and cancellations issued by several tasks, each command followed by the
// loop settling under the generated schedule (asyncio/locks.py, Semaphore).

#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <stdexcept>

#include <weft/props/prop.hpp>
#include <weft/props/state.hpp>

#include "crew.hpp"

namespace {

using props_test::activity;

struct semaphore_model : props_test::crew_model {
  std::int64_t bound = 1;
  std::int64_t value = 1;
  std::deque<std::size_t> waiters;

  /// A unit comes back: the first waiter takes it, else the value grows.
  void give_back() {
    if (waiters.empty()) {
      ++value;
      return;
    }
    w[waiters.front()].now = activity::holding;
    waiters.pop_front();
  }
};

struct semaphore_sut {
  explicit semaphore_sut(std::int64_t value) : s(value) {}
  weft::bounded_semaphore s;
  props_test::crew crew;
};

using semaphore_command = weft::props::command<semaphore_model, semaphore_sut>;

struct checked : semaphore_command {
  void settled(const semaphore_model& m, semaphore_sut& sut) const override {
    RC_ASSERT(sut.s.value() == m.value);
    RC_ASSERT(sut.s.locked() == (m.value == 0 || !m.waiters.empty()));
    sut.crew.matches(m);
  }
};

// An idle worker acquires: in at once if a unit is free and no one waits
// before it, else it queues.
struct acquire : props_test::worker_command<checked, activity::idle> {
  using worker_command::worker_command;
  void apply(semaphore_model& m) const override {
    const bool free = m.value > 0 && m.waiters.empty();
    m.start(w, free ? activity::holding : activity::waiting);
    if (free)
      --m.value;
    else
      m.waiters.push_back(w);
  }
  void run(const semaphore_model&, semaphore_sut& sut) const override { sut.crew.acquire(w, sut.s); }
  void show(std::ostream& os) const override { os << "w" << w << ": acquire"; }
};

// A holder releases (from a task of its own).
struct release : props_test::worker_command<checked, activity::holding> {
  using worker_command::worker_command;
  void apply(semaphore_model& m) const override {
    m.start(w, activity::idle);
    m.give_back();
  }
  void run(const semaphore_model&, semaphore_sut& sut) const override { sut.crew.release(w, sut.s); }
  void show(std::ostream& os) const override { os << "w" << w << ": release"; }
};

// A waiter is cancelled: it leaves the queue, its acquire raises CancelledError.
struct cancel_waiter : props_test::worker_command<checked, activity::waiting> {
  using worker_command::worker_command;
  void apply(semaphore_model& m) const override {
    props_test::erase(m.waiters, w);
    m.cancelled(w);
  }
  void run(const semaphore_model&, semaphore_sut& sut) const override { sut.crew.w[w].op.cancel(); }
  void show(std::ostream& os) const override { os << "cancel w" << w; }
};

// A holder releases and the first waiter, already woken, is cancelled before
// it runs: the unit must not be lost (Semaphore.acquire gives it back and
// wakes the next waiter).
struct release_then_cancel_woken : props_test::worker_command<checked, activity::holding> {
  std::size_t first = 0;
  explicit release_then_cancel_woken(const semaphore_model& m) : worker_command(m) {
    RC_PRE(!m.waiters.empty());
    first = m.waiters.front();
  }
  void checkPreconditions(const semaphore_model& m) const override {
    worker_command::checkPreconditions(m);
    RC_PRE(!m.waiters.empty() && m.waiters.front() == first);
  }
  void apply(semaphore_model& m) const override {
    m.w[w].now = activity::idle;
    m.waiters.pop_front();
    m.cancelled(first);
    m.give_back();
  }
  void run(const semaphore_model&, semaphore_sut& sut) const override {
    sut.s.release();
    sut.crew.w[w].holds = false;
    sut.crew.w[first].op.cancel();
  }
  void show(std::ostream& os) const override { os << "w" << w << ": release, then cancel w" << first; }
};

// With every unit free, one more release raises ValueError and changes nothing.
struct release_beyond_bound : checked {
  explicit release_beyond_bound(const semaphore_model& m) { checkPreconditions(m); }
  void checkPreconditions(const semaphore_model& m) const override { RC_PRE(m.value == m.bound); }
  void run(const semaphore_model&, semaphore_sut& sut) const override {
    RC_ASSERT_THROWS_AS(sut.s.release(), std::invalid_argument);
  }
  void show(std::ostream& os) const override { os << "release beyond the bound"; }
};

}  // namespace

template <>
struct rc::Arbitrary<weft::props::script<semaphore_command>> {
  static Gen<weft::props::script<semaphore_command>> arbitrary() {
    auto initial = gen::map(gen::inRange<std::int64_t>(1, 3), [](std::int64_t v) {
      semaphore_model m;
      m.bound = m.value = v;
      return m;
    });
    return weft::props::gen_script<semaphore_command>(
        initial, state::gen::execOneOfWithArgs<acquire, release, cancel_waiter, release_then_cancel_woken,
                                               release_beyond_bound>());
  }
};

// The semaphore and every task using it are where the model says after each command.
WEFT_PROP(SemaphoreState, FollowsTheSequentialModel, (const weft::props::script<semaphore_command>& s)) {
  semaphore_sut sut(s.initial.bound);
  co_await weft::props::run_script(s, sut);
  co_await sut.crew.dismiss();
}
