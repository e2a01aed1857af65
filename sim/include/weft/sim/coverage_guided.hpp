#pragma once
/// The coverage-guided strategy (`--strategy coverage`): greybox fuzzing of
/// schedules, after RFF (Wolff et al., "Greybox Fuzzing for Concurrency
/// Testing", ASPLOS 2024). A schedule whose run shows a feature (coverage.hpp)
/// no earlier run showed joins a corpus; later runs replay a corpus schedule
/// with a mutation, choosing schedules whose features are rare or new. The
/// main mutation is RFF's: two steps whose accesses to one object conflict
/// trade places, so that a read observes another write than it did (often a
/// write no step had read); the others cut, flip, move or splice schedules.
/// Half the mutations take one of the latest *records*: schedules that went
/// further along a path (a pair repeated more often, a value relayed further)
/// than any run before them.
/// A quarter of the runs are fresh, a random walk or a PCT run (the first
/// generation all PCT's). Runs go in generations: every run of a generation
/// is planned from the corpus as the previous generation left it, and the
/// corpus learns from a generation's runs in run order, so the report does
/// not depend on the number of jobs.

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "weft/sim/pct.hpp"
#include "weft/sim/rng.hpp"
#include "weft/sim/run.hpp"
#include "weft/sim/strategy.hpp"

namespace weft::sim {

/// The schedules that showed new features, and how often each feature was seen.
class coverage_corpus {
 public:
  /// Runs per generation (see the file comment).
  static constexpr std::uint64_t generation = 32;

  /// A decision as a plan holds it: what a run must meet to follow it, and
  /// the choice. A ready decision names the step it ran ("TASK#STEP"), which
  /// a run follows wherever that step is a candidate: moving one step of a
  /// plan later or earlier leaves the others' order as it was. A step with
  /// no name (a flipped one, a timer or fault decision) is followed by its
  /// index where the decision has the same number of options.
  struct step {
    decision_kind kind;
    std::uint32_t options, choice;
    std::string chosen;
    friend bool operator==(const step&, const step&) = default;
  };
  /// A kept schedule: every decision of its run, in order, and its features.
  struct entry {
    std::vector<step> plan;
    std::vector<std::uint64_t> features;
    /// Where its new features arose (decisions taken before each): what made
    /// it interesting is just before there, so mutations go there most.
    std::vector<std::uint32_t> focus;
    /// Its run's accesses to shared state, in order: which steps conflict.
    std::vector<shared_access> accesses;
    /// The writes among them (indices) that no other step read.
    std::vector<std::uint32_t> lost;
    /// The sum over its features of 2^32 / (runs that showed it): rare ones
    /// weigh most. In integers, so that choices are the same on every machine.
    std::uint64_t weight = 0;
    /// Its run reached a higher level on some feature's path than every run
    /// before it (sim_scheduler::feature).
    bool record = false;
  };

  /// Learns from a run: counts its features, keeps its schedule if any of
  /// them is new. Call in run order.
  void add(const recorded_run& r);
  /// Ends a generation: recomputes the weights the next one chooses by.
  void finish_generation();

  const std::vector<entry>& entries() const noexcept { return entries_; }
  /// Distinct features seen so far.
  std::size_t features() const noexcept { return seen_.size(); }
  /// An entry to mutate (entries() must not be empty): half the time one of
  /// the two latest records, else one of the last generation's or chosen
  /// with probability proportional to its weight.
  const entry& choose(rng& r) const;

 private:
  std::unordered_map<std::uint64_t, std::uint64_t> seen_;    // feature -> runs that showed it
  std::unordered_map<std::uint64_t, std::uint32_t> furthest_;  // path -> the highest level a run reached
  std::vector<entry> entries_;
  std::vector<std::size_t> records_;  // the entries that are records, in order
  std::vector<std::uint64_t> cumulative_;
  std::size_t kept_from_ = 0;   // entries before the generation running now
  std::size_t fresh_from_ = 0;  // entries before the last generation
};

/// One thread's strategy over a shared corpus, which must not change while
/// a generation runs.
class coverage_guided final : public strategy {
 public:
  /// `depth` and `steps` are those of the PCT runs it draws (pct.hpp).
  coverage_guided(std::uint64_t seed, const coverage_corpus& corpus, unsigned depth = 3, std::uint64_t steps = 64)
      : seed_(seed), corpus_(corpus), rng_(seed), pct_(seed, depth, steps) {}
  void start_run(std::uint64_t run_index) override;
  std::size_t choose(const choice_point& p) override;
  bool wants_coverage() const override { return true; }
  bool needs_identities() const override { return true; }

  /// The decisions this run follows before choosing at random (for tests).
  const std::vector<coverage_corpus::step>& plan() const noexcept { return plan_; }

 private:
  void mutate(const coverage_corpus::entry& e);
  /// The last index of the plan it changed; nullopt if it found nothing to reorder.
  std::optional<std::size_t> reorder(const coverage_corpus::entry& e);

  std::uint64_t seed_;
  const coverage_corpus& corpus_;
  rng rng_;
  std::vector<coverage_corpus::step> plan_;
  std::size_t at_ = 0;  // decisions taken in this run
  pct pct_;              // the PCT runs' choices (a PCT run has no plan)
  bool pct_run_ = false;  // this run is a PCT run
  std::size_t fifo_from_ = SIZE_MAX;  // from this decision on, unplanned choices are FIFO's
};

}  // namespace weft::sim
