// Tests of weft::gather (gather.hpp), asyncio.gather: variadic and range forms,
// results in argument order, return_exceptions, a repeated child, cancelling
// the gather (or the task awaiting it), a child's cancellation or exception,
// children already done, an empty range, and cancel() round cycles and down
// long chains of gathers. Every ordering test has a CPython
// twin in tests/reference/gather_*.py, whose output (gather_*.out) is the
// expectation.

#include <algorithm>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "reference.hpp"
#include "text.hpp"

using namespace std::chrono_literals;

namespace {

using weft_test::py;

/// Space-separated values, as print(*values).
std::string joined(const std::vector<int>& v) {
  std::string out;
  for (int x : v) out += (out.empty() ? "" : " ") + std::to_string(x);
  return out;
}

// ---- results in argument order ---------------------------------------------

struct order {
  weft_test::event_log ev;

  weft::coro<int> work(std::string name, weft::duration delay, int result) {
    ev(name + " starts in " + weft::current_task().get_name());
    co_await weft::sleep(delay);
    ev(name + " finishes");
    co_return result;
  }

  weft::coro<std::string> work_str(std::string name, weft::duration delay, std::string result) {
    ev(name + " starts in " + weft::current_task().get_name());
    co_await weft::sleep(delay);
    ev(name + " finishes");
    co_return result;
  }

  weft::coro<void> nothing() {
    ev("nothing starts in " + weft::current_task().get_name());
    co_await weft::sleep(2s);
    ev("nothing finishes");
  }

  weft::coro<void> main_coro() {
    auto g = weft::gather(work("a", 3s, 1), work_str("b", 1s, "two"), nothing());
    ev("gather created, done " + py(g.done()));
    auto& res = co_await g;
    static_assert(std::is_same_v<std::remove_reference_t<decltype(res)>, std::tuple<int, std::string, std::monostate>>);
    ev("results " + std::to_string(std::get<0>(res)) + " " + std::get<1>(res) + " None");
  }
};

TEST(GatherTest, VariadicResultsInArgumentOrder) {
  weft_test::run_and_compare<order>("gather_order");
}

struct range {
  weft_test::event_log ev;

  weft::coro<int> work(int i, weft::duration delay) {
    ev("work " + std::to_string(i) + " starts");
    co_await weft::sleep(delay);
    ev("work " + std::to_string(i) + " finishes");
    co_return i * 10;
  }

  weft::coro<void> main_coro() {
    std::vector<weft::coro<int>> coros;
    const weft::duration delays[] = {4s, 1s, 3s, 2s};
    for (int i = 0; i < 4; ++i) coros.push_back(work(i, delays[i]));
    auto g = weft::gather(std::move(coros));
    std::vector<int> res = co_await std::move(g);
    ev("results " + joined(res));

    std::vector<weft::task<int>> tasks;
    tasks.push_back(weft::create_task(work(0, 2s)));
    tasks.push_back(weft::create_task(work(1, 1s)));
    auto g2 = weft::gather(tasks);
    res = co_await std::move(g2);
    ev("results " + joined(res));
    EXPECT_TRUE(tasks[0] && tasks[1]) << "gather must not empty the caller's task handles";
  }
};

TEST(GatherTest, RangeResultsInArgumentOrder) {
  weft_test::run_and_compare<range>("gather_range");
}

// ---- return_exceptions --------------------------------------------------------

struct return_exc {
  weft_test::event_log ev;

  template <class T>
  std::string describe(weft::outcome<T>& o) {
    if (o.has_value()) return "value " + std::to_string(o.value());
    return weft_test::describe(o.exception());
  }

  weft::coro<int> ok() {
    co_await weft::sleep(1s);
    ev("ok finishes");
    co_return 1;
  }

  weft::coro<int> bad() {
    co_await weft::sleep(2s);
    ev("bad raises");
    throw std::invalid_argument("bad");
  }

  weft::coro<int> victim(std::string name) {
    ev(name + " starts");
    co_await weft::sleep(10s);
    co_return 0;
  }

  weft::coro<void> main_coro() {
    auto v = weft::create_task(victim("victim"));
    auto early = weft::create_task(victim("early"));
    early.cancel("stop early");
    auto g = weft::gather(weft::return_exceptions, ok(), bad(), v, early);
    co_await weft::sleep(3s);
    ev("cancel victim " + py(v.cancel("stop victim")));
    auto& res = co_await g;
    ev("gather done");
    std::apply([this](auto&... o) { (ev(describe(o)), ...); }, res);
  }
};

TEST(GatherTest, ReturnExceptionsGivesOutcomesInArgumentOrder) {
  weft_test::run_and_compare<return_exc>("gather_return_exceptions");
}

// ---- a repeated child ------------------------------------------------------

struct same_task {
  weft_test::event_log ev;

  weft::coro<int> work(std::string name, weft::duration delay, int result) {
    ev(name + " starts");
    co_await weft::sleep(delay);
    ev(name + " finishes");
    co_return result;
  }

  weft::coro<void> main_coro() {
    auto t = weft::create_task(work("t", 1s, 5));
    auto g = weft::gather(t, t, work("u", 2s, 6), t);
    auto [a, b, c, d] = co_await std::move(g);
    ev("results " + joined({a, b, c, d}));
  }
};

TEST(GatherTest, SameTaskTwiceIsOneChild) {
  weft_test::run_and_compare<same_task>("gather_same_task");
}

// ---- a gathered task's own done callbacks -----------------------------------

struct child_callbacks {
  weft_test::event_log ev;

  weft::coro<int> work(std::string name, int result) {
    ev(name + " runs");
    co_await weft::sleep(0s);
    ev(name + " finishes");
    co_return result;
  }

  weft::coro<void> main_coro() {
    auto t = weft::create_task(work("t", 5));
    auto g1 = weft::gather(t);
    t.add_done_callback([this, g1](const weft::any_future&) { ev("first callback: gather 1 done " + py(g1.done())); });
    const std::uint64_t removed = t.add_done_callback([this](const weft::any_future&) { ev("removed callback ran"); });
    ev("removed " + std::to_string(t.remove_done_callback(removed)));
    auto g2 = weft::gather(t, work("u", 6));
    t.add_done_callback([this, g2](const weft::any_future&) { ev("last callback: gather 2 done " + py(g2.done())); });
    auto [a] = co_await g1;
    ev("gather 1 [" + std::to_string(a) + "]");
    auto [b, c] = co_await g2;
    ev("gather 2 [" + std::to_string(b) + ", " + std::to_string(c) + "]");
  }
};

// gather's callback on a fresh task is held without a node (add_gatherer):
// it must still be one callback among the task's others, in their order.
TEST(GatherTest, GatheredTasksOtherCallbacksKeepTheirOrder) {
  weft_test::run_and_compare<child_callbacks>("gather_child_callbacks");
}

// ---- cancellation ----------------------------------------------------------

struct cancel {
  weft_test::event_log ev;

  weft::coro<void> child(std::string name) {
    try {
      co_await weft::sleep(10s);
    } catch (const weft::cancelled_error&) {
      ev(name + " cancelled " + weft_test::describe(std::current_exception()));
      throw;
    }
  }

  template <class F>
  weft::coro<void> awaiter(F g) {
    try {
      co_await g;
    } catch (const weft::cancelled_error&) {
      ev("awaiter got " + weft_test::describe(std::current_exception()));
      throw;
    }
  }

  weft::coro<void> main_coro() {
    auto t1 = weft::create_task(child("t1"));
    auto t2 = weft::create_task(child("t2"));
    auto g = weft::gather(t1, t1, t2);
    co_await weft::sleep(1s);
    ev("cancel returns " + py(g.cancel("stop")));
    ev("cancelling " + std::to_string(t1.cancelling()) + " " + std::to_string(t2.cancelling()));
    try {
      co_await g;
    } catch (const weft::cancelled_error&) {
      ev("gather raised " + weft_test::describe(std::current_exception()));
    }
    ev("cancelled " + py(g.cancelled()) + " " + py(t1.cancelled()) + " " + py(t2.cancelled()));
    ev("cancel again returns " + py(g.cancel()));
    ev("main cancelling " + std::to_string(weft::current_task().cancelling()));

    auto t3 = weft::create_task(child("t3"));
    auto g2 = weft::gather(t3, child("t4"));
    auto w = weft::create_task(awaiter(g2));
    co_await weft::sleep(1s);
    ev("cancel awaiter returns " + py(w.cancel()));
    try {
      co_await w;
    } catch (const weft::cancelled_error&) {
      ev("awaiter cancelled " + py(w.cancelled()) + " t3 cancelling " + std::to_string(t3.cancelling()));
    }
  }
};

TEST(GatherTest, CancelCancelsEachChildOncePerPlace) {
  weft_test::run_and_compare<cancel>("gather_cancel");
}

struct cancel_return_exc {
  weft_test::event_log ev;

  weft::coro<int> child(std::string name, int delay) {
    try {
      co_await weft::sleep(std::chrono::seconds(delay));
    } catch (const weft::cancelled_error&) {
      ev(name + " cancelled");
      throw;
    }
    ev(name + " finishes");
    co_return delay;
  }

  weft::coro<void> main_coro() {
    auto a = weft::create_task(child("a", 1));
    auto b = weft::create_task(child("b", 5));
    auto g = weft::gather(weft::return_exceptions, a, b);
    co_await weft::sleep(2s);
    ev("cancel returns " + py(g.cancel()));
    try {
      co_await g;
      ev("results");
    } catch (const weft::cancelled_error&) {
      ev("gather raised " + weft_test::describe(std::current_exception()));
    }
    ev("a result " + std::to_string(a.result()) + " b cancelled " + py(b.cancelled()));
  }
};

TEST(GatherTest, CancelRaisesEvenWithReturnExceptions) {
  weft_test::run_and_compare<cancel_return_exc>("gather_cancel_return_exceptions");
}

struct child_cancelled {
  weft_test::event_log ev;

  weft::coro<int> child(std::string name, int delay) {
    ev(name + " starts");
    co_await weft::sleep(std::chrono::seconds(delay));
    ev(name + " finishes");
    co_return delay;
  }

  weft::coro<void> main_coro() {
    auto a = weft::create_task(child("a", 1));
    auto b = weft::create_task(child("b", 3));
    auto g = weft::gather(a, b);
    co_await weft::sleep(500ms);
    a.cancel("stop a");
    try {
      co_await g;
    } catch (const weft::cancelled_error&) {
      ev("gather raised " + weft_test::describe(std::current_exception()) + " gather cancelled " + py(g.cancelled()) +
         " b done " + py(b.done()));
    }
    ev("main cancelling " + std::to_string(weft::current_task().cancelling()));
    int r = co_await b;
    ev("b result " + std::to_string(r));
  }
};

TEST(GatherTest, ChildCancellationRaisesCancelledErrorOthersKeepRunning) {
  weft_test::run_and_compare<child_cancelled>("gather_child_cancelled");
}

// ---- exceptions --------------------------------------------------------------

struct first_exception {
  weft_test::event_log ev;

  weft::coro<int> work(std::string name, int delay) {
    co_await weft::sleep(std::chrono::seconds(delay));
    ev(name + " finishes");
    co_return delay;
  }

  weft::coro<int> fail(std::string name, int delay) {
    co_await weft::sleep(std::chrono::seconds(delay));
    ev(name + " raises");
    throw std::invalid_argument(name);
  }

  weft::coro<void> main_coro() {
    auto a = weft::create_task(work("a", 1));
    auto b = weft::create_task(fail("b", 2));
    auto c = weft::create_task(work("c", 3));
    auto d = weft::create_task(fail("d", 4));
    auto g = weft::gather(a, b, c, d);
    try {
      co_await g;
    } catch (const std::invalid_argument& e) {
      ev(std::string("gather raised ValueError ") + e.what() + " c done " + py(c.done()) + " d done " + py(d.done()));
    }
    ev("cancel after done " + py(g.cancel()));
    int r = co_await c;
    ev("c result " + std::to_string(r));
    co_await weft::sleep(2s);
    ev("d done " + py(d.done()));
  }
};

TEST(GatherTest, FirstExceptionPropagatesOthersKeepRunning) {
  weft_test::run_and_compare<first_exception>("gather_first_exception");
}

// ---- children already done, no children ------------------------------------

struct already_done {
  weft_test::event_log ev;

  weft::coro<std::string> work(std::string name, weft::duration delay) {
    co_await weft::sleep(delay);
    co_return name;
  }

  weft::coro<std::string> quick(std::string name) {
    ev(name + " runs");
    co_return name;
  }

  weft::coro<void> main_coro() {
    weft::event_loop& loop = weft::get_running_loop();
    auto t1 = weft::create_task(work("t1", 1s));
    auto t2 = weft::create_task(work("t2", 2s));
    co_await weft::sleep(3s);
    auto g = weft::gather(t1, t2);
    ev("gather of done tasks is done " + py(g.done()) + " " + std::get<0>(g.result()) + " " + std::get<1>(g.result()));
    loop.call_soon([this] { ev("callback"); });
    auto& res = co_await g;
    ev("awaited without a hop " + std::get<0>(res) + " " + std::get<1>(res));
    co_await weft::sleep(0s);

    loop.set_task_factory(weft::eager_task_factory);
    auto ge = weft::gather(quick("q1"), quick("q2"));
    ev("gather of eager tasks is done " + py(ge.done()) + " " + std::get<0>(ge.result()) + " " +
       std::get<1>(ge.result()));
    loop.set_task_factory({});

    auto g3 = weft::gather(quick("q3"), t1);
    ev("gather of a new task is done " + py(g3.done()));
    auto& r3 = co_await g3;
    ev("results " + std::get<0>(r3) + " " + std::get<1>(r3));
  }
};

TEST(GatherTest, AlreadyDoneChildrenCompleteWithoutHop) {
  weft_test::run_and_compare<already_done>("gather_done");
}

struct empty {
  weft_test::event_log ev;

  weft::coro<void> main_coro() {
    weft::get_running_loop().call_soon([this] { ev("callback"); });
    std::vector<weft::coro<int>> none;
    auto g = weft::gather(std::move(none));
    ev("empty gather done " + py(g.done()) + " " + std::to_string(g.result().size()));
    auto& res = co_await g;
    ev("awaited without a hop " + std::to_string(res.size()));
    std::vector<weft::task<int>> no_tasks;
    auto g2 = weft::gather(weft::return_exceptions, no_tasks);
    auto& res2 = co_await g2;
    ev("with return_exceptions " + std::to_string(res2.size()));
    co_await weft::sleep(0s);
  }
};

TEST(GatherTest, EmptyRangeIsDoneAtOnce) {
  weft_test::run_and_compare<empty>("gather_empty");
}

// ---- API behaviour without a Python twin -------------------------------------

weft::coro<std::unique_ptr<int>> make_unique_int(int v) {
  co_await weft::sleep(1ms);
  co_return std::make_unique<int>(v);
}

TEST(GatherTest, MoveOnlyResultsAreMovedOut) {
  auto main_coro = []() -> weft::coro<int> {
    auto g = weft::gather(make_unique_int(3), make_unique_int(4));
    auto [a, b] = co_await std::move(g);
    co_return *a * 10 + *b;
  };
  EXPECT_EQ(weft_test::run_virtual(main_coro()), 34);
}

weft::coro<int> seven() { co_return 7; }

weft::coro<int> nope() {
  co_await weft::sleep(0s);
  throw std::runtime_error("nope");
}

TEST(GatherTest, OutcomeValueRethrowsTheChildException) {
  auto main_coro = []() -> weft::coro<void> {
    std::vector<weft::coro<int>> coros;
    coros.push_back(seven());
    coros.push_back(nope());
    auto g = weft::gather(weft::return_exceptions, std::move(coros));
    std::vector<weft::outcome<int>> res = co_await std::move(g);
    EXPECT_TRUE(res[0].has_value());
    EXPECT_EQ(res[0].value(), 7);
    EXPECT_EQ(res[0].exception(), nullptr);
    EXPECT_FALSE(res[1].has_value());
    EXPECT_THROW(res[1].value(), std::runtime_error);
  };
  weft_test::run_virtual(main_coro());
}

// ---- cancel() down chains and round cycles of gathers -----------------------

struct cancel_cycle {
  weft_test::event_log ev;
  std::map<std::string, weft::task<std::string>> tasks;
  weft::event go_a, go_bc;

  weft::coro<void> fail_when(weft::event& go, std::string name) {
    co_await go.wait();
    throw std::invalid_argument(name);
  }

  weft::coro<std::string> gatherer(std::string name, std::string gathered, weft::event& go) {
    co_await weft::sleep(0s);  // main creates every task first
    try {
      co_await weft::gather(tasks.at(gathered), fail_when(go, name));
    } catch (const std::invalid_argument&) {
      ev(name + " gather raised " + weft_test::describe(std::current_exception()));
    } catch (const weft::cancelled_error&) {
      ev(name + " cancelled");
      throw;
    }
    co_return name;
  }

  void cancel(const std::string& name) {
    const auto& t = tasks.at(name);
    try {
      ev("cancel " + name + " returns " + py(t.cancel()));
    } catch (const weft::recursion_error&) {
      ev("cancel " + name + " raised RecursionError");
    }
    ev(name + " done " + py(t.done()) + " cancel requested " + py(t.cancelling() > 0));
  }

  weft::coro<void> main_coro() {
    tasks["a"] = weft::create_task(gatherer("a", "a", go_a));
    co_await weft::sleep(1s);
    cancel("a");
    go_a.set();
    ev("a returned " + co_await tasks["a"]);

    tasks["b"] = weft::create_task(gatherer("b", "c", go_bc));
    tasks["c"] = weft::create_task(gatherer("c", "b", go_bc));
    co_await weft::sleep(1s);
    cancel("b");
    ev("c cancel requested " + py(tasks["c"].cancelling() > 0));
    go_bc.set();
    std::string b = co_await tasks["b"];
    ev("b returned " + b + " c returned " + co_await tasks["c"]);
  }
};

TEST(GatherTest, CancelGoingRoundACycleOfGathersRaisesRecursionError) {
  // A task gathering itself, then two tasks gathering each other: Task.cancel
  // and the gather's cancel call each other without end, which CPython stops
  // at its recursion limit, and weft at its own, both with RecursionError.
  weft_test::run_and_compare<cancel_cycle>("gather_cancel_cycle");
}

struct cancel_chain {
  static constexpr int n = 100'000;
  weft_test::event_log ev;

  weft::coro<int> link(int i, bool gather, weft::event& go, std::vector<weft::task<int>>& links) {
    if (i == n) {
      co_await go.wait();
      co_return 0;
    }
    links.push_back(weft::create_task(link(i + 1, gather, go, links)));
    weft::task<int> next = links[static_cast<std::size_t>(i) + 1];
    int r = gather ? std::get<0>(co_await weft::gather(next)) : co_await weft::shield(next);
    co_return r + 1;
  }

  weft::coro<void> chain(bool gather) {
    weft::event go;
    std::vector<weft::task<int>> links;
    links.push_back(weft::create_task(link(0, gather, go, links)));
    co_await weft::sleep(1s);
    ev(std::string(gather ? "gather" : "shield") + " chain of " + std::to_string(links.size()) + " tasks");
    try {
      ev("cancel returns " + py(links[0].cancel()));
    } catch (const weft::recursion_error&) {
      ev("cancel raised RecursionError");
    }
    go.set();
    bool cancelled = false;
    try {
      ev("first returned " + std::to_string(co_await links[0]));
    } catch (const weft::cancelled_error&) {
      cancelled = true;
    }
    if (cancelled) ev("first cancelled " + py(links[0].cancelled()) + " second returned " + std::to_string(co_await links[1]));
    ev("all done " + py(std::all_of(links.begin(), links.end(), [](const auto& t) { return t.done(); })));
  }

  weft::coro<void> main_coro() {
    co_await chain(true);
    co_await chain(false);
  }
};

TEST(GatherTest, CancellingLongChainsOfGathersAndShieldsDoesNotOverflowTheStack) {
  // 100,000 tasks each awaiting a gather of the next: cancel() walks down the
  // chain in a loop, not on the thread's stack, and stops at the recursion
  // limit as CPython does; a shield stops it at once.
  weft_test::run_and_compare<cancel_chain>("gather_cancel_chain");
}

}  // namespace
