#pragma once
/// Decisions and schedules: what the simulator chooses where a run could go
/// more than one way, how a run's choices are recorded, and the printable
/// token that replays them (docs/simulator.md, "Decisions" and "Tokens").

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "weft/clock.hpp"

namespace weft::sim {

/// Where a run could go more than one way.
enum class decision_kind : std::uint8_t {
  ready,   ///< which ready callback runs next (0 = FIFO)
  timer,   ///< which of the timers due at the same instant goes first (0 = scheduling order)
  cancel,  ///< fault: cancel a task where it just suspended (0 = no, 1 = yes)
  jitter,  ///< fault: how many ticks late a timer fires (0 = on time)
  thread,  ///< which executor job's next event reaches the loop (0 = the oldest job's, at once; the last option, when offered: none yet)
};
/// How many decision kinds there are.
inline constexpr int decision_kinds = 5;

/// One decision taken in a run.
struct decision {
  decision_kind kind = decision_kind::ready;
  std::uint32_t options = 0;  ///< how many choices there were (>= 2)
  std::uint32_t choice = 0;   ///< the one taken; 0 is what a plain FIFO run does
  std::uint64_t ordinal = 0;  ///< its place among this run's decisions of its kind
  /// Stable identities ("TASK#STEP") of the choice taken and of the FIFO
  /// choice it displaced: they survive edits elsewhere in the program.
  std::string chosen, displaced;
  /// Where those tasks were (their site labels, e.g. scenario statements);
  /// for reports only, not part of the token.
  std::string chosen_site, displaced_site;
  /// The loop time at which it was taken (for timelines; not in the token).
  weft::duration at{};

  friend bool operator==(const decision&, const decision&) = default;
};

/// A run's decisions. Only the non-zero ones matter: the rest are FIFO.
struct schedule {
  std::vector<decision> decisions;

  /// Non-zero decisions (deviations from FIFO).
  std::size_t deviations() const noexcept;
  /// Injected faults (non-zero cancel and jitter decisions).
  std::size_t faults() const noexcept;
  /// Total delay (the sum of the choices, as delay-bounded search counts it).
  std::uint64_t delays() const noexcept;

  friend bool operator==(const schedule&, const schedule&) = default;
};

/// The printable token of a schedule: "w1." followed by base64url. It keeps the
/// deviations with their identities, so replay finds them by task and step.
std::string encode_token(const schedule& s);

/// Decodes a token; nullopt (with `error` set) if it is not a valid token.
std::optional<schedule> decode_token(const std::string& token, std::string& error);

}  // namespace weft::sim
