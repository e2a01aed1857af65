// Queue against a sequential model (rc::state): puts, gets and cancellations
// issued by several tasks, the non-blocking calls, and cancellations of a
// getter or putter that was just woken, each command followed by the loop
// settling under the generated schedule (asyncio/queues.py).

#include <gtest/gtest.h>

#include <cstddef>
#include <deque>
#include <utility>

#include <weft/props/prop.hpp>
#include <weft/props/state.hpp>

#include "crew.hpp"

namespace {

using props_test::activity;

struct queue_model : props_test::crew_model {
  std::ptrdiff_t maxsize = 0;
  std::deque<int> items;
  std::deque<std::pair<std::size_t, int>> putters;  // worker, item
  std::deque<std::size_t> getters;

  bool full() const { return maxsize > 0 && static_cast<std::ptrdiff_t>(items.size()) >= maxsize; }

  /// `x` goes to the first waiting getter, else into the queue.
  void deliver(int x) {
    if (getters.empty()) {
      items.push_back(x);
      return;
    }
    w[getters.front()].now = activity::idle;
    w[getters.front()].got = x;
    getters.pop_front();
  }
  /// The first waiting putter, if any, puts its item.
  void admit_putter() {
    if (putters.empty()) return;
    auto [p, x] = putters.front();
    putters.pop_front();
    w[p].now = activity::idle;
    items.push_back(x);
  }
  /// Takes the first item; a waiting putter gets its place.
  int take() {
    const int x = items.front();
    items.pop_front();
    admit_putter();
    return x;
  }
};

struct queue_sut {
  explicit queue_sut(std::ptrdiff_t maxsize) : q(maxsize) {}
  weft::queue<int> q;
  props_test::crew crew;
};

using queue_command = weft::props::command<queue_model, queue_sut>;

struct checked : queue_command {
  void settled(const queue_model& m, queue_sut& sut) const override {
    RC_ASSERT(sut.q.qsize() == m.items.size());
    RC_ASSERT(sut.q.full() == m.full());
    sut.crew.matches(m);
  }
};

weft::coro<void> put_op(weft::queue<int>& q, int x) { co_await q.put(x); }
weft::coro<void> get_op(weft::queue<int>& q, std::optional<int>& got) { got = co_await q.get(); }

int draw_item() { return *rc::gen::inRange(0, 100); }

// An idle worker puts: the item goes to a waiting getter or into the queue,
// or the worker waits while the queue is full.
struct put : props_test::worker_command<checked, activity::idle> {
  int x;
  explicit put(const queue_model& m) : worker_command(m), x(draw_item()) {}
  void apply(queue_model& m) const override {
    const bool room = !m.full();
    m.start(w, room ? activity::idle : activity::waiting);
    if (room)
      m.deliver(x);
    else
      m.putters.emplace_back(w, x);
  }
  void run(const queue_model&, queue_sut& sut) const override { sut.crew.start(w, put_op(sut.q, x)); }
  void show(std::ostream& os) const override { os << "w" << w << ": put " << x; }
};

// An idle worker gets: the first item, or it waits while the queue is empty.
struct get : props_test::worker_command<checked, activity::idle> {
  using worker_command::worker_command;
  void apply(queue_model& m) const override {
    const bool some = !m.items.empty();
    m.start(w, some ? activity::idle : activity::waiting);
    if (some)
      m.w[w].got = m.take();
    else
      m.getters.push_back(w);
  }
  void run(const queue_model&, queue_sut& sut) const override {
    sut.crew.start(w, get_op(sut.q, sut.crew.w[w].got));
  }
  void show(std::ostream& os) const override { os << "w" << w << ": get"; }
};

// A waiting getter or putter is cancelled; a putter's item is not put.
struct cancel_waiter : props_test::worker_command<checked, activity::waiting> {
  using worker_command::worker_command;
  void apply(queue_model& m) const override {
    std::erase_if(m.putters, [&](const auto& p) { return p.first == w; });
    std::erase(m.getters, w);
    m.cancelled(w);
  }
  void run(const queue_model&, queue_sut& sut) const override { sut.crew.w[w].op.cancel(); }
  void show(std::ostream& os) const override { os << "cancel w" << w; }
};

// put_nowait from outside the workers: QueueFull when full.
struct put_nowait : checked {
  int x = draw_item();
  void apply(queue_model& m) const override {
    if (!m.full()) m.deliver(x);
  }
  void run(const queue_model& m, queue_sut& sut) const override {
    if (m.full())
      RC_ASSERT_THROWS_AS(sut.q.put_nowait(x), weft::queue_full);
    else
      sut.q.put_nowait(x);
  }
  void show(std::ostream& os) const override { os << "put_nowait " << x; }
};

// get_nowait from outside the workers: the first item, QueueEmpty when empty.
struct get_nowait : checked {
  void apply(queue_model& m) const override {
    if (!m.items.empty()) m.take();
  }
  void run(const queue_model& m, queue_sut& sut) const override {
    if (m.items.empty())
      RC_ASSERT_THROWS_AS(sut.q.get_nowait(), weft::queue_empty);
    else
      RC_ASSERT(sut.q.get_nowait() == m.items.front());
  }
  void show(std::ostream& os) const override { os << "get_nowait"; }
};

// An item is put for the first waiting getter, which is cancelled before it
// runs: the item is not lost, it goes to the next getter or stays queued.
struct put_then_cancel_woken : checked {
  std::size_t first = 0;
  int x = draw_item();
  explicit put_then_cancel_woken(const queue_model& m) {
    RC_PRE(!m.getters.empty());
    first = m.getters.front();
  }
  void checkPreconditions(const queue_model& m) const override {
    RC_PRE(!m.getters.empty() && m.getters.front() == first);
  }
  void apply(queue_model& m) const override {
    m.getters.pop_front();
    m.cancelled(first);
    m.deliver(x);
  }
  void run(const queue_model&, queue_sut& sut) const override {
    sut.q.put_nowait(x);
    sut.crew.w[first].op.cancel();
  }
  void show(std::ostream& os) const override { os << "put_nowait " << x << ", then cancel w" << first; }
};

// An item is taken from a full queue and the first waiting putter, woken,
// is cancelled before it runs: its item is not put, the next putter's is.
struct get_then_cancel_woken : checked {
  std::size_t first = 0;
  explicit get_then_cancel_woken(const queue_model& m) {
    RC_PRE(!m.putters.empty());
    first = m.putters.front().first;
  }
  void checkPreconditions(const queue_model& m) const override {
    RC_PRE(!m.putters.empty() && m.putters.front().first == first);
  }
  void apply(queue_model& m) const override {
    m.items.pop_front();
    m.putters.pop_front();
    m.cancelled(first);
    m.admit_putter();
  }
  void run(const queue_model& m, queue_sut& sut) const override {
    RC_ASSERT(sut.q.get_nowait() == m.items.front());
    sut.crew.w[first].op.cancel();
  }
  void show(std::ostream& os) const override { os << "get_nowait, then cancel w" << first; }
};

}  // namespace

template <>
struct rc::Arbitrary<weft::props::script<queue_command>> {
  static Gen<weft::props::script<queue_command>> arbitrary() {
    auto initial = gen::map(gen::inRange<std::ptrdiff_t>(0, 3), [](std::ptrdiff_t maxsize) {
      queue_model m;
      m.maxsize = maxsize;
      return m;
    });
    return weft::props::gen_script<queue_command>(
        initial, state::gen::execOneOfWithArgs<put, get, cancel_waiter, put_nowait, get_nowait, put_then_cancel_woken,
                                               get_then_cancel_woken>());
  }
};

// The queue and every task using it are where the model says after each
// command: nothing lost, nothing duplicated, FIFO throughout.
WEFT_PROP(QueueState, FollowsTheSequentialModel, (const weft::props::script<queue_command>& s)) {
  queue_sut sut(s.initial.maxsize);
  co_await weft::props::run_script(s, sut);
  co_await sut.crew.dismiss();
}
