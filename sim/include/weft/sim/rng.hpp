#pragma once
/// The simulator's random numbers: xoshiro256** seeded through splitmix64,
/// both written out here so that a seed gives the same numbers with any
/// compiler and standard library (std::mt19937 would too, but the standard
/// distributions do not). Never std::random_device, never <random>'s distributions.

#include <cstdint>

namespace weft::sim {

/// splitmix64 (Steele, Lea, Flood 2014): used to expand one seed into a state.
constexpr std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// xoshiro256** 1.0 (Blackman and Vigna, 2018).
class rng {
  __extension__ using u128 = unsigned __int128;

 public:
  explicit constexpr rng(std::uint64_t seed) noexcept {
    for (auto& w : s_) w = splitmix64(seed);
  }
  constexpr std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  /// A number in [0, n), n > 0, without modulo bias (Lemire's method with rejection).
  constexpr std::uint64_t below(std::uint64_t n) noexcept {
    u128 m = static_cast<u128>(next()) * n;
    auto low = static_cast<std::uint64_t>(m);
    if (low < n) {
      const std::uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<u128>(next()) * n;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }
  /// True with probability num/den.
  constexpr bool chance(std::uint64_t num, std::uint64_t den) noexcept { return below(den) < num; }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4]{};
};

}  // namespace weft::sim
