#include "weft/sim/replay.hpp"

#include <algorithm>

namespace weft::sim {

replay::replay(schedule s) : s_(std::move(s)) {
  for (std::size_t i = 0; i < s_.decisions.size(); ++i)
    if (s_.decisions[i].choice != 0) pending_[static_cast<int>(s_.decisions[i].kind)].push_back(i);
}

std::size_t replay::choose(const choice_point& p) {
  std::uint64_t ordinal = seen_[p.kind]++;
  const bool ready = p.kind == decision_kind::ready && p.ready;
  const std::string first = ready ? p.ready->identity(0) : std::string();
  std::uint64_t head = ready ? heads_[first]++ : 0;
  // Deviations of a kind apply in order: only the first pending one may match.
  std::size_t& next = next_[static_cast<int>(p.kind)];
  const std::vector<std::size_t>& pending = pending_[static_cast<int>(p.kind)];
  if (next == pending.size()) return 0;
  const decision& d = s_.decisions[pending[next]];
  if (p.kind == decision_kind::ready) {
    if (!ready || first != d.displaced || head != d.ordinal) return 0;
    if (d.chosen.empty()) {  // a choice by index (the shrinker's lowered choices)
      ++next;
      return d.choice < p.options ? d.choice : 0;
    }
    const std::size_t c = p.ready->find(d.chosen);
    if (c == p.ready->size()) {
      if (mismatch_.empty())
        mismatch_ = "when " + d.displaced + " was next, " + d.chosen + " was not ready (the program changed?)";
      return 0;
    }
    ++next;
    return c;
  }
  if (p.kind == decision_kind::cancel) {
    if (p.identities.empty() || p.identities[0] != d.chosen) return 0;
    ++next;
    return 1;
  }
  // Timer order, jitter and threads: by their order among decisions of their kind.
  if (d.ordinal != ordinal) return 0;
  ++next;
  return d.choice < p.options ? d.choice : 0;
}

std::string replay::mismatch() const {
  if (!mismatch_.empty()) return mismatch_;
  // The earliest deviation not applied, of any kind.
  const decision* first = nullptr;
  std::size_t first_index = s_.decisions.size();
  for (int k = 0; k < decision_kinds; ++k)
    if (next_[k] < pending_[k].size() && pending_[k][next_[k]] < first_index) {
      first_index = pending_[k][next_[k]];
      first = &s_.decisions[first_index];
    }
  if (!first) return {};
  const decision& d = *first;
  if (d.kind == decision_kind::ready) return "the run never reached " + d.displaced + " (the program changed?)";
  if (d.kind == decision_kind::cancel) return "the run never suspended " + d.chosen + " (the program changed?)";
  if (d.kind == decision_kind::thread)
    return "the run had fewer thread decisions than the token (the program changed?)";
  return "the run had fewer timer decisions than the token (the program changed?)";
}

std::size_t replay_by_position::choose(const choice_point& p) {
  if (pos_ >= s_.decisions.size()) return 0;
  const decision& d = s_.decisions[pos_++];
  return d.kind == p.kind && d.choice < p.options ? d.choice : 0;
}

}  // namespace weft::sim
