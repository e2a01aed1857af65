#pragma once
// What weft's property files share: the program vocabulary, the loop's time,
// an error of the body's own, and a canceller.

#include <stdexcept>

#include <weft/props/programs.hpp>
#include <weft/weft.hpp>

namespace props_test {

using weft::props::child_outcome;
using weft::props::program_run;
using kind = child_outcome::kind;
inline constexpr weft::duration tick = program_run::tick;

/// The running loop's time.
inline weft::time_point now() { return weft::get_running_loop().time(); }

/// The error a body raises on its own (not a child's).
class body_error : public std::runtime_error {
 public:
  body_error() : std::runtime_error("body") {}
};

/// Cancels `f` after `d`.
inline weft::coro<void> cancel_after(weft::any_future f, weft::duration d) {
  co_await weft::sleep(d);
  f.cancel();
}

}  // namespace props_test
