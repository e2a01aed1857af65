// Which planted bug is on (weft/detail/planted.hpp); built only with
// WEFT_PLANTED_BUGS=ON.
#include "weft/detail/planted.hpp"

#if defined(WEFT_PLANTED_BUGS) && WEFT_PLANTED_BUGS

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace weft::detail {

namespace {

struct named_bug {
  std::string_view name;
  planted_bug bug;
};

constexpr named_bug bugs[] = {
    {"gather_completion_order", planted_bug::gather_completion_order},
    {"shield_forwards_cancel", planted_bug::shield_forwards_cancel},
    {"task_group_no_sibling_cancel", planted_bug::task_group_no_sibling_cancel},
    {"timeout_one_tick_late", planted_bug::timeout_one_tick_late},
    {"lock_wakes_newest", planted_bug::lock_wakes_newest},
    {"uncancel_no_decrement", planted_bug::uncancel_no_decrement},
    {"wait_first_completed_empty", planted_bug::wait_first_completed_empty},
    {"queue_drops_on_cancelled_get", planted_bug::queue_drops_on_cancelled_get},
};

planted_bug from_environment() noexcept {
  const char* name = std::getenv("WEFT_PLANTED_BUG");
  if (!name || !*name) return planted_bug::none;
  for (const auto& b : bugs)
    if (b.name == name) return b.bug;
  std::fprintf(stderr, "weft: WEFT_PLANTED_BUG=%s names no planted bug\n", name);
  std::exit(2);  // a typo would silently test the correct runtime
}

}  // namespace

planted_bug active_planted_bug() noexcept {
  static const planted_bug active = from_environment();
  return active;
}

}  // namespace weft::detail

#endif
