// weft::virtual_clock (clock.hpp): time that moves only when told, never back.

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>

#include <weft/clock.hpp>

namespace {

using namespace std::chrono_literals;

TEST(VirtualClockTest, StartsAtZeroAndAdvancesExactly) {
  weft::virtual_clock c;
  EXPECT_EQ(c.now().time_since_epoch(), weft::duration::zero());
  c.advance(1500ms);
  c.advance(0s);
  EXPECT_EQ(c.now().time_since_epoch(), 1500ms);
}

TEST(VirtualClockTest, WaitUntilJumpsForwardNeverBack) {
  weft::virtual_clock c;
  c.wait_until(weft::time_point(1h));
  EXPECT_EQ(c.now().time_since_epoch(), 1h);
  c.wait_until(weft::time_point(1s));  // a deadline already passed
  EXPECT_EQ(c.now().time_since_epoch(), 1h);
}

TEST(VirtualClockTest, AdvanceRejectsANegativeDuration) {
  weft::virtual_clock c;
  c.advance(10s);
  EXPECT_THROW(c.advance(-1ns), std::invalid_argument);
  EXPECT_EQ(c.now().time_since_epoch(), 10s) << "a refused advance leaves the time as it was";
}

}  // namespace
