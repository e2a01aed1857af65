#include "weft/sim/delay_bounded.hpp"

#include <string>

namespace weft::sim {

void delay_bounded::start_run(std::uint64_t) {
  taken_.clear();
  pos_ = 0;
}

std::size_t delay_bounded::choose(const choice_point& p) {
  std::uint32_t c = pos_ < prefix_.size() ? prefix_[pos_] : 0;
  // The prefix was recorded from the previous run of the same program: a
  // decision with fewer options now means the program is not deterministic,
  // and going on would silently explore the wrong tree. The search stops
  // after this run and says why.
  if (c >= p.options) {
    if (divergence_.empty())
      divergence_ = "decision " + std::to_string(pos_) + " offered " + std::to_string(p.options) +
                    " options where the previous run had more than " + std::to_string(c) +
                    ": the program is not deterministic";
    c = 0;
  }
  taken_.emplace_back(static_cast<std::uint32_t>(p.options), c);
  ++pos_;
  return c;
}

bool delay_bounded::next_run() {
  if (!divergence_.empty()) return false;
  // Depth first: the deepest decision that can take its next option within
  // the delay budget moves on; everything after it starts again from FIFO.
  std::uint64_t used = 0;
  for (auto& [options, choice] : taken_) used += choice;
  for (std::size_t i = taken_.size(); i-- > 0;) {
    auto [options, choice] = taken_[i];
    used -= choice;
    if (choice + 1 < options && used + choice + 1 <= max_delays_) {
      prefix_.clear();
      for (std::size_t j = 0; j < i; ++j) prefix_.push_back(taken_[j].second);
      prefix_.push_back(choice + 1);
      return true;
    }
  }
  exhausted_ = true;
  return false;
}

}  // namespace weft::sim
