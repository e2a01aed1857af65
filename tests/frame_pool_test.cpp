// The frame pool (weft/detail/frame_pool.hpp): blocks are reused, carved from
// shared chunks, empty chunks beyond the idle reserve go back to the chunk
// source, a block freed on another thread is not lost, and a thread's pool
// may die before the blocks it handed out are freed. Behaviour, not timing.
//
// Under AddressSanitizer the pool is off (WEFT_NO_POOL) and these tests skip.

#include <gtest/gtest.h>

#include <cstddef>
#include <memory_resource>
#include <thread>
#include <vector>

#include <weft/detail/frame_pool.hpp>
#include <weft/weft.hpp>

namespace {

using weft::detail::frame_pool;

#ifdef WEFT_NO_POOL
#define WEFT_SKIP_WITHOUT_POOL() GTEST_SKIP() << "the frame pool is off under AddressSanitizer (WEFT_NO_POOL)"
#else
#define WEFT_SKIP_WITHOUT_POOL() (void)0
#endif

// A chunk source that counts what it gives and takes back.
class counting_resource : public std::pmr::memory_resource {
 public:
  std::size_t outstanding = 0;
  std::size_t allocated = 0;

 private:
  void* do_allocate(std::size_t n, std::size_t align) override {
    ++outstanding;
    ++allocated;
    return std::pmr::new_delete_resource()->allocate(n, align);
  }
  void do_deallocate(void* p, std::size_t n, std::size_t align) override {
    --outstanding;
    std::pmr::new_delete_resource()->deallocate(p, n, align);
  }
  bool do_is_equal(const std::pmr::memory_resource& o) const noexcept override { return this == &o; }
};

// Installs a counting resource for one test; every test runs its pool work on
// a fresh thread, so that the thread's pool starts empty and dies at the end.
struct resource_scope {
  counting_resource r;
  resource_scope() { weft::set_frame_pool_resource(&r); }
  ~resource_scope() { weft::set_frame_pool_resource(nullptr); }
};

TEST(FramePoolTest, ReusesAFreedBlock) {
  WEFT_SKIP_WITHOUT_POOL();
  std::thread([] {
    void* a = frame_pool::allocate(100);
    frame_pool::deallocate(a, 100);
    void* b = frame_pool::allocate(100);
    EXPECT_EQ(a, b);  // same size class, last in first out
    void* c = frame_pool::allocate(100);
    EXPECT_NE(b, c);
    frame_pool::deallocate(b, 100);
    frame_pool::deallocate(c, 100);
  }).join();
}

TEST(FramePoolTest, CarvesBlocksFromOneChunk) {
  WEFT_SKIP_WITHOUT_POOL();
  resource_scope rs;
  std::thread([&] {
    std::vector<void*> blocks;
    for (int i = 0; i < 100; ++i) blocks.push_back(frame_pool::allocate(64));
    EXPECT_EQ(rs.r.allocated, 1u);  // 100 blocks of 64 bytes fit in one 64 KiB chunk
    for (void* b : blocks) EXPECT_EQ(frame_pool::chunk_of(b), frame_pool::chunk_of(blocks[0]));
    EXPECT_EQ(weft::frame_pool_statistics().live_blocks, 100u);
    for (void* b : blocks) frame_pool::deallocate(b, 64);
    EXPECT_EQ(weft::frame_pool_statistics().live_blocks, 0u);
    EXPECT_EQ(weft::frame_pool_statistics().empty_chunks, 1u);
  }).join();
  EXPECT_EQ(rs.r.outstanding, 0u);  // thread exit released it
}

TEST(FramePoolTest, ABurstIsReturnedOnceIdle) {
  WEFT_SKIP_WITHOUT_POOL();
  resource_scope rs;
  std::thread([&] {
    constexpr std::size_t n = 200000;  // 200000 x 96 bytes: about 300 chunks
    std::vector<void*> blocks(n);
    for (auto& b : blocks) b = frame_pool::allocate(96);
    std::size_t peak = rs.r.outstanding;
    EXPECT_GT(peak, frame_pool::max_idle_chunks * 4);
    for (std::size_t i = 0; i < n; i += 2) frame_pool::deallocate(blocks[i], 96);  // every other one
    EXPECT_EQ(rs.r.outstanding, peak);  // no chunk is empty yet
    for (std::size_t i = 1; i < n; i += 2) frame_pool::deallocate(blocks[i], 96);
    // Idle: at most max_idle_chunks empty chunks stay for reuse.
    EXPECT_LE(rs.r.outstanding, frame_pool::max_idle_chunks);
    EXPECT_EQ(weft::frame_pool_statistics().live_blocks, 0u);
    // What stays is reused, not re-allocated.
    std::size_t before = rs.r.allocated;
    std::vector<void*> again;
    for (int i = 0; i < 1000; ++i) again.push_back(frame_pool::allocate(96));
    EXPECT_EQ(rs.r.allocated, before);
    for (void* b : again) frame_pool::deallocate(b, 96);
    std::size_t chunks = weft::frame_pool_statistics().chunks;
    EXPECT_EQ(weft::trim_frame_pool(), chunks);
    EXPECT_EQ(rs.r.outstanding, 0u);
  }).join();
}

TEST(FramePoolTest, ASteadyWorkingSetKeepsItsChunks) {
  WEFT_SKIP_WITHOUT_POOL();
  resource_scope rs;
  std::thread([&] {
    std::vector<void*> blocks(20000);  // ~30 chunks of 96-byte blocks
    for (int round = 0; round < 5; ++round) {
      for (auto& b : blocks) b = frame_pool::allocate(96);
      for (void* b : blocks) frame_pool::deallocate(b, 96);
    }
    // Freed and retaken each round: only the first round took chunks, and
    // those above the idle reserve were returned once.
    const std::size_t per_chunk = (frame_pool::chunk_size - frame_pool::header_size) / 96;
    EXPECT_EQ(rs.r.allocated, (blocks.size() + per_chunk - 1) / per_chunk);
  }).join();
  EXPECT_EQ(rs.r.outstanding, 0u);
}

TEST(FramePoolTest, ABlockFreedOnAnotherThreadGoesBackToItsOwner) {
  WEFT_SKIP_WITHOUT_POOL();
  resource_scope rs;
  std::thread([&] {
    void* a = frame_pool::allocate(200);
    std::thread([a] { frame_pool::deallocate(a, 200); }).join();
    EXPECT_EQ(weft::frame_pool_statistics().live_blocks, 1u);  // not yet taken back
    // The owner takes it back on its next slow-path allocation.
    std::vector<void*> more;
    void* got = nullptr;
    for (std::size_t i = 0; i < 1000 && !got; ++i) {
      void* b = frame_pool::allocate(200);
      if (b == a) got = b;
      else more.push_back(b);
    }
    EXPECT_EQ(got, a);
    frame_pool::deallocate(got, 200);
    for (void* b : more) frame_pool::deallocate(b, 200);
    EXPECT_EQ(weft::frame_pool_statistics().live_blocks, 0u);
  }).join();
  EXPECT_EQ(rs.r.outstanding, 0u);
}

TEST(FramePoolTest, AThreadsPoolMayDieBeforeItsBlocksAreFreed) {
  WEFT_SKIP_WITHOUT_POOL();
  resource_scope rs;
  std::vector<void*> blocks;
  std::thread([&] {
    for (int i = 0; i < 10; ++i) blocks.push_back(frame_pool::allocate(300));
  }).join();
  EXPECT_EQ(rs.r.outstanding, 1u);  // orphaned, alive while blocks are out
  std::thread([&] {
    for (std::size_t i = 0; i + 1 < blocks.size(); ++i) frame_pool::deallocate(blocks[i], 300);
  }).join();
  EXPECT_EQ(rs.r.outstanding, 1u);
  frame_pool::deallocate(blocks.back(), 300);  // the last one, on this thread
  EXPECT_EQ(rs.r.outstanding, 0u);
}

weft::coro<int> child(int i) {
  co_await weft::sleep(weft::duration::zero());
  co_return i;
}

weft::coro<long> fan_out(int n) {
  std::vector<weft::task<int>> tasks;
  for (int i = 0; i < n; ++i) tasks.push_back(weft::create_task(child(i)));
  long sum = 0;
  auto results = co_await weft::gather(tasks);
  for (int v : results) sum += v;
  co_return sum;
}

TEST(FramePoolTest, FramesAndTasksOfAFinishedRunAreIdle) {
  WEFT_SKIP_WITHOUT_POOL();
  resource_scope rs;
  std::thread([&] {
    EXPECT_EQ(weft::run(fan_out(100000)), 100000L * 99999 / 2);
    EXPECT_EQ(weft::frame_pool_statistics().live_blocks, 0u);
    EXPECT_LE(rs.r.outstanding, frame_pool::max_idle_chunks);
    weft::trim_frame_pool();
    EXPECT_EQ(rs.r.outstanding, 0u);
  }).join();
}

TEST(FramePoolTest, ALoopGivesBackABurstOfTimersOnceIdle) {
  WEFT_SKIP_WITHOUT_POOL();
  resource_scope rs;
  std::thread([&] {
    weft::event_loop loop;
    std::size_t peak = 0;
    {
      std::vector<weft::timer_handle> hs;
      for (int i = 0; i < 100000; ++i) hs.push_back(loop.call_later(std::chrono::hours(1), [] {}));
      peak = weft::frame_pool_statistics().live_blocks;
      EXPECT_GE(peak, 100000u);
      for (auto& h : hs) h.cancel();
    }
    for (int i = 0; i < 3; ++i) {
      loop.call_soon([&loop] { loop.stop(); });
      loop.run_forever();
    }
    // The loop keeps 1024 idle nodes; the pool keeps its idle reserve.
    EXPECT_LE(weft::frame_pool_statistics().live_blocks, 1100u);
    EXPECT_LE(rs.r.outstanding, frame_pool::max_idle_chunks + 4);  // + the kept nodes' chunks
    loop.close();
  }).join();
  EXPECT_EQ(rs.r.outstanding, 0u);
}

// Idle nodes are trimmed only once they stayed idle through a whole
// iteration: the nodes a burst of callbacks leaves are still there for the
// waits the next iteration registers (no free and allocate again), and go
// once the loop stays idle.
TEST(FramePoolTest, ALoopTrimsIdleNodesOnlyAfterAWholeIdleIteration) {
  WEFT_SKIP_WITHOUT_POOL();
  std::thread([] {
    weft::event_loop loop;
    constexpr int burst = 10000;
    int ran = 0;
    for (int i = 0; i < burst; ++i) loop.call_soon([&ran] { ++ran; });
    const auto iterate = [&loop] {
      loop.call_soon([&loop] { loop.stop(); });
      loop.run_forever();
    };
    iterate();  // runs the burst: its nodes are idle now
    ASSERT_EQ(ran, burst);
    const std::size_t after_burst = weft::frame_pool_statistics().live_blocks;
    EXPECT_GE(after_burst, std::size_t{burst});
    iterate();  // the first iteration that finds them idle keeps them
    EXPECT_EQ(weft::frame_pool_statistics().live_blocks, after_burst);
    iterate();  // the second gives them back, but for 1024
    EXPECT_LE(weft::frame_pool_statistics().live_blocks, 1100u);
    loop.close();
  }).join();
}

}  // namespace
