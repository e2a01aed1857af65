// Uses weft::props as an outside project would: a property whose body is a
// coroutine, run by GoogleTest under generated schedules.
#include <weft/props/prop.hpp>
#include <weft/weft.hpp>

#include <vector>

namespace {

weft::coro<long long> twice(int x) {
  co_await weft::sleep(std::chrono::seconds(x % 3));
  co_return 2LL * x;
}

}  // namespace

// gather returns results in argument order whatever order the children finish in.
WEFT_PROP(Consumer, GatherKeepsArgumentOrder, (const std::vector<int>& xs)) {
  std::vector<weft::task<long long>> ts;
  for (int x : xs) ts.push_back(weft::create_task(twice(x)));
  const std::vector<long long> got = co_await weft::gather(ts);
  for (std::size_t i = 0; i < xs.size(); ++i) RC_ASSERT(got[i] == 2LL * xs[i]);
}
