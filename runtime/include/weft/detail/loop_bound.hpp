#pragma once
/// asyncio.mixins._LoopBoundMixin: a primitive binds to the running loop the
/// first time it has to wait, and refuses any other loop afterwards.

#include <stdexcept>
#include <string>

#include "weft/event_loop.hpp"

namespace weft::detail {

class loop_bound {
 protected:
  /// The running loop; binds it on first use. Throws std::runtime_error
  /// ("... is bound to a different event loop") from another loop.
  event_loop& get_loop(const char* what) {
    event_loop& running = get_running_loop();
    if (!loop_) loop_ = &running;
    if (loop_ != &running) throw std::runtime_error(std::string(what) + " is bound to a different event loop");
    return running;
  }

 private:
  event_loop* loop_ = nullptr;
};

}  // namespace weft::detail
