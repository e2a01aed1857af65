// Uses weft as an outside project would: prints the virtual time at which a
// task's result reaches its awaiter.
#include <weft/weft.hpp>

#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

weft::coro<int> answer() {
  co_await weft::sleep(2s);
  co_return 42;
}

weft::coro<int> main_task() {
  auto t = weft::create_task(answer(), {.name = "answer"});
  int v = co_await t;
  auto now = weft::get_running_loop().time().time_since_epoch();
  std::printf("%s=%d at %llds\n", t.get_name().c_str(), v,
              static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(now).count()));
  co_return v;
}

int main() {
  weft::virtual_clock clock;
  return weft::run(main_task(), {.clock = &clock}) == 42 ? 0 : 1;
}
