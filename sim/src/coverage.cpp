#include "weft/sim/coverage.hpp"

#include <weft/event_loop.hpp>
#include <weft/scheduler.hpp>

namespace weft::sim {

namespace detail {
namespace {
thread_local std::uint64_t shared_count = 0;
}
std::uint64_t next_shared_id() noexcept { return stable_hash("shared", ++shared_count); }
void restart_shared_ids() noexcept { shared_count = 0; }
}  // namespace detail

std::uint64_t site_hash(const source_site& s) noexcept {
  if (!s) return 0;
  std::string_view file(s.file);
  if (auto slash = file.find_last_of("/\\"); slash != std::string_view::npos) file.remove_prefix(slash + 1);
  return stable_hash(file) ^ (0x9e3779b97f4a7c15ULL * (s.line + 1));
}

void note_access(std::uint64_t object, std::uint64_t site, bool write) {
  if (event_loop* l = running_loop_or_null())
    if (weft::scheduler* s = weft::detail::loop_access::scheduler(*l); s && s->observes_accesses())
      s->on_access(object, site, write);
}

}  // namespace weft::sim
