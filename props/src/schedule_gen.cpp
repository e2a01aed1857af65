#include "weft/props/schedule_gen.hpp"

#include <algorithm>

namespace weft::props {

namespace {

rc::Gen<std::vector<fault>> gen_faults(bool on, std::uint32_t max_faults, std::uint32_t max_position,
                                      std::uint32_t max_ticks) {
  if (!on || max_faults == 0) return rc::gen::just(std::vector<fault>{});
  auto one = rc::gen::build<fault>(rc::gen::set(&fault::position, rc::gen::inRange<std::uint32_t>(0, max_position)),
                                   rc::gen::set(&fault::ticks, rc::gen::inRange<std::uint32_t>(1, max_ticks + 1)));
  return rc::gen::resize(static_cast<int>(max_faults), rc::gen::container<std::vector<fault>>(one));
}

}  // namespace

rc::Gen<generated_schedule> gen_schedule(const schedule_options& o) {
  const std::uint32_t max_position = std::max<std::uint32_t>(o.max_position, 1);
  auto one = rc::gen::build<deviation>(
      rc::gen::set(&deviation::choice, rc::gen::inRange<std::uint32_t>(1, std::max<std::uint32_t>(o.max_choice, 1) + 1)),
      rc::gen::set(&deviation::position, rc::gen::inRange<std::uint32_t>(0, max_position)));
  auto deviations = o.max_deviations == 0
                        ? rc::gen::just(std::vector<deviation>{})
                        : rc::gen::resize(static_cast<int>(o.max_deviations),
                                          rc::gen::container<std::vector<deviation>>(one));
  // Members shrink in order: the deviations (fewer, then smaller), then the faults.
  return rc::gen::build<generated_schedule>(
      rc::gen::set(&generated_schedule::deviations, deviations),
      rc::gen::set(&generated_schedule::cancels, gen_faults(o.cancel_faults, o.max_faults, max_position, 1)),
      rc::gen::set(&generated_schedule::jitters,
                   gen_faults(o.jitter_faults, o.max_faults, max_position, std::max<std::uint32_t>(o.max_jitter_ticks, 1))));
}

void showValue(const generated_schedule& s, std::ostream& os) {
  if (s.deviations.empty() && s.cancels.empty() && s.jitters.empty()) {
    os << "FIFO";
    return;
  }
  const char* sep = "";
  for (const auto& d : s.deviations) {
    os << sep << "at decision " << d.position << " take option " << d.choice;
    sep = "; ";
  }
  for (const auto& c : s.cancels) {
    os << sep << "cancel at suspension " << c.position;
    sep = "; ";
  }
  for (const auto& j : s.jitters) {
    os << sep << "timer " << j.position << " " << j.ticks << " tick(s) late";
    sep = "; ";
  }
}

generated_strategy::generated_strategy(const generated_schedule& s) {
  // A position given twice keeps its first choice: rapidcheck may generate it.
  for (const auto& d : s.deviations) ordering_.emplace(d.position, d.choice);
  for (const auto& c : s.cancels) cancels_.emplace(c.position, 1);
  for (const auto& j : s.jitters) jitters_.emplace(j.position, j.ticks);
}

std::size_t generated_strategy::choose(const sim::choice_point& p) {
  auto take = [&p](const std::map<std::uint32_t, std::uint32_t>& at, std::uint32_t& seen) -> std::size_t {
    auto it = at.find(seen++);
    // A deviation always deviates: its choice lands on one of the options but the first.
    return it == at.end() ? 0 : 1 + (it->second - 1) % (p.options - 1);
  };
  switch (p.kind) {
    case sim::decision_kind::ready:
    case sim::decision_kind::timer:
    case sim::decision_kind::thread: return take(ordering_, seen_ordering_);
    case sim::decision_kind::cancel: return take(cancels_, seen_cancels_);
    case sim::decision_kind::jitter: return take(jitters_, seen_jitters_);
  }
  return 0;
}

}  // namespace weft::props
