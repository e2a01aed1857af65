// minimal peer of the weft benchmarks: about the smallest honest single-threaded
// C++20 coroutine event loop, as a floor for what the five workloads cost.
// Deliberately absent: cancellation, exception support (an exception escaping a
// task calls std::terminate), real time (the clock is virtual), multithreading.
// Still present, because a real loop pays for them: heap-allocated lazy task
// frames scheduled through a FIFO ready queue, a (deadline, seq) timer heap,
// gather that really waits for every child.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using u64 = std::uint64_t;

constexpr const char* kPeer = "minimal";
constexpr u64 kChains = 1000;  // W1's call_soon chains
constexpr u64 kFanOut = 1000;  // children per W2/W5 round

[[noreturn]] void fail(const char* workload, const char* what) {
  std::fprintf(stderr, "%s: %s: %s\n", kPeer, workload, what);
  std::exit(1);
}

// Coroutine frames recycled per 64-byte size class: every workload creates
// frames of a few fixed sizes over and over, so a free list serves them all.
class FramePool {
 public:
  FramePool() = default;
  FramePool(const FramePool&) = delete;
  FramePool& operator=(const FramePool&) = delete;
  ~FramePool() {
    for (void*& head : free_) {
      while (head != nullptr) {
        void* next = *static_cast<void**>(head);
        ::operator delete(head);
        head = next;
      }
    }
  }

  void* alloc(std::size_t n) {
    const std::size_t c = size_class(n);
    if (c >= kClasses) return ::operator new(n);
    if (void* p = free_[c]) {
      free_[c] = *static_cast<void**>(p);
      return p;
    }
    return ::operator new(c * kGranule);
  }

  void dealloc(void* p, std::size_t n) noexcept {
    const std::size_t c = size_class(n);
    if (c >= kClasses) {
      ::operator delete(p);
      return;
    }
    *static_cast<void**>(p) = free_[c];
    free_[c] = p;
  }

 private:
  static constexpr std::size_t kGranule = 64;
  static constexpr std::size_t kClasses = 32;
  static std::size_t size_class(std::size_t n) noexcept { return (n + kGranule - 1) / kGranule; }
  void* free_[kClasses] = {};
};

FramePool g_pool;

using Callback = void (*)(void*);

class Loop;
// The running loop, like asyncio's get_running_loop(); one at a time.
Loop* g_loop = nullptr;

class Loop {
 public:
  Loop() : ring_(new Item[kInitialCapacity]), mask_(kInitialCapacity - 1) { g_loop = this; }
  ~Loop() { g_loop = nullptr; }
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  u64 now() const noexcept { return now_; }

  void call_soon(Callback fn, void* arg) { push({fn, arg}); }
  void resume_soon(std::coroutine_handle<> h) { push({nullptr, h.address()}); }

  void call_at(u64 when, Callback fn, void* arg) {
    timers_.push_back({when, seq_++, fn, arg});
    std::push_heap(timers_.begin(), timers_.end(), Later{});
  }

  // Runs until nothing is ready and no timer is pending.
  void run() {
    for (;;) {
      if (head_ == tail_) {
        if (timers_.empty()) return;
        // Virtual clock: an idle loop jumps straight to the next deadline.
        now_ = std::max(now_, timers_.front().when);
      }
      while (!timers_.empty() && timers_.front().when <= now_) {
        std::pop_heap(timers_.begin(), timers_.end(), Later{});
        push({timers_.back().fn, timers_.back().arg});
        timers_.pop_back();
      }
      // One iteration runs only what was ready at its start (as asyncio does),
      // so due timers get their turn even if callbacks keep rescheduling.
      for (std::size_t n = tail_ - head_; n > 0; --n) {
        const Item it = ring_[head_++ & mask_];
        if (it.fn != nullptr) {
          it.fn(it.arg);
        } else {
          std::coroutine_handle<>::from_address(it.arg).resume();
        }
      }
    }
  }

 private:
  // fn == nullptr marks a coroutine to resume; arg is then its frame address.
  struct Item {
    Callback fn;
    void* arg;
  };
  struct Timer {
    u64 when;
    u64 seq;  // FIFO among equal deadlines
    Callback fn;
    void* arg;
  };
  struct Later {
    bool operator()(const Timer& a, const Timer& b) const noexcept {
      return a.when != b.when ? a.when > b.when : a.seq > b.seq;
    }
  };
  static constexpr std::size_t kInitialCapacity = 256;

  void push(Item it) {
    if (tail_ - head_ > mask_) grow();
    ring_[tail_++ & mask_] = it;
  }

  void grow() {
    const std::size_t size = tail_ - head_;
    std::unique_ptr<Item[]> bigger(new Item[2 * size]);
    for (std::size_t i = 0; i < size; ++i) bigger[i] = ring_[(head_ + i) & mask_];
    ring_ = std::move(bigger);
    mask_ = 2 * size - 1;
    head_ = 0;
    tail_ = size;
  }

  std::unique_ptr<Item[]> ring_;  // power-of-two ring; head_/tail_ only grow
  std::size_t mask_;
  std::size_t head_ = 0;
  std::size_t tail_ = 0;
  std::vector<Timer> timers_;  // min-heap on (when, seq)
  u64 seq_ = 0;
  u64 now_ = 0;  // virtual ns
};

// What gather waits on: children count it down, the last one wakes the waiter.
struct JoinGroup {
  std::size_t remaining = 0;
  std::coroutine_handle<> waiter;
};

template <class T>
class Task;

struct PromiseBase {
  JoinGroup* joiner = nullptr;

  static void* operator new(std::size_t n) { return g_pool.alloc(n); }
  static void operator delete(void* p, std::size_t n) noexcept { g_pool.dealloc(p, n); }

  // Lazy: a task body starts only when spawn() queues it.
  std::suspend_always initial_suspend() noexcept { return {}; }

  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    template <class P>
    void await_suspend(std::coroutine_handle<P> h) noexcept {
      // The frame stays alive (suspended at its end) until its Task owner drops it.
      JoinGroup* j = h.promise().joiner;
      if (j != nullptr && --j->remaining == 0) g_loop->resume_soon(j->waiter);
    }
    void await_resume() noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }

  void unhandled_exception() noexcept { std::terminate(); }
};

template <class T>
struct Promise : PromiseBase {
  T value{};
  Task<T> get_return_object() noexcept;
  void return_value(T v) noexcept { value = std::move(v); }
};

template <>
struct Promise<void> : PromiseBase {
  Task<void> get_return_object() noexcept;
  void return_void() noexcept {}
};

// Owns its frame. No cancellation: it must not be dropped while queued.
template <class T>
class [[nodiscard]] Task {
 public:
  using promise_type = Promise<T>;
  using Handle = std::coroutine_handle<promise_type>;

  explicit Task(Handle h) noexcept : h_(h) {}
  Task(Task&& o) noexcept : h_(std::exchange(o.h_, {})) {}
  Task& operator=(Task&& o) noexcept {
    if (this != &o) {
      reset();
      h_ = std::exchange(o.h_, {});
    }
    return *this;
  }
  ~Task() { reset(); }

  bool done() const noexcept { return h_.done(); }
  Handle handle() const noexcept { return h_; }
  promise_type& promise() const noexcept { return h_.promise(); }
  const auto& result() const noexcept { return h_.promise().value; }  // non-void T only

 private:
  void reset() noexcept {
    if (h_) h_.destroy();
    h_ = {};
  }
  Handle h_;
};

template <class T>
Task<T> Promise<T>::get_return_object() noexcept {
  return Task<T>(Task<T>::Handle::from_promise(*this));
}
inline Task<void> Promise<void>::get_return_object() noexcept {
  return Task<void>(Task<void>::Handle::from_promise(*this));
}

// Queues the task's first step (create_task).
template <class T>
Task<T> spawn(Task<T> t) {
  g_loop->resume_soon(t.handle());
  return t;
}

// co_await gather(tasks): suspends until every task has finished.
template <class T>
class Gather {
 public:
  explicit Gather(std::span<Task<T>> tasks) noexcept : tasks_(tasks) {}
  bool await_ready() noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> h) noexcept {
    group_.waiter = h;
    for (Task<T>& t : tasks_) {
      if (!t.done()) {
        t.promise().joiner = &group_;
        ++group_.remaining;
      }
    }
    return group_.remaining != 0;
  }
  void await_resume() noexcept {}

 private:
  std::span<Task<T>> tasks_;
  JoinGroup group_;
};

template <class T>
Gather<T> gather(std::vector<Task<T>>& tasks) {
  return Gather<T>(std::span<Task<T>>(tasks));
}

// co_await Yield{}: back of the ready queue (asyncio.sleep(0)).
struct Yield {
  bool await_ready() noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) { g_loop->resume_soon(h); }
  void await_resume() noexcept {}
};

void run_until_complete(Loop& loop, Task<void> main, const char* workload) {
  loop.resume_soon(main.handle());
  loop.run();
  if (!main.done()) fail(workload, "main task never finished");
}

using Clock = std::chrono::steady_clock;

u64 ns_since(Clock::time_point t0) {
  return static_cast<u64>(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count());
}

// ---- W1: N callbacks in 1000 self-rescheduling chains ----
struct W1State {
  u64 scheduled = 0;
  u64 ran = 0;
  u64 target = 0;
};

void w1_tick(void* arg) {
  auto* s = static_cast<W1State*>(arg);
  ++s->ran;
  // Count schedulings, not runs, so exactly N callbacks run in total.
  if (s->scheduled < s->target) {
    ++s->scheduled;
    g_loop->call_soon(w1_tick, arg);
  }
}

u64 w1(u64 n) {
  Loop loop;
  W1State s;
  s.target = n;
  const auto t0 = Clock::now();
  for (u64 i = 0; i < std::min(kChains, n); ++i) {
    ++s.scheduled;
    loop.call_soon(w1_tick, &s);
  }
  loop.run();
  const u64 ns = ns_since(t0);
  if (s.ran != n) fail("W1", "callback count differs from N");
  return ns;
}

// ---- W2: N tasks, 1000 per round, each returning at once ----
Task<int> w2_child(int v) { co_return v; }

Task<void> w2_main(u64 rounds, u64* sum) {
  std::vector<Task<int>> kids;
  kids.reserve(kFanOut);
  for (u64 r = 0; r < rounds; ++r) {
    for (u64 i = 0; i < kFanOut; ++i) kids.push_back(spawn(w2_child(static_cast<int>(i))));
    co_await gather(kids);
    for (const Task<int>& k : kids) *sum += static_cast<u64>(k.result());
    kids.clear();
  }
}

u64 w2(u64 n) {
  Loop loop;
  u64 sum = 0;
  const auto t0 = Clock::now();
  run_until_complete(loop, w2_main(n / kFanOut, &sum), "W2");
  const u64 ns = ns_since(t0);
  if (sum != n / kFanOut * (kFanOut * (kFanOut - 1) / 2)) fail("W2", "sum of child results is wrong");
  return ns;
}

// ---- W3: two tasks, N yields each, alternating ----
Task<void> w3_yielder(u64 n, u64* count) {
  for (u64 i = 0; i < n; ++i) {
    co_await Yield{};
    ++*count;
  }
}

Task<void> w3_main(u64 n, u64* count) {
  std::vector<Task<void>> pair;
  pair.push_back(spawn(w3_yielder(n, count)));
  pair.push_back(spawn(w3_yielder(n, count)));
  co_await gather(pair);
}

u64 w3(u64 n) {
  Loop loop;
  u64 count = 0;
  const auto t0 = Clock::now();
  run_until_complete(loop, w3_main(n, &count), "W3");
  const u64 ns = ns_since(t0);
  if (count != 2 * n) fail("W3", "yield count differs from 2N");
  return ns;
}

// ---- W4: N one-shot timers, deadlines scattered over [0, 1 s) ----
u64 timer_offset_ns(u64 i) { return ((i * 2654435761u) & 0xffffffffu) * 1'000'000'000u >> 32; }

void w4_fire(void* arg) { ++*static_cast<u64*>(arg); }

u64 w4(u64 n) {
  Loop loop;
  u64 fired = 0;
  u64 last = 0;
  const auto t0 = Clock::now();
  const u64 start = loop.now();
  for (u64 i = 0; i < n; ++i) {
    const u64 when = start + timer_offset_ns(i);
    last = std::max(last, when);
    loop.call_at(when, w4_fire, &fired);
  }
  loop.run();
  const u64 ns = ns_since(t0);
  if (fired != n) fail("W4", "fired timer count differs from N");
  if (loop.now() != last) fail("W4", "virtual clock did not end at the last deadline");
  return ns;
}

// ---- W5: N rounds of 1000 children that yield once ----
Task<void> w5_child(u64* count) {
  co_await Yield{};
  ++*count;
}

Task<void> w5_main(u64 rounds, u64* count) {
  std::vector<Task<void>> kids;
  kids.reserve(kFanOut);
  for (u64 r = 0; r < rounds; ++r) {
    for (u64 i = 0; i < kFanOut; ++i) kids.push_back(spawn(w5_child(count)));
    co_await gather(kids);
    if (*count != (r + 1) * kFanOut) fail("W5", "gather returned before all children finished");
    kids.clear();
  }
}

u64 w5(u64 n) {
  Loop loop;
  u64 count = 0;
  const auto t0 = Clock::now();
  run_until_complete(loop, w5_main(n, &count), "W5");
  const u64 ns = ns_since(t0);
  if (count != kFanOut * n) fail("W5", "child count differs from 1000N");
  return ns;
}

int bad_argument(const char* arg, const char* why) {
  std::fprintf(stderr, "%s: bad argument '%s': %s\n", kPeer, arg, why);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  constexpr u64 kDefaults[5] = {10'000'000, 1'000'000, 1'000'000, 1'000'000, 1'000};
  constexpr u64 kOpsPerUnit[5] = {1, 1, 2, 1, kFanOut};
  u64 (*const workloads[5])(u64) = {w1, w2, w3, w4, w5};

  u64 sizes[5] = {};
  if (argc == 1) std::copy(std::begin(kDefaults), std::end(kDefaults), sizes);
  for (int a = 1; a < argc; ++a) {
    const std::string_view arg = argv[a];
    if (arg.size() < 3 || arg[0] != 'W' || arg[1] < '1' || arg[1] > '5' || arg[2] != '=') {
      return bad_argument(argv[a], "expected W1..W5=N");
    }
    const std::string_view digits = arg.substr(3);
    if (digits.empty()) return bad_argument(argv[a], "N is missing");
    u64 n = 0;
    for (const char c : digits) {
      if (c < '0' || c > '9') return bad_argument(argv[a], "N is not a positive integer");
      // Cap so that ops (up to 1000N) fits in 64 bits.
      const auto d = static_cast<u64>(c - '0');
      if (n > (UINT64_MAX / kFanOut - d) / 10) return bad_argument(argv[a], "N is too large");
      n = n * 10 + d;
    }
    if (n == 0) return bad_argument(argv[a], "N is not a positive integer");
    const auto w = static_cast<std::size_t>(arg[1] - '1');
    if (w == 1 && n % kFanOut != 0) return bad_argument(argv[a], "W2's N must be a multiple of 1000");
    if (sizes[w] != 0) return bad_argument(argv[a], "workload given more than once");
    sizes[w] = n;
  }

  for (std::size_t w = 0; w < 5; ++w) {
    if (sizes[w] == 0) continue;
    const u64 ns = std::max<u64>(workloads[w](sizes[w]), 1);
    const u64 ops = sizes[w] * kOpsPerUnit[w];
    const double ops_per_sec = static_cast<double>(ops) * 1e9 / static_cast<double>(ns);
    const double ns_per_op = static_cast<double>(ns) / static_cast<double>(ops);
    std::printf("%s W%zu %llu %.2f\n", kPeer, w + 1, static_cast<unsigned long long>(std::llround(ops_per_sec)),
                ns_per_op);
    std::fflush(stdout);
  }
  return 0;
}
