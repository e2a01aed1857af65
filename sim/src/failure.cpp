#include "weft/sim/failure.hpp"

namespace weft::sim {

namespace {
std::string joined(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}
}  // namespace

std::string failure::message() const {
  switch (kind) {
    case failure_kind::assertion:
      return "assertion failed: " + detail + (where.empty() ? "" : " (at " + joined(where, ", ") + ")");
    case failure_kind::exception: return "exception escaping main: " + detail;
    case failure_kind::deadlock:
      return "deadlock: nothing ready, no timer" + (where.empty() ? "" : "; pending: " + joined(where, "; "));
    case failure_kind::step_limit: return "step limit: " + detail;
    case failure_kind::unretrieved: return "task exception never retrieved: " + detail;
    case failure_kind::resource_limit: return "limit reached: " + detail;
  }
  return detail;
}

bool same_failure(const failure& a, const failure& b) noexcept {
  return a.kind == b.kind && a.detail == b.detail;
}

}  // namespace weft::sim
