#include "weft/sim/present_positions.hpp"

#include <bit>

namespace weft::sim {

namespace {

std::size_t lowbit(std::size_t i) { return i & (~i + 1); }

}  // namespace

void present_positions::fill(std::size_t n) {
  tree_.assign(n + 1, 0);
  for (std::size_t i = 1; i <= n; ++i) tree_[i] = static_cast<std::uint32_t>(lowbit(i));
  top_ = n ? std::bit_floor(n) : 0;
  removed_ = 0;
}

void present_positions::remove(std::size_t position) {
  ++removed_;
  for (std::size_t i = position + 1; i < tree_.size(); i += lowbit(i)) --tree_[i];
}

std::size_t present_positions::before(std::size_t position) const {
  if (removed_ == 0) return position;
  std::size_t n = 0;
  for (std::size_t i = position; i > 0; i -= lowbit(i)) n += tree_[i];
  return n;
}

std::size_t present_positions::select(std::size_t k) const {
  if (removed_ == 0) return k;
  // The longest prefix holding at most k present positions ends just before the k-th.
  std::size_t at = 0;
  for (std::size_t step = top_; step; step /= 2)
    if (at + step < tree_.size() && tree_[at + step] <= k) {
      at += step;
      k -= tree_[at];
    }
  return at;
}

}  // namespace weft::sim
