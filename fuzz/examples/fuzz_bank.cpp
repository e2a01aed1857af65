// An example of WEFT_FUZZ_TARGET: a C++ test body (as a WEFT_EXPLORE_TEST body)
// as a libFuzzer target whose input bytes are the schedule. Two transfers hold
// a lock across their awaits, so no schedule loses money; drop the lock
// (co_await naive_transfer in both tasks) and the fuzzer finds the lost update
// at once, printing the trace and the WEFT_REPLAY=TOKEN that replays it.

#include <weft/sim/fuzz.hpp>
#include <weft/weft.hpp>

#include "../../examples/bank.hpp"

using namespace bank_example;

namespace {

weft::coro<void> transfers_keep_the_total() {
  bank b;
  auto t1 = weft::create_task(locked_transfer(b, "alice", "bob", 30));
  auto t2 = weft::create_task(locked_transfer(b, "alice", "bob", 50));
  auto t3 = weft::create_task(locked_transfer(b, "bob", "alice", 10));
  co_await t1;
  co_await t2;
  co_await t3;
  WEFT_CHECK(b.balance["alice"] + b.balance["bob"] == 100);
}

}  // namespace

WEFT_FUZZ_TARGET(transfers_keep_the_total)
