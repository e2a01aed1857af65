#pragma once
// The bank of the simulator's examples (sim_example_test.cpp,
// fuzz/examples/fuzz_bank.cpp): two ways to move money between accounts.
//
// `naive_transfer` reads a balance, awaits (a network call, say), and writes
// back: two concurrent transfers can lose an update. `locked_transfer` holds
// a weft::lock across the awaits: no schedule breaks it.

#include <weft/sim/test.hpp>
#include <weft/weft.hpp>

#include <chrono>
#include <map>
#include <string>

namespace bank_example {

struct bank {
  std::map<std::string, int> balance{{"alice", 100}, {"bob", 0}};
  weft::lock mutex;
};

inline weft::coro<void> naive_transfer(bank& b, std::string from, std::string to, int amount) {
  int f = b.balance[from];
  co_await weft::sleep(std::chrono::seconds(0));  // e.g. an audit call between the read and the write
  b.balance[from] = f - amount;
  int t = b.balance[to];
  co_await weft::sleep(std::chrono::seconds(0));
  b.balance[to] = t + amount;
  weft::sim::trace(from + " -> " + to + " " + std::to_string(amount));
}

inline weft::coro<void> locked_transfer(bank& b, std::string from, std::string to, int amount) {
  auto held = co_await weft::scoped(b.mutex);
  co_await naive_transfer(b, std::move(from), std::move(to), amount);
}

}  // namespace bank_example
