// Tests of weft::timeout, weft::timeout_at and weft::timeout_scope
// (timeout.hpp), asyncio.timeout / timeout_at / Timeout: expiry into
// timeout_error, when() and expired(), reschedule (earlier, later, none, into
// the past), deadlines already past, nested scopes, a body that swallows the
// cancellation, an outside cancel() (which must stay a cancelled_error), and
// misuse. Every ordering test has a CPython twin in
// tests/reference/timeout_*.py, whose output (timeout_*.out) is the expectation.

#include <optional>
#include <stdexcept>
#include <string>

#include "reference.hpp"
#include "text.hpp"

using namespace std::chrono_literals;

namespace {

using weft_test::cancelling;
using weft_test::py;

/// round(when * 1000), or "None": a deadline in ms as the twins print it.
std::string ms(std::optional<weft::time_point> when) {
  return when ? std::to_string(when->time_since_epoch() / 1ms) : "None";
}

// ---- expiry, when(), expired() --------------------------------------------------

struct expiry {
  weft_test::event_log ev;

  weft::coro<std::string> body_result() {
    co_return co_await weft::timeout(3s, []() -> weft::coro<std::string> {
      co_await weft::sleep(1s);
      co_return "value";
    });
  }

  weft::coro<void> main_coro() {
    weft::event_loop& loop = weft::get_running_loop();
    {
      auto cm = weft::timeout(1s);
      try {
        co_await cm.run([this, &cm]() -> weft::coro<void> {
          ev("when " + ms(cm.when()) + " expired " + py(cm.expired()));
          try {
            co_await weft::sleep(10s);
          } catch (const weft::cancelled_error&) {
            ev("body cancelled, expired " + py(cm.expired()));
            throw;
          }
        });
      } catch (const weft::timeout_error&) {
        ev("timed out, expired " + py(cm.expired()) + " cancelling " + cancelling());
      }
    }
    {
      auto cm = weft::timeout(5s);
      co_await cm.run([]() -> weft::coro<void> { co_await weft::sleep(1s); });
      ev("in time, expired " + py(cm.expired()) + " when " + ms(cm.when()));
    }
    {
      auto cm = weft::timeout(std::nullopt);
      co_await cm.run([this](weft::timeout_scope& s) -> weft::coro<void> {
        ev("when " + ms(s.when()));
        co_await weft::sleep(100s);
      });
      ev("no deadline, expired " + py(cm.expired()));
    }
    {
      auto cm = weft::timeout_at(loop.time() + 2s);
      try {
        co_await cm.run([this](weft::timeout_scope& s) -> weft::coro<void> {
          ev("timeout_at when " + ms(s.when()));
          co_await weft::sleep(5s);
        });
      } catch (const weft::timeout_error&) {
        ev("timeout_at expired " + py(cm.expired()));
      }
    }
    std::string r = co_await body_result();
    ev("result " + r);
  }
};

TEST(TimeoutTest, ExpiryRaisesTimeoutError) {
  weft_test::run_and_compare<expiry>("timeout_expiry");
}

// ---- reschedule -------------------------------------------------------------

struct reschedule {
  weft_test::event_log ev;

  weft::coro<void> main_coro() {
    weft::event_loop& loop = weft::get_running_loop();
    {
      auto cm = weft::timeout(5s);
      try {
        co_await cm.run([&](weft::timeout_scope& s) -> weft::coro<void> {
          co_await weft::sleep(1s);
          s.reschedule(loop.time() + 1s);
          ev("earlier: when " + ms(s.when()));
          co_await weft::sleep(10s);
        });
      } catch (const weft::timeout_error&) {
        ev("timed out, expired " + py(cm.expired()));
      }
    }
    {
      auto cm = weft::timeout(1s);
      co_await cm.run([&](weft::timeout_scope& s) -> weft::coro<void> {
        s.reschedule(loop.time() + 3s);
        ev("later: when " + ms(s.when()));
        co_await weft::sleep(2s);
        ev("still running");
        s.reschedule(std::nullopt);
        ev("none: when " + ms(s.when()));
        co_await weft::sleep(5s);
      });
      ev("finished, expired " + py(cm.expired()));
    }
    {
      auto cm = weft::timeout(std::nullopt);
      try {
        co_await cm.run([&](weft::timeout_scope& s) -> weft::coro<void> {
          s.reschedule(loop.time() + 1s);
          co_await weft::sleep(2s);
        });
      } catch (const weft::timeout_error&) {
        ev("deadline added later fired, expired " + py(cm.expired()));
      }
    }
  }
};

TEST(TimeoutTest, RescheduleEarlierLaterAndToNone) {
  weft_test::run_and_compare<reschedule>("timeout_reschedule");
}

struct past {
  weft_test::event_log ev;

  weft::coro<void> main_coro() {
    weft::event_loop& loop = weft::get_running_loop();
    {
      auto cm = weft::timeout(10s);
      try {
        co_await cm.run([&](weft::timeout_scope& s) -> weft::coro<void> {
          co_await weft::sleep(1s);
          loop.call_soon([this] { ev("callback before"); });
          s.reschedule(loop.time() - 1s);
          loop.call_soon([this] { ev("callback after"); });
          ev("rescheduled into the past, expired " + py(s.expired()));
          try {
            co_await weft::sleep(5s);
          } catch (const weft::cancelled_error&) {
            ev("body cancelled, expired " + py(s.expired()));
            throw;
          }
        });
      } catch (const weft::timeout_error&) {
        ev("timed out");
      }
    }
    const weft::duration delays[] = {0s, -1s};
    for (weft::duration delay : delays) {
      const std::string d = std::to_string(delay / 1s);
      auto cm = weft::timeout(delay);
      try {
        co_await cm.run([&]() -> weft::coro<void> {
          loop.call_soon([this] { ev("callback after enter"); });
          ev("entered timeout " + d);
          co_await weft::sleep(0s);
          ev("not reached");
        });
      } catch (const weft::timeout_error&) {
        ev("timeout " + d + " expired " + py(cm.expired()));
      }
    }
    {
      auto cm = weft::timeout(0s);
      co_await cm.run([this]() -> weft::coro<void> {
        ev("body without await");
        co_return;
      });
      ev("expired " + py(cm.expired()));
    }
    co_await weft::sleep(0s);
    ev("still not cancelled, cancelling " + cancelling());
  }
};

TEST(TimeoutTest, DeadlineInThePastFiresViaCallSoon) {
  weft_test::run_and_compare<past>("timeout_reschedule_past");
}

// ---- nesting ---------------------------------------------------------------

struct nested {
  weft_test::event_log ev;

  weft::coro<void> main_coro() {
    {
      auto outer = weft::timeout(10s);
      co_await outer.run([&]() -> weft::coro<void> {
        auto inner = weft::timeout(1s);
        try {
          co_await inner.run([]() -> weft::coro<void> { co_await weft::sleep(5s); });
        } catch (const weft::timeout_error&) {
          ev("inner timed out " + py(inner.expired()) + " outer expired " + py(outer.expired()));
        }
        co_await weft::sleep(1s);
      });
      ev("outer finished, expired " + py(outer.expired()));
    }
    const std::pair<weft::duration, const char*> cases[] = {{10s, ""}, {1s, "equal deadlines: "}};
    for (const auto& [inner_delay, prefix] : cases) {
      auto outer = weft::timeout(1s);
      const std::string label = prefix;
      try {
        co_await outer.run([&, inner_delay = inner_delay]() -> weft::coro<void> {
          auto inner = weft::timeout(inner_delay);
          try {
            co_await inner.run([]() -> weft::coro<void> { co_await weft::sleep(5s); });
          } catch (const weft::cancelled_error&) {
            ev(label + "inner let CancelledError through, inner expired " + py(inner.expired()) + " cancelling " +
               cancelling());
            throw;
          }
        });
      } catch (const weft::timeout_error&) {
        ev(label + "outer timed out " + py(outer.expired()) + " cancelling " + cancelling());
      }
    }
  }
};

TEST(TimeoutTest, NestedInnerOrOuterExpires) {
  weft_test::run_and_compare<nested>("timeout_nested");
}

// ---- an outside cancel ---------------------------------------------------------

struct outside {
  weft_test::event_log ev;

  std::string state(const weft::timeout_scope& cm) {
    return "expired " + py(cm.expired()) + " cancelling " + cancelling();
  }

  weft::coro<void> before_expiry() {
    auto cm = weft::timeout(5s);
    co_await cm.run([this](weft::timeout_scope& s) -> weft::coro<void> {
      try {
        co_await weft::sleep(10s);
      } catch (const weft::cancelled_error&) {
        ev("before expiry: body cancelled, " + state(s));
        throw;
      }
    });
  }

  weft::coro<void> after_expiry() {
    auto cm = weft::timeout(1s);
    co_await cm.run([this](weft::timeout_scope& s) -> weft::coro<void> {
      try {
        co_await weft::sleep(10s);
      } catch (const weft::cancelled_error&) {
        ev("after expiry: body caught the timeout, " + state(s));
      }
      co_await weft::sleep(10s);
    });
  }

  weft::coro<void> same_tick() {
    auto cm = weft::timeout(1s);
    co_await cm.run([this](weft::timeout_scope& s) -> weft::coro<void> {
      try {
        co_await weft::sleep(10s);
      } catch (const weft::cancelled_error&) {
        ev("same tick: body cancelled, " + state(s));
        throw;
      }
    });
  }

  weft::coro<void> already_cancelling() {
    weft::current_task().cancel();
    try {
      co_await weft::sleep(0s);
    } catch (const weft::cancelled_error&) {
      ev("already cancelling: caught, cancelling " + cancelling());
    }
    auto cm = weft::timeout(1s);
    try {
      co_await cm.run([]() -> weft::coro<void> { co_await weft::sleep(10s); });
    } catch (const weft::timeout_error&) {
      ev("already cancelling: TimeoutError, " + state(cm));
    }
  }

  weft::coro<void> run_case(std::string label, weft::coro<void> c, std::optional<weft::duration> cancel_at) {
    auto t = weft::create_task(std::move(c));
    if (cancel_at) weft::get_running_loop().call_later(*cancel_at, [t] { t.cancel(); });
    try {
      co_await t;
      ev(label + " returned");
    } catch (const weft::cancelled_error&) {
      ev(label + " raised CancelledError, task cancelled " + py(t.cancelled()));
    } catch (const weft::timeout_error&) {
      ev(label + " raised TimeoutError");
    }
  }

  weft::coro<void> main_coro() {
    co_await run_case("before expiry", before_expiry(), 1s);
    co_await run_case("after expiry", after_expiry(), 2s);
    auto t = weft::create_task(same_tick());
    weft::get_running_loop().call_later(1s, [t] { t.cancel(); });
    co_await weft::sleep(0s);
    try {
      co_await t;
    } catch (const weft::cancelled_error&) {
      ev("same tick raised CancelledError, task cancelled " + py(t.cancelled()));
    }
    co_await run_case("already cancelling", already_cancelling(), std::nullopt);
  }
};

TEST(TimeoutTest, OutsideCancelPropagatesAsCancelledError) {
  weft_test::run_and_compare<outside>("timeout_outside_cancel");
}

// ---- the body's own outcome after expiry ------------------------------------------

struct swallow {
  weft_test::event_log ev;

  weft::coro<void> main_coro() {
    {
      auto cm = weft::timeout(1s);
      co_await cm.run([this]() -> weft::coro<void> {
        try {
          co_await weft::sleep(10s);
        } catch (const weft::cancelled_error&) {
          ev("body swallows the cancellation");
        }
      });
      ev("block ended normally, expired " + py(cm.expired()) + " cancelling " + cancelling());
    }
    {
      auto cm = weft::timeout(1s);
      try {
        co_await cm.run([]() -> weft::coro<void> {
          try {
            co_await weft::sleep(10s);
          } catch (const weft::cancelled_error&) {
            throw std::invalid_argument("replaced");
          }
        });
      } catch (const std::invalid_argument& e) {
        ev(std::string("ValueError propagated: ") + e.what() + " expired " + py(cm.expired()) + " cancelling " +
           cancelling());
      }
    }
    {
      auto cm = weft::timeout(5s);
      try {
        co_await cm.run([]() -> weft::coro<void> {
          co_await weft::sleep(1s);
          throw std::invalid_argument("early");
        });
      } catch (const std::invalid_argument& e) {
        ev(std::string("ValueError before the deadline: ") + e.what() + " expired " + py(cm.expired()));
      }
    }
  }
};

TEST(TimeoutTest, BodyOutcomeAfterExpiryWins) {
  weft_test::run_and_compare<swallow>("timeout_swallow");
}

// ---- misuse --------------------------------------------------------------------

struct errors {
  weft_test::event_log ev;

  weft::coro<void> main_coro() {
    weft::event_loop& loop = weft::get_running_loop();
    {
      auto cm = weft::timeout(1s);
      try {
        cm.reschedule(weft::time_point(5s));
      } catch (const std::runtime_error& e) {
        ev(std::string("reschedule before enter: ") + e.what());
      }
      co_await cm.run([]() -> weft::coro<void> { co_await weft::sleep(0s); });
      try {
        co_await cm.run([]() -> weft::coro<void> { co_return; });
      } catch (const std::runtime_error& e) {
        ev(std::string("enter twice: ") + e.what());
      }
      try {
        cm.reschedule(std::nullopt);
      } catch (const std::runtime_error& e) {
        ev(std::string("reschedule finished: ") + e.what());
      }
    }
    {
      auto cm = weft::timeout(1s);
      try {
        co_await cm.run([this](weft::timeout_scope& s) -> weft::coro<void> {
          try {
            co_await weft::sleep(5s);
          } catch (const weft::cancelled_error&) {
            try {
              s.reschedule(std::nullopt);
            } catch (const std::runtime_error& e) {
              ev(std::string("reschedule expiring: ") + e.what());
            }
            throw;
          }
        });
      } catch (const weft::timeout_error&) {
      }
      try {
        cm.reschedule(std::nullopt);
      } catch (const std::runtime_error& e) {
        ev(std::string("reschedule expired: ") + e.what());
      }
      try {
        co_await cm.run([]() -> weft::coro<void> { co_return; });
      } catch (const std::runtime_error& e) {
        ev(std::string("enter expired: ") + e.what());
      }
    }
    loop.call_soon([this] {
      auto t = weft::timeout(1s);
      try {
        t.enter();
      } catch (const std::runtime_error& e) {
        ev(std::string("enter outside a task: ") + e.what());
      }
    });
    co_await weft::sleep(0s);
  }
};

TEST(TimeoutTest, MisuseThrowsRuntimeError) {
  weft_test::run_and_compare<errors>("timeout_errors");
}

// ---- API behaviour without a Python twin -------------------------------------

TEST(TimeoutTest, TimeoutAtWithBodyReturnsItsValue) {
  auto main_coro = []() -> weft::coro<int> {
    weft::time_point deadline = weft::get_running_loop().time() + 2s;
    int v = co_await weft::timeout_at(deadline, [](weft::timeout_scope& s) -> weft::coro<int> {
      EXPECT_EQ(s.when(), std::optional<weft::time_point>(weft::time_point(2s)));
      co_await weft::sleep(1s);
      co_return 11;
    });
    EXPECT_EQ(weft::get_running_loop().time(), weft::time_point(1s));
    co_return v;
  };
  EXPECT_EQ(weft_test::run_virtual(main_coro()), 11);
}

TEST(TimeoutTest, TimeoutNeedsARunningLoop) {
  EXPECT_THROW((void)weft::timeout(1s), std::runtime_error);
  weft::timeout_scope at = weft::timeout_at(weft::time_point(1s));  // no loop needed
  EXPECT_EQ(at.when(), std::optional<weft::time_point>(weft::time_point(1s)));
  EXPECT_FALSE(at.expired());
}

}  // namespace
