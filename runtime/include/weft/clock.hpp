#pragma once
/// The loop's time source. Time is integer nanoseconds (never float seconds).
/// steady_clock is real time; virtual_clock starts at 0 and jumps to the next
/// timer when nothing is ready, so tests of long timeouts finish at once.

#include <chrono>
#include <stdexcept>
#include <cstdint>

namespace weft {

/// The duration type of every weft time value.
using duration = std::chrono::nanoseconds;

/// The clock the running event loop uses (a Cpp17Clock, so std::chrono works on
/// its time points). now() is get_running_loop().time().
struct loop_clock {
  using duration = std::chrono::nanoseconds;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<loop_clock, duration>;
  static constexpr bool is_steady = true;
  /// get_running_loop().time(); throws std::runtime_error without a running loop.
  static time_point now();
};

/// A point on the loop's clock. Mirrors the float returned by loop.time().
using time_point = loop_clock::time_point;

/// A source of time for an event loop: the seam through which the simulator
/// controls time. Implementations must be monotonic.
class clock {
 public:
  virtual ~clock() = default;
  /// The current time.
  virtual time_point now() = 0;
  /// Called when nothing is ready and the earliest timer is due at `deadline`:
  /// returns once now() >= deadline (sleeping, or jumping for virtual time).
  virtual void wait_until(time_point deadline) = 0;
  /// Whether wait_until blocks for real time. A loop whose clock sleeps
  /// waits on its wakeup instead, so that other threads' work interrupts
  /// the wait; one whose clock jumps first waits for the threads it runs
  /// work on (they take no virtual time). Default: true.
  virtual bool sleeps() const noexcept { return true; }
};

/// Real monotonic time (std::chrono::steady_clock); wait_until sleeps.
/// The default clock of an event loop. Mirrors time.monotonic().
class steady_clock final : public clock {
 public:
  time_point now() override;
  void wait_until(time_point deadline) override;
};

/// Virtual time: starts at 0 and only moves when the loop waits for its next
/// timer, which it reaches at once. Never sleeps. Like Trio's MockClock with
/// autojump_threshold=0.
class virtual_clock final : public clock {
 public:
  time_point now() override { return now_; }
  void wait_until(time_point deadline) override {
    if (deadline > now_) now_ = deadline;
  }
  bool sleeps() const noexcept override { return false; }
  /// Moves time forward by `d`; due timers run on the next iteration. Time
  /// never goes back: a negative `d` throws std::invalid_argument (as Trio's
  /// MockClock.jump raises ValueError).
  void advance(duration d) {
    if (d < duration::zero()) throw std::invalid_argument("virtual_clock::advance: a negative duration moves time back");
    now_ += d;
  }

 private:
  time_point now_{};
};

}  // namespace weft
