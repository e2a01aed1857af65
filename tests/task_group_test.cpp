// Tests of weft::task_group (task_group.hpp), asyncio.TaskGroup: children in
// creation order, the first failure cancelling the others and the parent body,
// errors aggregated in order into an exception_group (body error last), refused
// create_task calls, reuse, nested groups, eager children, and the parent task
// cancelled from outside. Every ordering test has a CPython twin in
// tests/reference/taskgroup_*.py, whose output (taskgroup_*.out) is the
// expectation. CPython keeps a group's tasks in a set; the twins make it
// insertion-ordered, the order weft uses (a set's order would differ from
// run to run in CPython, and so could not be compared).

#include <stdexcept>
#include <string>

#include "reference.hpp"
#include "text.hpp"
#include "warnings.hpp"

using namespace std::chrono_literals;

namespace {

using weft_test::cancelling;
using weft_test::describe;
using weft_test::py;

// ---- the normal path ---------------------------------------------------------

struct basic {
  weft_test::event_log ev;

  weft::coro<std::string> child(std::string name, weft::duration delay) {
    ev(name + " starts in " + weft::current_task().get_name());
    co_await weft::sleep(delay);
    ev(name + " finishes");
    co_return name;
  }

  weft::coro<void> main_coro() {
    weft::task<std::string> a, b, c;
    weft::task_group tg;
    co_await tg.run([&](weft::task_group& g) -> weft::coro<void> {
      a = g.create_task(child("a", 2s), "a");
      b = g.create_task(child("b", 1s), "b");
      ev("body continues");
      co_await weft::sleep(500ms);
      c = g.create_task(child("c", 1s));
      ev("body ends");
    });
    ev("group done " + a.result() + " " + b.result() + " " + c.result());
    ev("cancelling " + cancelling());
  }
};

TEST(TaskGroupTest, ChildrenRunInCreationOrderAndAreAwaited) {
  weft_test::run_and_compare<basic>("taskgroup_basic");
}

// ---- failures ------------------------------------------------------------------

/// The log and the children most TaskGroup programs start: one that sleeps
/// until cancelled, one that raises ValueError(NAME) after `delay`, one that
/// raises RuntimeError(NAME) when cancelled.
struct group_program {
  weft_test::event_log ev;

  weft::coro<void> sleeper(std::string name) {
    try {
      co_await weft::sleep(10s);
    } catch (const weft::cancelled_error&) {
      ev(name + " cancelled");
      throw;
    }
  }

  weft::coro<void> fail(std::string name, weft::duration delay) {
    co_await weft::sleep(delay);
    ev(name + " raises");
    throw std::invalid_argument(name);
  }

  weft::coro<void> bad_cleanup(std::string name) {
    try {
      co_await weft::sleep(10s);
    } catch (const weft::cancelled_error&) {
      ev(name + " raises while cancelled");
      throw std::runtime_error(name);
    }
  }
};

struct failure : group_program {
  weft::coro<void> main_coro() {
    weft::task<void> s1, s2;
    weft::task_group tg;
    try {
      co_await tg.run([&](weft::task_group& g) -> weft::coro<void> {
        s1 = g.create_task(sleeper("s1"));
        g.create_task(fail("f", 1s));
        s2 = g.create_task(sleeper("s2"));
        try {
          co_await weft::sleep(10s);
        } catch (const weft::cancelled_error&) {
          ev("body cancelled, cancelling " + cancelling());
          throw;
        }
      });
    } catch (const weft::exception_group&) {
      ev("raised " + describe(std::current_exception()));
    }
    ev("cancelled " + py(s1.cancelled()) + " " + py(s2.cancelled()) + " cancelling " + cancelling());
  }
};

TEST(TaskGroupTest, FirstFailureCancelsChildrenThenParent) {
  weft_test::run_and_compare<failure>("taskgroup_failure");
}

struct errors_order : group_program {
  weft::coro<void> slow_cleanup(std::string name) {
    bool cancelled = false;
    try {
      co_await weft::sleep(10s);
    } catch (const weft::cancelled_error&) {
      ev(name + " cleans up");
      cancelled = true;
    }
    if (cancelled) {
      co_await weft::sleep(1s);
      ev(name + " raises after cleanup");
      throw std::runtime_error(name);
    }
  }

  weft::coro<void> main_coro() {
    weft::task<void> x;
    weft::task_group tg;
    try {
      co_await tg.run([&](weft::task_group& g) -> weft::coro<void> {
        x = g.create_task(fail("x", 2s));
        g.create_task(slow_cleanup("s"));
        g.create_task(fail("y", 1s));
        g.create_task(bad_cleanup("z"));
        g.create_task(fail("w", 1s));
        co_return;
      });
    } catch (const weft::exception_group& eg) {
      ev("raised " + describe(std::current_exception()));
      EXPECT_EQ(eg.message(), "unhandled errors in a TaskGroup");
      EXPECT_EQ(eg.exceptions().size(), 4u);
    }
    ev("x cancelled " + py(x.cancelled()));
  }
};

TEST(TaskGroupTest, ErrorsAggregatedInCompletionOrder) {
  weft_test::run_and_compare<errors_order>("taskgroup_errors_order");
}

struct body_failure : group_program {
  weft::coro<void> main_coro() {
    {
      weft::task_group tg;
      try {
        co_await tg.run([this](weft::task_group& g) -> weft::coro<void> {
          g.create_task(sleeper("a"));
          g.create_task(bad_cleanup("b"));
          co_await weft::sleep(1s);
          ev("body raises");
          throw std::invalid_argument("body");
        });
      } catch (const weft::exception_group&) {
        ev("raised " + describe(std::current_exception()));
      }
    }
    {
      weft::task_group tg;
      try {
        co_await tg.run([this](weft::task_group& g) -> weft::coro<void> {
          g.create_task(sleeper("c"));
          throw std::invalid_argument("body alone");
          co_return;
        });
      } catch (const weft::exception_group&) {
        ev("raised " + describe(std::current_exception()));
      }
    }
    ev("cancelling " + cancelling());
  }
};

TEST(TaskGroupTest, BodyFailureCancelsChildrenAndComesLast) {
  weft_test::run_and_compare<body_failure>("taskgroup_body_failure");
}

// ---- misuse --------------------------------------------------------------------

struct create_task_errors {
  weft_test::event_log ev;
  weft_test::captured_warnings warnings;

  weft::coro<void> child(std::string name) {
    ev(name + " runs");
    co_await weft::sleep(1s);
  }

  weft::coro<void> fail() {
    co_await weft::sleep(1s);
    throw std::invalid_argument("f");
  }

  weft::coro<void> main_coro() {
    weft::task_group tg;
    try {
      tg.create_task(child("early"));
    } catch (const std::runtime_error& e) {
      ev("before entering: RuntimeError");
      EXPECT_STREQ(e.what(), "TaskGroup has not been entered");
    }
    try {
      co_await tg.run([this](weft::task_group& g) -> weft::coro<void> {
        g.create_task(fail());
        try {
          co_await weft::sleep(10s);
        } catch (const weft::cancelled_error&) {
          try {
            g.create_task(child("late"));
          } catch (const std::runtime_error& e) {
            ev("while shutting down: RuntimeError");
            EXPECT_STREQ(e.what(), "TaskGroup is shutting down");
          }
          throw;
        }
      });
    } catch (const weft::exception_group&) {
      ev("raised " + describe(std::current_exception()));
    }
    try {
      tg.create_task(child("after"));
    } catch (const std::runtime_error& e) {
      ev("after the block: RuntimeError");
      EXPECT_STREQ(e.what(), "TaskGroup is finished");
    }
    try {
      co_await tg.run([]() -> weft::coro<void> { co_return; });
    } catch (const std::runtime_error& e) {
      ev("entered twice: RuntimeError");
      EXPECT_STREQ(e.what(), "TaskGroup has already been entered");
    }

    weft::task_group ok;
    co_await ok.run([this](weft::task_group& g) -> weft::coro<void> {
      g.create_task(child("fine"));
      co_return;
    });
    try {
      ok.create_task(child("after fine"));
    } catch (const std::runtime_error& e) {
      ev("after a clean block: RuntimeError");
      EXPECT_STREQ(e.what(), "TaskGroup is finished");
    }
    ev("never-awaited warnings " + std::to_string(warnings.messages().size()));
  }
};

TEST(TaskGroupTest, CreateTaskRefusedBeforeWhileShuttingDownAndAfter) {
  // The last line counts warnings: a refused coroutine is closed, so nothing
  // reports it as never awaited.
  weft_test::run_and_compare<create_task_errors>("taskgroup_create_task_errors");
}

// ---- nesting -----------------------------------------------------------------

struct nested : group_program {
  weft::coro<void> main_coro() {
    {
      weft::task_group outer;
      try {
        co_await outer.run([this](weft::task_group& o) -> weft::coro<void> {
          o.create_task(sleeper("outer child"));
          weft::task_group inner;
          co_await inner.run([this](weft::task_group& i) -> weft::coro<void> {
            i.create_task(sleeper("inner child"));
            i.create_task(fail("inner fail", 1s));
            co_return;
          });
        });
      } catch (const weft::exception_group&) {
        ev("raised " + describe(std::current_exception()));
      }
    }
    {
      weft::task_group outer;
      try {
        co_await outer.run([this](weft::task_group& o) -> weft::coro<void> {
          o.create_task(fail("outer fail", 1s));
          weft::task_group inner;
          try {
            co_await inner.run([this](weft::task_group& i) -> weft::coro<void> {
              i.create_task(sleeper("inner child"));
              co_await weft::sleep(5s);
            });
          } catch (const weft::cancelled_error&) {
            ev("inner group let CancelledError through, cancelling " + cancelling());
            throw;
          }
        });
      } catch (const weft::exception_group&) {
        ev("raised " + describe(std::current_exception()));
      }
    }
    ev("cancelling " + cancelling());
  }
};

TEST(TaskGroupTest, NestedGroups) {
  weft_test::run_and_compare<nested>("taskgroup_nested");
}

// ---- the parent cancelled from outside ---------------------------------------

struct parent_cancelled : group_program {
  weft::coro<void> in_body() {
    weft::task_group tg;
    co_await tg.run([this](weft::task_group& g) -> weft::coro<void> {
      g.create_task(sleeper("a"));
      try {
        co_await weft::sleep(5s);
      } catch (const weft::cancelled_error&) {
        ev("body cancelled");
        throw;
      }
    });
  }

  weft::coro<void> in_exit() {
    weft::task_group tg;
    co_await tg.run([this](weft::task_group& g) -> weft::coro<void> {
      g.create_task(sleeper("b"));
      ev("body ends");
      co_return;
    });
  }

  weft::coro<void> with_error() {
    weft::task_group tg;
    try {
      co_await tg.run([this](weft::task_group& g) -> weft::coro<void> {
        g.create_task(bad_cleanup("c"));
        ev("body ends");
        co_return;
      });
    } catch (const weft::exception_group&) {
      ev("raised " + describe(std::current_exception()) + " cancelling " + cancelling());
    }
    try {
      co_await weft::sleep(0s);
      ev("not cancelled");
    } catch (const weft::cancelled_error&) {
      ev("next await cancelled, cancelling " + cancelling());
      throw;
    }
  }

  weft::coro<void> main_coro() {
    const char* const names[] = {"in body", "in exit", "with error"};
    for (int i = 0; i < 3; ++i) {
      weft::coro<void> c = i == 0 ? in_body() : i == 1 ? in_exit() : with_error();
      auto t = weft::create_task(std::move(c));
      co_await weft::sleep(1s);
      t.cancel();
      try {
        co_await t;
      } catch (const weft::cancelled_error&) {
        ev(std::string(names[i]) + " task cancelled " + py(t.cancelled()) + " cancelling " +
           std::to_string(t.cancelling()));
      }
    }
  }
};

TEST(TaskGroupTest, ParentCancelledFromOutside) {
  weft_test::run_and_compare<parent_cancelled>("taskgroup_parent_cancelled");
}

// ---- eager children, a child cancelled by someone else --------------------------

struct eager : group_program {
  weft::coro<std::string> quick(std::string name) {
    ev(name + " runs eagerly");
    co_return name;
  }

  weft::coro<void> fail_now(std::string name) {
    ev(name + " raises eagerly");
    throw std::invalid_argument(name);
    co_return;
  }

  weft::coro<void> main_coro() {
    weft::event_loop& loop = weft::get_running_loop();
    loop.set_task_factory(weft::eager_task_factory);
    weft::task<std::string> q;
    {
      weft::task_group tg;
      co_await tg.run([&](weft::task_group& g) -> weft::coro<void> {
        q = g.create_task(quick("q"));
        ev("q done " + py(q.done()));
        co_return;
      });
    }
    ev("result " + q.result());
    {
      weft::task_group tg;
      try {
        co_await tg.run([this](weft::task_group& g) -> weft::coro<void> {
          g.create_task(sleeper("s"));
          g.create_task(fail_now("f"));
          ev("after create_task, cancelling " + cancelling());
          try {
            co_await weft::sleep(1s);
          } catch (const weft::cancelled_error&) {
            ev("body cancelled");
            throw;
          }
        });
      } catch (const weft::exception_group&) {
        ev("raised " + describe(std::current_exception()));
      }
    }
    loop.set_task_factory({});

    weft::task<std::string> other;
    {
      weft::task_group tg;
      co_await tg.run([&](weft::task_group& g) -> weft::coro<void> {
        auto victim = g.create_task(sleeper("victim"));
        other = g.create_task(quick("other"));
        co_await weft::sleep(1s);
        victim.cancel();
      });
    }
    ev("group ended normally, other " + other.result() + " cancelling " + cancelling());
  }
};

TEST(TaskGroupTest, EagerChildrenAndACancelledChild) {
  weft_test::run_and_compare<eager>("taskgroup_eager");
}

// ---- except* ---------------------------------------------------------------------

struct except_star : group_program {
  weft::coro<void> main_coro() {
    weft::task_group tg;
    try {
      co_await tg.run([this](weft::task_group& g) -> weft::coro<void> {
        g.create_task(fail("v1", 1s));
        g.create_task(bad_cleanup("r"));
        g.create_task(fail("v2", 1s));
        co_return;
      });
    } catch (const weft::exception_group& eg) {
      // except* ValueError, then except* RuntimeError on what is left.
      auto [values, rest] = eg.split<std::invalid_argument>();
      if (values) ev("except* ValueError " + describe(std::make_exception_ptr(*values)));
      if (rest) {
        auto [runtimes, unhandled] = rest->split<std::runtime_error>();
        if (runtimes) ev("except* RuntimeError " + describe(std::make_exception_ptr(*runtimes)));
        EXPECT_FALSE(unhandled);
      }
    }
    ev("handled");
  }
};

TEST(TaskGroupTest, ExceptStarSplitsTheGroup) {
  weft_test::run_and_compare<except_star>("taskgroup_except_star");
}

// ---- API behaviour without a Python twin -------------------------------------

TEST(TaskGroupTest, RunReturnsTheBodyValue) {
  auto main_coro = []() -> weft::coro<int> {
    weft::task_group tg;
    int v = co_await tg.run([]() -> weft::coro<int> {
      co_await weft::sleep(1s);
      co_return 5;
    });
    co_return v;
  };
  EXPECT_EQ(weft_test::run_virtual(main_coro()), 5);
}

}  // namespace
