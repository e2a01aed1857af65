#pragma once
// What the stateful properties share: the worker tasks that issue commands,
// one operation at a time each, and how the model and the system say what a
// worker is doing.

#include <algorithm>
#include <array>
#include <cstddef>
#include <deque>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <rapidcheck.h>

#include <weft/props/state.hpp>
#include <weft/weft.hpp>

namespace props_test {

inline constexpr std::size_t workers = 3;

/// What a worker is doing once the loop has settled.
enum class activity { idle, waiting, holding };

inline std::ostream& operator<<(std::ostream& os, activity a) {
  return os << (a == activity::idle ? "idle" : a == activity::waiting ? "waiting" : "holding");
}

/// A worker in the model: what it does, how its last operation ended, and
/// the value that operation received (queues).
struct worker_model {
  activity now = activity::idle;
  bool cancelled = false;
  std::optional<int> got;
};

/// The workers in the model.
struct crew_model {
  std::array<worker_model, workers> w{};

  /// The workers doing `a`.
  std::vector<std::size_t> doing(activity a) const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < workers; ++i)
      if (w[i].now == a) out.push_back(i);
    return out;
  }
  /// A new operation by worker `i`.
  void start(std::size_t i, activity now) {
    w[i] = worker_model{};
    w[i].now = now;
  }
  /// Worker `i`'s operation is cancelled while it waits.
  void cancelled(std::size_t i) {
    w[i] = worker_model{};
    w[i].cancelled = true;
  }
};

/// Draws a worker doing `a`, discarding the command if there is none.
inline std::size_t pick(const crew_model& m, activity a) {
  const auto ws = m.doing(a);
  RC_PRE(!ws.empty());
  return *rc::gen::elementOf(ws);
}

/// A command of worker `w`, drawn among the workers doing `A` (its
/// precondition): Base is a weft::props::command whose model is a crew_model.
template <class Base, activity A>
struct worker_command : Base {
  std::size_t w;
  explicit worker_command(const typename Base::Model& m) : w(pick(m, A)) {}
  void checkPreconditions(const typename Base::Model& m) const override { RC_PRE(m.w[w].now == A); }
};

/// A worker's acquire of a lock or semaphore, as a task of its own.
template <class Lockable>
weft::coro<void> acquire_op(Lockable& l, bool& holds) {
  co_await l.acquire();
  holds = true;
}

/// A worker's release of what it holds, as a task of its own.
template <class Lockable>
weft::coro<void> release_op(Lockable& l, bool& holds) {
  l.release();
  holds = false;
  co_return;
}

/// The workers in the system: each operation is a task of its own, named
/// after its worker (w0, w1, ...).
struct crew {
  struct worker {
    weft::task<void> op;
    bool holds = false;
    std::optional<int> got;
  };
  std::array<worker, workers> w;

  /// Starts worker `i`'s next operation.
  void start(std::size_t i, weft::coro<void> op) {
    w[i] = {};
    w[i].op = weft::create_task(std::move(op), {.name = "w" + std::to_string(i)});
  }

  /// Worker `i` acquires `l` (a lock or semaphore), or releases it.
  template <class Lockable>
  void acquire(std::size_t i, Lockable& l) {
    start(i, acquire_op(l, w[i].holds));
  }
  template <class Lockable>
  void release(std::size_t i, Lockable& l) {
    start(i, release_op(l, w[i].holds));
  }

  /// What worker `i` does: a task not done once the loop has settled is waiting.
  activity now(std::size_t i) const {
    if (w[i].op && !w[i].op.done()) return activity::waiting;
    return w[i].holds ? activity::holding : activity::idle;
  }

  /// Checks every worker against the model.
  void matches(const crew_model& m) const {
    for (std::size_t i = 0; i < workers; ++i) {
      RC_ASSERT(now(i) == m.w[i].now);
      RC_ASSERT((w[i].op && w[i].op.cancelled()) == m.w[i].cancelled);
      RC_ASSERT(w[i].got == m.w[i].got);
    }
  }

  /// Cancels every operation still waiting, so the run ends with no task pending.
  weft::coro<void> dismiss() {
    for (auto& x : w)
      if (x.op && !x.op.done()) x.op.cancel();
    co_await weft::props::settle();
  }
};

/// Erases `x` from `d`.
template <class T>
void erase(std::deque<T>& d, const T& x) {
  d.erase(std::find(d.begin(), d.end(), x));
}

}  // namespace props_test
