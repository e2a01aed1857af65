#pragma once
/// Which of n positions are still present, with their ranks: a Fenwick tree.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace weft::sim {

/// Positions 0..n-1, each present until removed. Taking the k-th of what is
/// left, again and again, costs O(log n) a time instead of the O(n) of
/// erasing from an array.
class present_positions {
 public:
  /// Positions 0..n-1, all present. O(n).
  void fill(std::size_t n);
  /// Removes a present position. O(log n).
  void remove(std::size_t position);
  /// How many present positions lie below `position`. O(log n).
  std::size_t before(std::size_t position) const;
  /// The k-th present position, from 0 (k must be below the count present). O(log n).
  std::size_t select(std::size_t k) const;

 private:
  std::vector<std::uint32_t> tree_;  // 1-based: tree_[i] counts (i - lowbit(i), i]
  std::size_t top_ = 0;              // select's first step: the highest power of two <= n
  std::size_t removed_ = 0;          // none yet: a position is its own rank (a batch's first decision)
};

}  // namespace weft::sim
