#pragma once
/// Known bugs planted in a test-only build of the runtime, to prove that
/// weft's property suite catches them (props/planted/). A normal build has
/// none: WEFT_PLANTED(bug) is the constant false and every planted branch
/// compiles away. With -DWEFT_PLANTED_BUGS=ON (CMake), the environment
/// variable WEFT_PLANTED_BUG=NAME switches on the one bug of that name.

#if defined(WEFT_PLANTED_BUGS) && WEFT_PLANTED_BUGS

#include <string_view>

namespace weft::detail {

/// The planted bugs, one per asyncio guarantee the properties check.
enum class planted_bug {
  none,
  gather_completion_order,   ///< gather's results come in completion order, not argument order
  shield_forwards_cancel,    ///< cancelling a shield cancels the task inside
  task_group_no_sibling_cancel,  ///< a failing child does not cancel its siblings
  timeout_one_tick_late,     ///< a timeout fires one second after its deadline
  lock_wakes_newest,         ///< Lock.release wakes the newest waiter, not the oldest
  uncancel_no_decrement,     ///< Task.uncancel does not decrement the cancel count
  wait_first_completed_empty,  ///< wait(FIRST_COMPLETED) returns before anything is done
  queue_drops_on_cancelled_get,  ///< a cancelled getter loses the item handed to it
};

/// The bug named by $WEFT_PLANTED_BUG (read once), or none.
planted_bug active_planted_bug() noexcept;

}  // namespace weft::detail

#define WEFT_PLANTED(bug) \
  (::weft::detail::active_planted_bug() == ::weft::detail::planted_bug::bug)

#else

#define WEFT_PLANTED(bug) false

#endif
