// The loop's timer heap (weft/detail/timer_heap.hpp): whatever the mix of
// pushes, pops and removals, the earliest timer by (deadline, sequence) comes
// first, as a sorted reference says; siblings share one cache line.

#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <set>
#include <utility>
#include <vector>

#include <weft/event_loop.hpp>

namespace {

using weft::detail::callback_node;
using weft::detail::timer_heap;

struct fixture {
  std::deque<callback_node> nodes;  // stable addresses
  std::set<std::pair<std::int64_t, std::uint64_t>> reference;  // (deadline ns, seq)
  timer_heap heap;
  std::uint64_t seq = 0;

  void push(std::int64_t when_ns) {
    callback_node& n = nodes.emplace_back();
    n.seq = seq++;
    heap.push({weft::time_point(weft::duration(when_ns)), &n});
    reference.emplace(when_ns, n.seq);
  }
  void pop_and_check() {
    ASSERT_FALSE(heap.empty());
    const auto expected = *reference.begin();
    reference.erase(reference.begin());
    EXPECT_EQ(heap.front().when.time_since_epoch().count(), expected.first);
    EXPECT_EQ(heap.front().node->seq, expected.second);
    heap.pop();
    EXPECT_EQ(heap.size(), reference.size());
  }
};

TEST(TimerHeapTest, InterleavedPushesAndPopsComeOutInDeadlineThenSequenceOrder) {
  fixture f;
  std::uint32_t x = 7;  // a fixed LCG: the same operations every run
  for (int i = 0; i < 20000; ++i) {
    x = x * 1664525u + 1013904223u;
    // Pushes outnumber pops 3 to 2, and deadlines take 64 values: many ties.
    if (x % 5 < 3 || f.heap.empty())
      f.push(static_cast<std::int64_t>(x >> 26));
    else
      f.pop_and_check();
  }
  while (!f.heap.empty()) f.pop_and_check();
  EXPECT_TRUE(f.reference.empty());
}

TEST(TimerHeapTest, RemoveIfDropsExactlyThoseTimersAndKeepsTheOrder) {
  fixture f;
  for (int i = 0; i < 1000; ++i) f.push((i * 7919) % 251);
  std::size_t dropped = 0;
  f.heap.remove_if([&](callback_node* n) {
    if (n->seq % 3 != 0) return false;
    ++dropped;
    return true;
  });
  EXPECT_EQ(dropped, 334u);
  std::erase_if(f.reference, [](const auto& e) { return e.second % 3 == 0; });
  EXPECT_EQ(f.heap.size(), f.reference.size());
  while (!f.heap.empty()) f.pop_and_check();
}

TEST(TimerHeapTest, ShrinkKeepsTheTimersAndTheirOrder) {
  fixture f;
  for (int i = 0; i < 5000; ++i) f.push((i * 104729) % 1000);
  for (int i = 0; i < 4900; ++i) f.pop_and_check();
  f.heap.shrink();  // capacity 8192 for 100 timers: reallocated
  EXPECT_EQ(f.heap.size(), 100u);
  while (!f.heap.empty()) f.pop_and_check();
  f.heap.shrink();  // empty: the storage goes
  EXPECT_EQ(f.heap.begin(), nullptr);
  f.push(5);
  f.pop_and_check();
}

TEST(TimerHeapTest, EverySetOfSiblingsFillsOneCacheLine) {
  fixture f;
  for (int i = 0; i < 1000; ++i) {
    f.push(i);
    // data[4i+1..4i+4] are siblings: data + 1 must lie on a 64-byte boundary.
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(f.heap.begin() + 1) % 64, 0u);
  }
}

}  // namespace
