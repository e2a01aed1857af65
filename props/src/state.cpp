#include "weft/props/state.hpp"

#include <weft/sleep.hpp>

namespace weft::props {

// The virtual clock moves only when nothing is ready, so a timer one step
// ahead fires after everything runnable has run.
coro<void> settle() { co_await weft::sleep(weft::duration{1}); }

}  // namespace weft::props
