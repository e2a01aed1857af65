// How a weft user writes a property test: a connection pool, a real race,
// its property, and the fix.
//
// `racy_pool::acquire` checks for a free connection, awaits the handshake,
// then takes one: two clients can both see the last free connection and both
// take it. The property ("never more connections in use than the pool has",
// for any number of clients and any pool size, under any schedule) finds it:
// rapidcheck shrinks the inputs and the schedule together, and the failure
// prints the race and a token. `pool::acquire` holds a weft::semaphore
// instead: no input and no schedule breaks it.

#include <gtest/gtest.h>

#include <iostream>
#include <string>

#include <weft/props/prop.hpp>
#include <weft/weft.hpp>

namespace {

/// The buggy pool: check, await, act.
struct racy_pool {
  int free;
  int in_use = 0;
  int most_in_use = 0;

  weft::coro<void> acquire() {
    while (free == 0) co_await weft::sleep(weft::duration::zero());  // poll
    co_await weft::sleep(weft::duration::zero());                    // the handshake
    --free;                                                          // act on a stale check
    most_in_use = std::max(most_in_use, ++in_use);
  }
  void release() {
    --in_use;
    ++free;
  }
};

/// The fixed pool: a semaphore counts the free connections.
struct pool {
  explicit pool(int size) : free(size) {}
  weft::semaphore free;
  int in_use = 0;
  int most_in_use = 0;

  weft::coro<void> acquire() {
    co_await free.acquire();
    co_await weft::sleep(weft::duration::zero());  // the handshake
    most_in_use = std::max(most_in_use, ++in_use);
  }
  void release() {
    --in_use;
    free.release();
  }
};

/// Client `i` arrives after i loop iterations, takes a connection, uses it
/// for one iteration and gives it back.
template <class Pool>
weft::coro<void> client(Pool& p, int i) {
  for (int k = 0; k < i; ++k) co_await weft::sleep(weft::duration::zero());
  co_await p.acquire();
  co_await weft::sleep(weft::duration::zero());  // use the connection
  p.release();
}

/// The property: `clients` clients share a pool of `size` connections.
template <class Pool>
weft::coro<void> never_oversubscribed(int size, int clients, Pool p) {
  std::vector<weft::task<void>> tasks;
  for (int i = 0; i < clients; ++i) tasks.push_back(weft::create_task(client(p, i), {.name = "client" + std::to_string(i)}));
  co_await weft::gather(tasks);
  RC_ASSERT(p.most_in_use <= size);
}

weft::coro<void> racy_property(std::uint8_t size, std::uint8_t clients) {
  const int s = 1 + size % 4, n = clients % 8;
  co_await never_oversubscribed(s, n, racy_pool{s});
}

// The fixed pool, as a user's test suite has it.
WEFT_PROP(PoolExample, NeverMoreConnectionsInUseThanThePoolHas, (std::uint8_t size, std::uint8_t clients)) {
  const int s = 1 + size % 4, n = clients % 8;
  pool p(s);
  std::vector<weft::task<void>> tasks;
  for (int i = 0; i < n; ++i) tasks.push_back(weft::create_task(client(p, i), {.name = "client" + std::to_string(i)}));
  co_await weft::gather(tasks);
  RC_ASSERT(p.most_in_use <= s);
}

// The buggy pool: the property finds the race and shrinks it to the smallest
// pool, two clients and one deviation from FIFO. What it prints is what a
// user sees (props/README.md shows it).
TEST(PoolExample, ThePropertyFindsTheRacyPool) {
  rc::detail::TestParams params;
  params.seed = 3;
  const auto result =
      rc::detail::checkTestable(weft::props::property(&racy_property, {}), rc::detail::TestMetadata{}, params);
  ASSERT_TRUE(result.is<rc::detail::FailureResult>()) << "the race was not found";
  const auto& failure = result.get<rc::detail::FailureResult>();
  std::ostringstream text;
  rc::detail::printResultMessage(result, text);
  std::cout << text.str() << "\n";
  EXPECT_NE(text.str().find("at decision"), std::string::npos) << "the shrunk schedule deviates from FIFO";
  EXPECT_NE(text.str().find("WEFT_REPLAY=w1."), std::string::npos);
  EXPECT_NE(text.str().find("the race"), std::string::npos);
  ASSERT_FALSE(failure.counterExample.empty());
}

}  // namespace
