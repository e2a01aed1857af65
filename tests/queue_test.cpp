// Tests of weft::queue, lifo_queue and priority_queue (queue.hpp),
// asyncio.Queue, LifoQueue and PriorityQueue (3.13): put_nowait/get_nowait,
// qsize/empty/full/maxsize, blocking put/get with several producers and
// consumers, the order waiters are woken in (and how a woken waiter can lose
// its turn), priority ties as heapq breaks them, task_done/join, shutdown
// (plain and immediate), cancelled getters and putters, misuse, and the binding
// to one event loop. Every ordering test has a CPython twin in
// tests/reference/queue_*.py, whose output (queue_*.out) is the expectation.

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "reference.hpp"
#include "text.hpp"

using namespace std::chrono_literals;

namespace {

using weft_test::py;
std::string str(std::size_t v) { return std::to_string(v); }

template <class Q>
std::string state(const Q& q) {
  return "qsize " + str(q.qsize()) + " empty " + py(q.empty()) + " full " + py(q.full());
}

struct nowait {
  weft_test::event_log ev;

  weft::coro<void> main_coro() {
    weft::queue<int> q(2);
    ev("maxsize " + std::to_string(q.maxsize()) + " " + state(q));
    q.put_nowait(1);
    ev("put 1, " + state(q));
    q.put_nowait(2);
    ev("put 2, " + state(q));
    try {
      q.put_nowait(3);
    } catch (const weft::queue_full&) {
      ev("put 3: QueueFull, " + state(q));
    }
    int v = q.get_nowait();
    ev("got " + std::to_string(v) + " " + state(q));
    v = q.get_nowait();
    ev("got " + std::to_string(v) + " " + state(q));
    try {
      (void)q.get_nowait();
    } catch (const weft::queue_empty&) {
      ev("QueueEmpty, " + state(q));
    }
    for (int m : {0, -1}) {
      weft::queue<int> u(m);
      for (int i = 0; i < 100; ++i) u.put_nowait(i);
      ev("maxsize " + std::to_string(m) + " " + state(u));
    }
    weft::lifo_queue<int> s(3);
    for (int i = 0; i < 3; ++i) s.put_nowait(i);
    try {
      s.put_nowait(3);
    } catch (const weft::queue_full&) {
      ev("lifo QueueFull, " + state(s));
    }
    int a = s.get_nowait();
    int b = s.get_nowait();
    int c = s.get_nowait();
    ev("lifo got " + std::to_string(a) + " " + std::to_string(b) + " " + std::to_string(c));
    co_return;
  }
};

TEST(QueueTest, NowaitOperationsAndSizeQueries) {
  weft_test::run_and_compare<nowait>("queue_nowait");
}

struct producers_consumers {
  weft_test::event_log ev;

  weft::coro<void> producer(weft::queue<std::string>& q, std::string name, std::vector<std::string> items,
                            int pause) {
    for (const std::string& it : items) {
      ev(name + " puts " + it);
      co_await q.put(it);
      ev(name + " put " + it + " qsize " + str(q.qsize()));
      co_await weft::sleep(std::chrono::seconds(pause));
    }
  }

  weft::coro<void> consumer(weft::queue<std::string>& q, std::string name, int n, int work) {
    for (int i = 0; i < n; ++i) {
      std::string it = co_await q.get();
      ev(name + " got " + it + " qsize " + str(q.qsize()));
      co_await weft::sleep(std::chrono::seconds(work));
    }
  }

  weft::coro<void> main_coro() {
    weft::queue<std::string> q(2);
    std::vector<weft::task<void>> tasks;
    tasks.push_back(weft::create_task(consumer(q, "c0", 4, 2)));
    tasks.push_back(weft::create_task(producer(q, "p0", std::vector<std::string>{"a0", "a1", "a2", "a3"}, 0)));
    tasks.push_back(weft::create_task(producer(q, "p1", std::vector<std::string>{"b0", "b1", "b2", "b3"}, 1)));
    tasks.push_back(weft::create_task(consumer(q, "c1", 4, 3)));
    for (auto& t : tasks) co_await t;
    ev("qsize " + str(q.qsize()));
  }
};

TEST(QueueTest, ProducersAndConsumersBlockAndWakeInOrder) {
  weft_test::run_and_compare<producers_consumers>("queue_producers_consumers");
}

struct getters_order {
  weft_test::event_log ev;

  weft::coro<void> getter(weft::queue<std::string>& q, std::string name) {
    ev(name + " waits");
    std::string it = co_await q.get();
    ev(name + " got " + it);
  }

  weft::coro<void> main_coro() {
    weft::queue<std::string> q;
    std::vector<weft::task<void>> tasks;
    for (int i = 0; i < 3; ++i) tasks.push_back(weft::create_task(getter(q, "g" + std::to_string(i))));
    co_await weft::sleep(1s);
    q.put_nowait("x");
    ev("put x, main steals " + q.get_nowait());
    q.put_nowait("y");
    ev("put y");
    co_await weft::sleep(1s);
    for (const char* it : {"z", "w"}) q.put_nowait(it);
    ev("put z w");
    for (auto& t : tasks) co_await t;
    ev("qsize " + str(q.qsize()));
  }
};

TEST(QueueTest, GetterRobbedOfItsItemWaitsAgainAtTheBack) {
  weft_test::run_and_compare<getters_order>("queue_getters_order");
}

struct putters_order {
  weft_test::event_log ev;

  weft::coro<void> putter(weft::queue<std::string>& q, std::string name) {
    ev(name + " puts");
    co_await q.put(name);
    ev(name + " put, qsize " + str(q.qsize()));
  }

  weft::coro<void> main_coro() {
    weft::queue<std::string> q(1);
    q.put_nowait("first");
    std::vector<weft::task<void>> tasks;
    for (int i = 0; i < 3; ++i) tasks.push_back(weft::create_task(putter(q, "p" + std::to_string(i))));
    co_await weft::sleep(1s);
    std::string it = q.get_nowait();
    ev("got " + it + " full " + py(q.full()));
    co_await weft::sleep(1s);
    ev("got " + q.get_nowait());
    q.put_nowait("sneaked");
    ev("main sneaked in, full " + py(q.full()));
    co_await weft::sleep(1s);
    auto all_done = [&] {
      for (auto& t : tasks)
        if (!t.done()) return false;
      return true;
    };
    while (!all_done()) {
      it = co_await q.get();
      ev("got " + it);
      co_await weft::sleep(1s);
    }
    while (!q.empty()) ev("got " + q.get_nowait());
  }
};

TEST(QueueTest, PutterRobbedOfItsSlotWaitsAgainAtTheBack) {
  weft_test::run_and_compare<putters_order>("queue_putters_order");
}

struct lifo {
  weft_test::event_log ev;

  weft::coro<void> producer(weft::lifo_queue<int>& q) {
    for (int i = 0; i < 6; ++i) {
      co_await q.put(i);
      ev("put " + std::to_string(i) + " qsize " + str(q.qsize()));
    }
  }

  weft::coro<void> main_coro() {
    weft::lifo_queue<int> q(3);
    auto p = weft::create_task(producer(q));
    co_await weft::sleep(1s);
    for (int i = 0; i < 6; ++i) {
      int v = co_await q.get();
      ev("got " + std::to_string(v));
      co_await weft::sleep(0s);
    }
    co_await p;
  }
};

TEST(QueueTest, LifoQueueBlocksAndReturnsNewestFirst) {
  weft_test::run_and_compare<lifo>("queue_lifo");
}

struct priority {
  weft_test::event_log ev;

  using item = std::pair<int, int>;  // (priority, tag)
  /// Compares priorities only, as the twin's Item.__lt__: equal priorities tie.
  struct by_priority {
    bool operator()(const item& a, const item& b) const { return a.first < b.first; }
  };
  using pqueue = weft::priority_queue<item, by_priority>;

  std::string show(const item& i) { return "(" + std::to_string(i.first) + "," + std::to_string(i.second) + ")"; }

  weft::coro<void> getter(pqueue& q) {
    item it = co_await q.get();
    ev("waiting getter got " + show(it));
  }

  weft::coro<void> main_coro() {
    pqueue q;
    auto g = weft::create_task(getter(q));
    co_await weft::sleep(1s);
    q.put_nowait({5, 0});
    q.put_nowait({1, 1});
    co_await g;
    const item items[] = {{3, 0}, {1, 1}, {3, 2}, {2, 3}, {1, 4},  {3, 5},
                          {1, 6}, {2, 7}, {3, 8}, {1, 9}, {2, 10}, {3, 11}};
    for (const item& i : items) q.put_nowait(i);
    ev("qsize " + str(q.qsize()));
    std::string out;
    for (int i = 0; i < 5; ++i) out += " " + show(q.get_nowait());
    ev("got" + out);
    for (const item& i : {item{1, 12}, item{3, 13}, item{1, 14}}) q.put_nowait(i);
    out.clear();
    while (!q.empty()) out += " " + show(q.get_nowait());
    ev("got" + out);
  }
};

TEST(QueueTest, PriorityQueueBreaksTiesAsHeapq) {
  weft_test::run_and_compare<priority>("queue_priority");
}

struct join {
  weft_test::event_log ev;

  weft::coro<void> worker(weft::queue<int>& q) {
    while (true) {
      int it = co_await q.get();
      ev("working on " + std::to_string(it));
      co_await weft::sleep(1s);
      q.task_done();
      ev("done with " + std::to_string(it));
    }
  }

  weft::coro<void> joiner(weft::queue<int>& q, std::string name) {
    ev(name + " joins");
    co_await q.join();
    ev(name + " joined");
  }

  weft::coro<void> main_coro() {
    weft::queue<int> q;
    weft::get_running_loop().call_soon([this] { ev("callback"); });
    co_await q.join();
    ev("join on a fresh queue returned");
    for (int i = 0; i < 3; ++i) q.put_nowait(i);
    std::vector<weft::task<void>> j;
    for (int i = 0; i < 2; ++i) j.push_back(weft::create_task(joiner(q, "j" + std::to_string(i))));
    auto w = weft::create_task(worker(q));
    for (auto& t : j) co_await t;
    ev("all joined, qsize " + str(q.qsize()));
    q.put_nowait(9);
    q.task_done();
    ev("task_done without get");
    co_await q.join();
    ev("joined at once");
    w.cancel();
    try {
      co_await w;
    } catch (const weft::cancelled_error&) {
      ev("worker cancelled");
    }
    try {
      q.task_done();
    } catch (const std::invalid_argument& e) {
      ev(std::string("ValueError: ") + e.what());
    }
  }
};

TEST(QueueTest, JoinWaitsForEveryTaskDone) {
  weft_test::run_and_compare<join>("queue_join");
}

struct shutdown {
  weft_test::event_log ev;

  weft::coro<void> getter(weft::queue<int>& q, std::string name) {
    try {
      while (true) {
        int it = co_await q.get();
        ev(name + " got " + std::to_string(it));
      }
    } catch (const weft::queue_shut_down&) {
      ev(name + " QueueShutDown");
    }
  }

  weft::coro<void> putter(weft::queue<int>& q, std::string name) {
    try {
      co_await q.put(0);
      ev(name + " put");
    } catch (const weft::queue_shut_down&) {
      ev(name + " QueueShutDown");
    }
  }

  weft::coro<void> main_coro() {
    weft::queue<int> q;
    std::vector<weft::task<void>> getters;
    for (int i = 0; i < 2; ++i) getters.push_back(weft::create_task(getter(q, "g" + std::to_string(i))));
    co_await weft::sleep(1s);
    q.shutdown();
    ev("shut down empty queue");
    for (auto& t : getters) co_await t;
    weft::queue<int> b(2);
    b.put_nowait(1);
    b.put_nowait(2);
    std::vector<weft::task<void>> putters;
    for (int i = 0; i < 2; ++i) putters.push_back(weft::create_task(putter(b, "p" + std::to_string(i))));
    co_await weft::sleep(1s);
    b.shutdown();
    ev("shut down full queue, qsize " + str(b.qsize()));
    try {
      b.put_nowait(3);
    } catch (const weft::queue_shut_down&) {
      ev("put_nowait: QueueShutDown");
    }
    for (auto& t : putters) co_await t;
    auto g = weft::create_task(getter(b, "g2"));
    co_await g;
    try {
      (void)b.get_nowait();
    } catch (const weft::queue_shut_down&) {
      ev("get_nowait: QueueShutDown");
    }
    try {
      co_await b.put(0);
    } catch (const weft::queue_shut_down&) {
      ev("put: QueueShutDown");
    }
    b.task_done();
    b.task_done();
    co_await b.join();
    ev("joined");
  }
};

TEST(QueueTest, ShutdownWakesGettersAndPutters) {
  weft_test::run_and_compare<shutdown>("queue_shutdown");
}

struct shutdown_immediate {
  weft_test::event_log ev;

  weft::coro<void> joiner(weft::queue<int>& q) {
    co_await q.join();
    ev("joiner joined, qsize " + str(q.qsize()));
  }

  weft::coro<void> putter(weft::queue<int>& q) {
    try {
      co_await q.put(99);
    } catch (const weft::queue_shut_down&) {
      ev("putter QueueShutDown");
    }
  }

  weft::coro<void> main_coro() {
    weft::queue<int> q(3);
    for (int i = 0; i < 3; ++i) q.put_nowait(i);
    ev("took " + std::to_string(q.get_nowait()));
    q.put_nowait(3);
    auto j = weft::create_task(joiner(q));
    auto p = weft::create_task(putter(q));
    co_await weft::sleep(1s);
    q.shutdown(true);
    ev("shut down, qsize " + str(q.qsize()) + " empty " + py(q.empty()));
    try {
      (void)co_await q.get();
    } catch (const weft::queue_shut_down&) {
      ev("get: QueueShutDown");
    }
    co_await weft::sleep(1s);
    ev("joiner done " + py(j.done()));
    q.task_done();
    co_await j;
    co_await p;
    q.shutdown();  // again: nothing changes
    ev("qsize " + str(q.qsize()));
  }
};

TEST(QueueTest, ImmediateShutdownDropsItemsAndCountsThemDone) {
  weft_test::run_and_compare<shutdown_immediate>("queue_shutdown_immediate");
}

struct shutdown_getters {
  weft_test::event_log ev;

  weft::coro<void> getter(weft::queue<std::string>& q, std::string name) {
    try {
      (void)co_await q.get();
    } catch (const weft::queue_shut_down&) {
      ev(name + " QueueShutDown");
    }
  }

  weft::coro<void> main_coro() {
    weft::queue<std::string> q;
    q.put_nowait("a");
    std::string took = co_await q.get();
    ev("took " + took);
    std::vector<weft::task<void>> gs;
    for (int i = 0; i < 3; ++i) gs.push_back(weft::create_task(getter(q, "g" + std::to_string(i))));
    auto j = weft::create_task(q.join());
    co_await weft::sleep(1s);
    q.shutdown(true);
    ev("shut down");
    for (auto& t : gs) co_await t;
    ev("join still waiting " + py(!j.done()));
    q.task_done();
    co_await j;
    ev("joined");
  }
};

TEST(QueueTest, ImmediateShutdownWakesWaitingGetters) {
  weft_test::run_and_compare<shutdown_getters>("queue_shutdown_getters");
}

struct cancel_getter {
  weft_test::event_log ev;

  weft::coro<void> getter(weft::queue<std::string>& q, std::string name) {
    ev(name + " waits");
    std::string it;
    try {
      it = co_await q.get();
    } catch (const weft::cancelled_error&) {
      ev(name + " cancelled, qsize " + str(q.qsize()));
      throw;
    }
    ev(name + " got " + it);
  }

  weft::coro<void> main_coro() {
    weft::queue<std::string> q;
    std::vector<weft::task<void>> tasks;
    for (int i = 0; i < 4; ++i) tasks.push_back(weft::create_task(getter(q, "g" + std::to_string(i))));
    co_await weft::sleep(1s);
    tasks[1].cancel();
    co_await weft::sleep(1s);
    q.put_nowait("x");
    tasks[0].cancel();
    ev("put x, cancelled g0");
    co_await weft::sleep(1s);
    q.put_nowait("y");
    ev("put y");
    co_await weft_test::await_all(ev, tasks, "g");
  }
};

TEST(QueueTest, GetterCancelledAfterWakeupWakesTheNext) {
  weft_test::run_and_compare<cancel_getter>("queue_cancel_getter");
}

struct cancel_putter {
  weft_test::event_log ev;

  weft::coro<void> putter(weft::queue<std::string>& q, std::string name) {
    ev(name + " waits");
    try {
      co_await q.put(name);
    } catch (const weft::cancelled_error&) {
      ev(name + " cancelled, qsize " + str(q.qsize()));
      throw;
    }
    ev(name + " put");
  }

  weft::coro<void> main_coro() {
    weft::queue<std::string> q(1);
    q.put_nowait("first");
    std::vector<weft::task<void>> tasks;
    for (int i = 0; i < 4; ++i) tasks.push_back(weft::create_task(putter(q, "p" + std::to_string(i))));
    co_await weft::sleep(1s);
    tasks[1].cancel();
    co_await weft::sleep(1s);
    ev("got " + q.get_nowait());
    tasks[0].cancel();
    ev("cancelled p0");
    co_await weft::sleep(1s);
    ev("got " + q.get_nowait());
    co_await weft_test::await_all(ev, tasks, "p");
    std::string last = q.get_nowait();
    ev("got " + last + " qsize " + str(q.qsize()));
  }
};

TEST(QueueTest, PutterCancelledAfterWakeupWakesTheNext) {
  weft_test::run_and_compare<cancel_putter>("queue_cancel_putter");
}

struct eager {
  weft_test::event_log ev;

  weft::coro<void> consumer(weft::queue<std::optional<std::string>>& q, std::string name) {
    ev(name + " starts");
    while (true) {
      std::optional<std::string> it = co_await q.get();
      ev(name + " got " + (it ? *it : "None"));
      if (!it) co_return;
    }
  }

  weft::coro<void> producer(weft::queue<std::optional<std::string>>& q, std::vector<std::optional<std::string>> items) {
    for (auto& it : items) {
      co_await q.put(it);
      ev("put " + (it ? *it : "None"));
    }
  }

  weft::coro<std::string> take_one(weft::queue<std::optional<std::string>>& q) {
    std::optional<std::string> it = co_await q.get();
    ev("take_one got " + *it);
    co_return *it;
  }

  weft::coro<void> main_coro() {
    weft::get_running_loop().set_task_factory(weft::eager_task_factory);
    weft::queue<std::optional<std::string>> q(1);
    auto c0 = weft::create_task(consumer(q, "c0"));
    auto c1 = weft::create_task(consumer(q, "c1"));
    ev("consumers created");
    std::vector<std::optional<std::string>> items{"a", "b", "c", std::nullopt, std::nullopt};
    auto p = weft::create_task(producer(q, items));
    ev("producer created, done " + py(p.done()) + " qsize " + str(q.qsize()));
    co_await p;
    co_await c0;
    co_await c1;
    q.put_nowait("z");
    auto t = weft::create_task(take_one(q));
    ev("take_one done " + py(t.done()) + " result " + t.result());
  }
};

TEST(QueueTest, EagerConsumersRegisterInCreationOrder) {
  weft_test::run_and_compare<eager>("queue_eager");
}

// ---- misuse and return values (no CPython twin) ----

TEST(QueueTest, TaskDoneTooOftenThrows) {
  weft::queue<int> q;
  try {
    q.task_done();
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "task_done() called too many times");
  }
  q.put_nowait(1);
  q.put_nowait(2);
  EXPECT_EQ(q.get_nowait(), 1);
  q.task_done();
  q.task_done();  // counts puts, not gets: the second item was never taken
  EXPECT_THROW(q.task_done(), std::invalid_argument);
  EXPECT_EQ(q.qsize(), 1u);
}

TEST(QueueTest, ErrorsAreNotRuntimeErrorsOrEachOther) {
  // asyncio's QueueEmpty, QueueFull and QueueShutDown derive from Exception only.
  static_assert(std::is_base_of_v<std::exception, weft::queue_empty>);
  static_assert(!std::is_base_of_v<std::runtime_error, weft::queue_empty>);
  static_assert(!std::is_base_of_v<std::runtime_error, weft::queue_full>);
  static_assert(!std::is_base_of_v<std::runtime_error, weft::queue_shut_down>);
  static_assert(!std::is_base_of_v<weft::queue_empty, weft::queue_shut_down>);
  weft::priority_queue<int> q(1);  // std::less by default: smallest first
  q.put_nowait(5);
  EXPECT_TRUE(q.full());
  EXPECT_THROW(q.put_nowait(1), weft::queue_full);
  EXPECT_EQ(q.get_nowait(), 5);
  EXPECT_THROW((void)q.get_nowait(), weft::queue_empty);
  q.shutdown();
  EXPECT_THROW((void)q.get_nowait(), weft::queue_shut_down);
  EXPECT_THROW(q.put_nowait(1), weft::queue_shut_down);
}

TEST(QueueTest, DefaultPriorityQueueIsAMinHeap) {
  weft::priority_queue<int> q;
  for (int v : {5, 3, 8, 1, 9, 2, 7}) q.put_nowait(v);
  std::vector<int> out;
  while (!q.empty()) out.push_back(q.get_nowait());
  EXPECT_EQ(out, (std::vector<int>{1, 2, 3, 5, 7, 8, 9}));
}

weft::coro<void> get_after_put(weft::queue<int>& q) {
  weft::get_running_loop().call_later(1s, [&q] { q.put_nowait(1); });
  (void)co_await q.get();  // waits: binds the queue to this loop
}

TEST(QueueTest, WaitingFromASecondLoopThrows) {
  weft::virtual_clock c1, c2;
  weft::event_loop first({.clock = &c1});
  weft::event_loop second({.clock = &c2});
  weft::queue<int> q;
  first.run_until_complete(get_after_put(q));
  q.put_nowait(2);
  EXPECT_EQ(second.run_until_complete(q.get()), 2);  // no wait: no loop check
  try {
    second.run_until_complete(q.get());
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "Queue is bound to a different event loop");
  }
}

}  // namespace
