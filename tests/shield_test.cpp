// Tests of weft::shield (shield.hpp), asyncio.shield: cancelling the shield
// (or its awaiter) leaves the inner task running, cancelling the inner task
// cancels the shield, exceptions pass through, and an inner already done is
// returned as is. Every ordering test has a CPython twin in
// tests/reference/shield_*.py, whose output (shield_*.out) is the expectation.

#include <stdexcept>
#include <string>

#include "reference.hpp"
#include "text.hpp"

using namespace std::chrono_literals;

namespace {

using weft_test::py;

struct outer_cancelled {
  weft_test::event_log ev;

  weft::coro<int> inner_work(std::string label) {
    ev(label + " starts in " + weft::current_task().get_name());
    co_await weft::sleep(2s);
    ev(label + " finishes");
    co_return 42;
  }

  template <class A>
  weft::coro<int> caller(A aw) {
    try {
      auto s = weft::shield(std::move(aw));
      co_return co_await s;
    } catch (const weft::cancelled_error&) {
      ev("caller cancelled");
      throw;
    }
  }

  weft::coro<void> main_coro() {
    auto inner = weft::create_task(inner_work("inner"), {.name = "inner"});
    auto c = weft::create_task(caller(inner));
    co_await weft::sleep(1s);
    ev("cancel caller " + py(c.cancel()));
    try {
      co_await c;
    } catch (const weft::cancelled_error&) {
      ev("caller done " + py(c.cancelled()) + " inner done " + py(inner.done()) + " inner cancelled " +
         py(inner.cancelled()));
    }
    int r = co_await inner;
    ev("inner result " + std::to_string(r));

    auto c2 = weft::create_task(caller(inner_work("coroutine")));
    co_await weft::sleep(1s);
    c2.cancel();
    co_await weft::sleep(0s);
    ev("caller cancelled " + py(c2.cancelled()));
    co_await weft::sleep(2s);

    auto direct = weft::create_task(inner_work("direct"), {.name = "direct"});
    auto s = weft::shield(direct);
    co_await weft::sleep(1s);
    const bool cancelled = s.cancel();
    ev("cancel shield " + py(cancelled) + " shield cancelled " + py(s.cancelled()) + " inner cancelled " +
       py(direct.cancelled()));
    r = co_await direct;
    ev("inner result " + std::to_string(r));
  }
};

TEST(ShieldTest, OuterCancelledInnerKeepsRunning) {
  weft_test::run_and_compare<outer_cancelled>("shield_outer_cancelled");
}

struct inner_cancelled {
  weft_test::event_log ev;

  weft::coro<int> inner_work(weft::duration delay) {
    co_await weft::sleep(delay);
    co_return 1;
  }

  weft::coro<int> fail() {
    co_await weft::sleep(1s);
    throw std::invalid_argument("boom");
  }

  weft::coro<void> main_coro() {
    auto inner = weft::create_task(inner_work(5s));
    auto s = weft::shield(inner);
    co_await weft::sleep(1s);
    inner.cancel("stop inner");
    try {
      co_await s;
    } catch (const weft::cancelled_error& e) {
      ev(std::string("shield raised CancelledError ") + (e.message() ? "('" + *e.message() + "',)" : "()") +
         " shield cancelled " + py(s.cancelled()));
    }
    ev("main cancelling " + std::to_string(weft::current_task().cancelling()));
    auto s2 = weft::shield(fail());
    try {
      co_await s2;
    } catch (const std::invalid_argument& e) {
      ev(std::string("shield raised ValueError ") + e.what());
    }
  }
};

TEST(ShieldTest, InnerCancelledCancelsOuter) {
  weft_test::run_and_compare<inner_cancelled>("shield_inner_cancelled");
}

struct already_done {
  weft_test::event_log ev;

  weft::coro<int> quick() { co_return 5; }

  weft::coro<int> fail() {
    throw std::invalid_argument("boom");
    co_return 0;
  }

  weft::coro<void> main_coro() {
    weft::event_loop& loop = weft::get_running_loop();
    auto t = weft::create_task(quick());
    auto bad = weft::create_task(fail());
    co_await weft::sleep(0s);
    auto s = weft::shield(t);
    int r = co_await s;
    ev("same task " + py(s == t) + " result " + std::to_string(r));
    auto s2 = weft::shield(bad);
    ev("same failed task " + py(s2 == bad));
    try {
      co_await s2;
    } catch (const std::invalid_argument& e) {
      ev(std::string("raised ValueError ") + e.what());
    }
    weft::future<int> f(loop);
    f.set_result(7);
    auto s3 = weft::shield(f);
    r = co_await s3;
    ev("same future " + py(s3 == f) + " result " + std::to_string(r));
    auto t2 = weft::create_task(quick());
    auto s4 = weft::shield(t2);
    const bool is_new = !(s4 == t2);
    r = co_await s4;
    ev("pending task gives a new future " + py(is_new) + " result " + std::to_string(r));
  }
};

TEST(ShieldTest, AlreadyDoneInnerIsReturnedAsIs) {
  weft_test::run_and_compare<already_done>("shield_done");
}

}  // namespace
