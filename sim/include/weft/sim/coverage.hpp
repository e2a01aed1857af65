#pragma once
/// Interleaving coverage: what a run did with shared state that another run
/// may not have. A read observes the last write to its object before it; the
/// pair (the write's site, the read's site) is a reads-from pair, and the
/// hashed pairs of a run, each with its write's provenance (where the
/// value's chain of reads-from hops began, and its length), are its
/// features (docs/simulator.md, "Coverage").
/// The scenario interpreter notes every access to a global variable and to a
/// primitive (a release, set or put is a write; an acquire, wait or get that
/// returns is a read). C++ code notes its own with weft::sim::shared<T> or
/// note_access; a run that notes none falls back to ordering pairs (at each
/// ready decision: the step that ran, and the one it ran before).

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include <weft/source_site.hpp>

namespace weft::sim {

/// FNV-1a of `s`: a hash that is the same in every process and on every
/// machine, for objects and sites.
constexpr std::uint64_t stable_hash(std::string_view s, std::uint64_t h = 0xcbf29ce484222325ULL) noexcept {
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

/// An access to shared state as coverage saw it: the object, the step that
/// made it (stable_hash of its identity, "TASK#STEP") and whether it wrote.
struct shared_access {
  std::uint64_t object, step;
  bool write;
  friend bool operator==(const shared_access&, const shared_access&) = default;
};

/// The site hash of a source location: its file's base name and its line.
std::uint64_t site_hash(const source_site& s) noexcept;

/// Notes an access to shared state in the running simulation
/// (weft::scheduler::on_access); nothing outside one, or when coverage is off.
void note_access(std::uint64_t object, std::uint64_t site, bool write);

namespace detail {
/// The next shared<T>'s identity: objects are numbered in order of creation
/// within a run (the simulator restarts the count for each run).
std::uint64_t next_shared_id() noexcept;
/// Restarts the numbering (a run begins on this thread).
void restart_shared_ids() noexcept;
}  // namespace detail

/// A value tasks share, whose reads and writes the simulator sees: the
/// coverage strategy keeps the schedules that make a read observe a write no
/// earlier schedule did. Outside a simulation it is a plain value.
///
///   weft::sim::shared<int> balance{100};
///   const int seen = balance.read();   // noted at this line
///   co_await weft::sleep(0s);
///   balance.write(seen - 30);          // noted at this line
template <class T>
class shared {
 public:
  explicit shared(T value = T{}) : value_(std::move(value)), id_(detail::next_shared_id()) {}

  /// The value; notes a read at the caller's line.
  const T& read(const char* file = __builtin_FILE(), unsigned line = __builtin_LINE()) const {
    note(file, line, false);
    return value_;
  }
  /// Replaces the value; notes a write at the caller's line.
  void write(T value, const char* file = __builtin_FILE(), unsigned line = __builtin_LINE()) {
    note(file, line, true);
    value_ = std::move(value);
  }
  /// Reads and changes the value in one step (no await between): `f(value&)`;
  /// notes a read and a write at the caller's line.
  template <class F>
  decltype(auto) update(F&& f, const char* file = __builtin_FILE(), unsigned line = __builtin_LINE()) {
    note(file, line, false);
    note(file, line, true);
    return std::forward<F>(f)(value_);
  }
  /// The value, not noted (for checks after the run's tasks are done).
  const T& peek() const noexcept { return value_; }

 private:
  void note(const char* file, unsigned line, bool write) const {
    note_access(id_, site_hash({file, "", line}), write);
  }
  T value_;
  std::uint64_t id_;
};

}  // namespace weft::sim
