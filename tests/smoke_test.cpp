#include "reference.hpp"
using namespace std::chrono_literals;
namespace {
struct tasks {
  weft_test::event_log ev;
  weft::coro<int> slow() {
    co_await weft::sleep(5s);
    ev("slow done");
    co_return 5;
  }
  weft::coro<void> main_coro() {
    auto t1 = weft::create_task(slow(), {.name = "t1"});
    ev("started " + t1.get_name());
    int r = co_await t1;
    ev("got " + std::to_string(r));
  }
};
TEST(SmokeTest, TaskResultReachesAwaiter) { weft_test::run_and_compare<tasks>("smoke_tasks"); }
}  // namespace
