// Uses weft::sim as an outside project would: explores a body whose check
// holds only when task a runs before task b, and replays the failure's token.
#include <weft/sim/sim.hpp>
#include <weft/weft.hpp>

#include <cstdio>
#include <string>

namespace {

weft::coro<void> append(std::string& order, char c) {
  co_await weft::sleep(std::chrono::seconds(0));
  order += c;
}

weft::coro<void> body() {
  std::string order;
  auto a = weft::create_task(append(order, 'a'), {.name = "a"});
  auto b = weft::create_task(append(order, 'b'), {.name = "b"});
  co_await weft::gather(a, b);
  WEFT_CHECK(order == "ab");
}

}  // namespace

int main() {
  weft::sim::explore_options opts;
  opts.runs = 200;
  const auto r = weft::sim::explore(body, opts);
  if (!r.first_failure) return 1;
  const auto replayed = weft::sim::replay(body, weft::sim::encode_token(r.first_failure->shrunk));
  std::printf("race found, replay %s\n",
              replayed.failed && weft::sim::same_failure(*replayed.failed, r.first_failure->failed) ? "fails the same way"
                                                                                                    : "differs");
  return 0;
}
