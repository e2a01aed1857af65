// A test binary of WEFT_EXPLORE_TESTs as a user writes them, run by
// tests/explore_macro_test.cpp to check what the macro prints and how it
// ends; some of these tests fail on purpose. Not a test of its own.
#include <weft/sim/gtest.hpp>
#include <weft/weft.hpp>

#include <chrono>
#include <stdexcept>
#include <string>

namespace {

weft::coro<void> append(std::string& order, char c) {
  co_await weft::sleep(std::chrono::seconds(0));
  order += c;
}

weft::coro<void> raise_later() {
  co_await weft::sleep(std::chrono::seconds(1));
  throw std::runtime_error("nobody awaits this");
}

}  // namespace

// Fails when task b appends before task a.
WEFT_EXPLORE_TEST(Macro, Race, {.runs = 200, .seed = 1}) {
  std::string order;
  auto a = weft::create_task(append(order, 'a'), {.name = "a"});
  auto b = weft::create_task(append(order, 'b'), {.name = "b"});
  co_await weft::gather(a, b);
  WEFT_CHECK(order == "ab");
}

// Passes under every schedule: two orders, so two distinct traces.
WEFT_EXPLORE_TEST(Macro, Passes, {.runs = 50, .seed = 3}) {
  std::string order;
  auto x = weft::create_task(append(order, 'x'), {.name = "x"});
  auto y = weft::create_task(append(order, 'y'), {.name = "y"});
  co_await weft::gather(x, y);
  weft::sim::trace(order);
  WEFT_CHECK(order.size() == 2);
}

// A task's exception nobody retrieves: fails only with fail_on_unretrieved.
WEFT_EXPLORE_TEST(Macro, UnretrievedFailsWhenAsked, {.runs = 5}, {.fail_on_unretrieved = true}) {
  auto t = weft::create_task(raise_later(), {.name = "orphan"});
  co_await weft::sleep(std::chrono::seconds(2));
}

WEFT_EXPLORE_TEST(Macro, UnretrievedPassesByDefault, {.runs = 5}) {
  auto t = weft::create_task(raise_later(), {.name = "orphan"});
  co_await weft::sleep(std::chrono::seconds(2));
}
