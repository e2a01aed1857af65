// How a weft user tests for races: two tasks move money between accounts
// (bank.hpp), and the simulator runs the test under many schedules. It finds
// the lost update of `naive_transfer`, shrinks the schedule, and prints a
// token that replays it; `locked_transfer` passes under every schedule.

#include <weft/sim/gtest.hpp>
#include <weft/weft.hpp>

#include "bank.hpp"

using namespace bank_example;

namespace {

weft::coro<void> two_naive_transfers() {
  bank b;
  auto t1 = weft::create_task(naive_transfer(b, "alice", "bob", 30));
  auto t2 = weft::create_task(naive_transfer(b, "alice", "bob", 50));
  co_await t1;
  co_await t2;
  WEFT_CHECK(b.balance["alice"] + b.balance["bob"] == 100);
}

// The buggy version: assert that the simulator finds the lost update and
// shrinks it to a short schedule that replays.
TEST(BankExample, SimulatorFindsTheLostUpdate) {
  weft::sim::report r = weft::sim::explore(two_naive_transfers, {.runs = 200, .seed = 1});
  ASSERT_TRUE(r.first_failure) << weft::sim::format_report(r, {.runs = 200, .seed = 1});
  const auto& f = *r.first_failure;
  EXPECT_EQ(f.failed.kind, weft::sim::failure_kind::assertion) << f.failed.message();
  EXPECT_EQ(f.failed.detail, "b.balance[\"alice\"] + b.balance[\"bob\"] == 100") << f.failed.message();
  EXPECT_LE(f.shrunk.deviations(), f.found.deviations());
  weft::sim::run_result again = weft::sim::replay(two_naive_transfers, weft::sim::encode_token(f.shrunk));
  EXPECT_EQ(again.failed, f.failed);
}

}  // namespace

// The fixed version, as a user writes it: a few lines.
WEFT_EXPLORE_TEST(BankExample, LockedTransfersKeepTheTotal, {.runs = 300, .seed = 1}) {
  bank b;
  auto t1 = weft::create_task(locked_transfer(b, "alice", "bob", 30));
  auto t2 = weft::create_task(locked_transfer(b, "alice", "bob", 50));
  co_await t1;
  co_await t2;
  WEFT_CHECK(b.balance["alice"] + b.balance["bob"] == 100);
}
