// The picture of a run (sim/include/weft/sim/timeline.hpp): `weft replay
// --timeline` (Chrome trace-event JSON) and `--html`, and the API beneath.
//
// What each scenario must do step by step is asyncio's order, worked out by
// hand below (a task's step runs until it suspends; a finished task wakes its
// awaiter through a done callback; sleep(0) yields one iteration).

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <weft/scenario/interpreter.hpp>
#include <weft/scenario/parse.hpp>
#include <weft/scenario/sim_program.hpp>
#include <weft/sim/explore.hpp>
#include <weft/sim/shrink.hpp>
#include <weft/sim/timeline.hpp>

#include "cli.hpp"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using weft_test::read_bytes;
using weft_test::show;

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::string bundled(const std::string& name) {
  return fs::weakly_canonical(fs::path(WEFT_CONFORMANCE_DIR) / ".." / "examples" / "scenarios" / (name + ".json"))
      .string();
}

/// lost_update's race, as the README shows it: the first time a#0 was next,
/// b#0 ran instead (docs/simulator.md decodes it byte by byte).
const std::string lost_update_race = "w1.AQABAgADYiMwA2EjMA";

/// Two tasks that log at one virtual instant in several steps each, then a
/// timer: a line's time and label alone cannot tell which step logged it.
const char* const chatter = R"({"coros": {
  "main": [{"op": "spawn", "var": "t", "coro": "talk"},
           {"op": "log", "msg": "main before"},
           {"op": "sleep", "d": 0},
           {"op": "log", "msg": "main after"},
           {"op": "await", "aw": {"task": "t"}}],
  "talk": [{"op": "log", "msg": "first"},
           {"op": "sleep", "d": 0},
           {"op": "log", "msg": "second"},
           {"op": "sleep", "d": 1},
           {"op": "log", "msg": "third"}]}})";

/// A Chrome trace-event file, read back.
struct chrome_trace {
  std::map<int, std::string> lanes;  // tid -> thread name
  std::vector<json> slices;          // "X", sorted by ts
  std::vector<json> instants;        // "i"
  std::map<std::uint64_t, std::pair<json, json>> flows;  // id -> ("s", "f")
  std::vector<json> flow_events;

  explicit chrome_trace(const json& doc) {
    for (const auto& ev : doc.at("traceEvents")) {
      const std::string ph = ev.at("ph");
      if (ph == "M" && ev.at("name") == "thread_name") lanes[ev.at("tid")] = ev.at("args").at("name");
      if (ph == "X") slices.push_back(ev);
      if (ph == "i") instants.push_back(ev);
      if (ph == "s") flows[ev.at("id")].first = ev;
      if (ph == "f") flows[ev.at("id")].second = ev;
      if (ph == "s" || ph == "f") flow_events.push_back(ev);
    }
    std::stable_sort(slices.begin(), slices.end(), [](const json& a, const json& b) { return a.at("ts") < b.at("ts"); });
  }
  std::string lane_of(const json& ev) const { return lanes.at(ev.at("tid").get<int>()); }
  /// The identity a slice names ("a#1" of "a#1 t=0 [race]").
  static std::string identity(const json& slice) {
    const std::string n = slice.at("name");
    return n.substr(0, n.find(' '));
  }
  /// The slice on ev's lane whose span holds ev's ts, or -1.
  int slice_at(const json& ev) const {
    for (std::size_t i = 0; i < slices.size(); ++i) {
      const json& s = slices[i];
      if (s.at("tid") == ev.at("tid") && s.at("ts").get<double>() <= ev.at("ts").get<double>() &&
          ev.at("ts").get<double>() <= s.at("ts").get<double>() + s.at("dur").get<double>())
        return static_cast<int>(i);
    }
    return -1;
  }
  int slice_named(const std::string& id) const {
    for (std::size_t i = 0; i < slices.size(); ++i)
      if (identity(slices[i]) == id) return static_cast<int>(i);
    return -1;
  }
};

class TimelineTest : public weft_test::cli_fixture {
 protected:
  /// `weft replay FILE --schedule TOKEN --timeline OUT` read back; `rc` the expected exit.
  json timeline(const std::string& f, const std::string& token, int rc) {
    const std::string out = (dir_ / "timeline.json").string();
    const weft_test::cli_result r = weft({"replay", f, "--schedule", token, "--timeline", out});
    EXPECT_EQ(r.exit_code, rc) << show(r);
    EXPECT_TRUE(fs::exists(out)) << show(r);
    return json::parse(read_bytes(out));
  }
};

TEST_F(TimelineTest, LostUpdateHasOneNamedLanePerTask) {
  const chrome_trace t(timeline(bundled("lost_update"), lost_update_race, 1));
  std::set<std::string> names;
  for (const auto& [tid, name] : t.lanes) names.insert(name);
  EXPECT_EQ(names, (std::set<std::string>{"main", "a", "b"}));
  // Every slice sits on its task's lane (main runs its first step as Task-1, then names itself).
  for (const auto& s : t.slices) {
    const std::string id = chrome_trace::identity(s), lane = t.lane_of(s);
    EXPECT_TRUE(id.rfind(lane + "#", 0) == 0 || (lane == "main" && id.rfind("Task-", 0) == 0)) << s.dump();
  }
}

TEST_F(TimelineTest, LostUpdateHasEveryStepInRunOrder) {
  const chrome_trace t(timeline(bundled("lost_update"), lost_update_race, 1));
  // main spawns a and b and awaits a; b#0 runs first (the deviation) and
  // yields; a#0 reads 0 and yields; b#1 enters worker, reads 0, yields; a#1
  // writes 1 and ends, which schedules main's wakeup behind b#2; b#2 writes
  // 1 and ends; main#1 finds b done and fails its assert.
  std::vector<std::string> order;
  for (const auto& s : t.slices) order.push_back(chrome_trace::identity(s));
  EXPECT_EQ(order, (std::vector<std::string>{"Task-1#0", "b#0", "a#0", "b#1", "a#1", "b#2", "main#1"}));
  for (std::size_t i = 0; i < t.slices.size(); ++i) {
    EXPECT_EQ(t.slices[i].at("args").at("step"), i);
    EXPECT_EQ(t.slices[i].at("args").at("virtual time"), "0");  // sleep(0) never moves the clock
    EXPECT_TRUE(contains(t.slices[i].at("name"), "t=0")) << t.slices[i].dump();
    if (i > 0) {  // no overlap: run order is the axis
      EXPECT_LE(t.slices[i - 1].at("ts").get<double>() + t.slices[i - 1].at("dur").get<double>(),
                t.slices[i].at("ts").get<double>());
    }
  }
  // Sites: a's first step stopped at worker's sleep (statement 1).
  const json& a0 = t.slices[static_cast<std::size_t>(t.slice_named("a#0"))];
  EXPECT_EQ(a0.at("args").at("resumed at"), "its start");
  EXPECT_EQ(a0.at("args").at("suspended at"), "/coros/worker/1");
}

TEST_F(TimelineTest, FlowArrowsJoinTheStepThatMadeAStepReadyToIt) {
  const chrome_trace t(timeline(bundled("lost_update"), lost_update_race, 1));
  ASSERT_FALSE(t.flows.empty());
  std::map<std::string, std::set<std::string>> woke;  // step -> steps that made it ready
  for (const auto& [id, ends] : t.flows) {
    const auto& [from, to] = ends;
    ASSERT_FALSE(from.is_null()) << "flow " << id << " has no start";
    ASSERT_FALSE(to.is_null()) << "flow " << id << " has no end";
    const int a = t.slice_at(from), b = t.slice_at(to);
    ASSERT_GE(a, 0) << "flow start outside any slice: " << from.dump();
    ASSERT_GE(b, 0) << "flow end outside any slice: " << to.dump();
    EXPECT_LT(a, b) << "an arrow goes forward in run order: " << from.dump() << to.dump();
    if (from.at("cat") == "wake") woke[chrome_trace::identity(t.slices[static_cast<std::size_t>(b)])].insert(
        chrome_trace::identity(t.slices[static_cast<std::size_t>(a)]));
  }
  // main's first step spawned both tasks; a's end woke main (it awaited a);
  // each sleep(0) scheduled its own task's next step.
  EXPECT_EQ(woke["a#0"], std::set<std::string>{"Task-1#0"});
  EXPECT_EQ(woke["b#0"], std::set<std::string>{"Task-1#0"});
  EXPECT_EQ(woke["main#1"], std::set<std::string>{"a#1"});
  EXPECT_EQ(woke["a#1"], std::set<std::string>{"a#0"});
  EXPECT_EQ(woke["b#2"], std::set<std::string>{"b#1"});
}

TEST_F(TimelineTest, TheRaceIsHighlightedAndArrowedToTheStepItRanBefore) {
  const chrome_trace t(timeline(bundled("lost_update"), lost_update_race, 1));
  const int b0 = t.slice_named("b#0"), a0 = t.slice_named("a#0");
  ASSERT_GE(b0, 0);
  ASSERT_GE(a0, 0);
  EXPECT_EQ(t.slices[static_cast<std::size_t>(b0)].at("cname"), "terrible");
  EXPECT_NE(t.slices[static_cast<std::size_t>(a0)].at("cname"), "terrible");
  bool marker = false, arrow = false;
  for (const auto& ev : t.instants)
    if (ev.value("cat", "") == "decision") {
      EXPECT_EQ(ev.at("name"), "b#0 (at its start) ran before a#0 (at its start)");
      EXPECT_EQ(t.slice_at(ev), b0);
      EXPECT_TRUE(ev.at("args").at("race").get<bool>());
      marker = true;
    }
  for (const auto& [id, ends] : t.flows)
    if (ends.first.at("cat") == "race") {
      EXPECT_EQ(t.slice_at(ends.first), b0);
      EXPECT_EQ(t.slice_at(ends.second), a0);
      arrow = true;
    }
  EXPECT_TRUE(marker);
  EXPECT_TRUE(arrow);
}

TEST_F(TimelineTest, TheFailureIsAGlobalInstantAtTheFailingStep) {
  const chrome_trace t(timeline(bundled("lost_update"), lost_update_race, 1));
  std::vector<json> failures;
  for (const auto& ev : t.instants)
    if (ev.value("cat", "") == "failure") failures.push_back(ev);
  ASSERT_FALSE(failures.empty());
  bool global = false;
  const json& last = t.slices.back();
  for (const auto& ev : failures) {
    EXPECT_EQ(ev.at("name"), "assertion failed: count == 2 (was 1)");
    EXPECT_GE(ev.at("ts").get<double>(), last.at("ts").get<double>());  // main#1 asserted
    global = global || ev.at("s") == "g";
  }
  EXPECT_TRUE(global);
}

TEST_F(TimelineTest, APassingRunHasNoFailureAndNoRace) {
  const chrome_trace t(timeline(bundled("lost_update"), "w1.AA", 0));
  for (const auto& ev : t.instants) {
    EXPECT_NE(ev.value("cat", ""), "failure") << ev.dump();
    EXPECT_NE(ev.value("cat", ""), "decision") << ev.dump();
  }
  for (const auto& s : t.slices) EXPECT_NE(s.at("cname"), "terrible") << s.dump();
  // FIFO: a writes before b reads, so main sees 2; main's end reaches
  // run_until_complete's done callback (which stops the loop) one hop later.
  std::vector<std::string> order;
  for (const auto& s : t.slices) order.push_back(chrome_trace::identity(s));
  EXPECT_EQ(order, (std::vector<std::string>{"Task-1#0", "a#0", "b#0", "a#1", "b#1", "main#1", "b#2", "main#2",
                                             "~done(main)"}));
  EXPECT_EQ(t.lane_of(t.slices.back()), "callbacks");
}

TEST_F(TimelineTest, EachLineSitsInTheStepThatLoggedIt) {
  const chrome_trace t(timeline(file("chatter.json", chatter), "w1.AA", 0));
  std::map<std::string, std::string> logged_in;  // line -> step
  for (const auto& ev : t.instants) {
    if (ev.contains("cat")) continue;
    const int s = t.slice_at(ev);
    if (s >= 0) logged_in[ev.at("name")] = chrome_trace::identity(t.slices[static_cast<std::size_t>(s)]);
  }
  EXPECT_EQ(logged_in["main before"], "Task-1#0");
  EXPECT_EQ(logged_in["first"], "t#0");
  EXPECT_EQ(logged_in["main after"], "main#1");
  EXPECT_EQ(logged_in["second"], "t#1");  // t=0, as "first": only the step tells them apart
  EXPECT_EQ(logged_in["third"], "t#2");
  const json& t2 = t.slices[static_cast<std::size_t>(t.slice_named("t#2"))];
  EXPECT_EQ(t2.at("args").at("virtual time"), "1");
  EXPECT_TRUE(contains(t2.at("name"), "t=1")) << t2.dump();
}

TEST_F(TimelineTest, ATimerHasItsLaneBetweenTheStepThatSetItAndTheStepItWakes) {
  const json doc = timeline(file("chatter.json", chatter), "w1.AA", 0);
  const chrome_trace t(doc);
  const int timer = t.slice_named("timer");
  ASSERT_GE(timer, 0);
  EXPECT_EQ(t.lane_of(t.slices[static_cast<std::size_t>(timer)]), "timers");
  EXPECT_EQ(t.slices[static_cast<std::size_t>(timer)].at("args").at("due"), "1");
  std::set<std::pair<std::string, std::string>> arrows;
  for (const auto& [id, ends] : t.flows)
    arrows.emplace(chrome_trace::identity(t.slices[static_cast<std::size_t>(t.slice_at(ends.first))]),
                   chrome_trace::identity(t.slices[static_cast<std::size_t>(t.slice_at(ends.second))]));
  EXPECT_TRUE(arrows.count({"t#1", "timer"}));  // sleep(1) set it
  EXPECT_TRUE(arrows.count({"timer", "t#2"}));  // it completed the sleep's future
  // The clock moved once, from 0 to 1, between t#1 and the timer.
  std::vector<double> ticks;
  for (const auto& ev : doc.at("traceEvents"))
    if (ev.at("ph") == "C") ticks.push_back(ev.at("args").at("t"));
  EXPECT_EQ(ticks, (std::vector<double>{0, 1}));
}

TEST_F(TimelineTest, RecordTimelineIsTheReplayedRun) {
  const auto prog = weft::scenario::parse_file(file("chatter.json", chatter));
  const weft::sim::observed_program observed = [&prog](weft::scheduler& s, const std::function<void(const std::string&)>& on_line) {
    return weft::scenario::sim_program(prog, {}, on_line)(s);
  };
  std::string mismatch;
  const weft::sim::timeline t = weft::sim::record_timeline(observed, {}, mismatch, weft::scenario::tick);
  EXPECT_EQ(mismatch, "");
  EXPECT_EQ(t.result.trace, weft::scenario::run(prog).trace);
  ASSERT_EQ(t.lines.size(), t.result.trace.size());
  for (std::size_t i = 0; i < t.lines.size(); ++i) EXPECT_EQ(t.lines[i].text, t.result.trace[i]);
  // The last lines ("= main result None", ...) come once the loop stopped.
  EXPECT_FALSE(t.lines.back().step.has_value());
  for (const auto& s : t.steps) {
    if (s.woken_by) {
      EXPECT_LT(*s.woken_by, static_cast<std::size_t>(&s - t.steps.data()));
    }
    EXPECT_LT(s.lane, t.lanes.size());
  }
  EXPECT_FALSE(t.result.failed.has_value());
  EXPECT_FALSE(t.failed_at.has_value());
}

class HtmlReportTest : public weft_test::cli_fixture {};

TEST_F(HtmlReportTest, NeedsNothingFromTheNetwork) {
  const std::string out = (dir_ / "report.html").string();
  const auto r = weft({"replay", bundled("lost_update"), "--schedule", lost_update_race, "--html", out});
  EXPECT_EQ(r.exit_code, 1) << show(r);
  const std::string page = read_bytes(out);
  ASSERT_FALSE(page.empty());
  for (const char* fetch : {"src=", "<link", "@import", "url(http", "href=\"http", "@font-face"})
    EXPECT_FALSE(contains(page, fetch)) << fetch;
  EXPECT_TRUE(contains(page, "<style>"));
  EXPECT_TRUE(contains(page, "<svg"));
  EXPECT_TRUE(contains(page, "<script>"));
}

TEST_F(HtmlReportTest, ShowsTheFailureTheRaceTheLanesTheTraceAndTheCommand) {
  const std::string out = (dir_ / "report.html").string();
  const auto r = weft({"replay", bundled("lost_update"), "--schedule", lost_update_race, "--html", out});
  EXPECT_EQ(r.exit_code, 1) << show(r);
  const std::string page = read_bytes(out);
  EXPECT_TRUE(contains(page, "assertion failed: count == 2 (was 1)"));
  EXPECT_TRUE(contains(page, "<ol class=\"race\">"));
  EXPECT_TRUE(contains(page, "b#0 (at its start) ran before a#0 (at its start)"));
  for (const char* lane : {"main", "a", "b"})
    EXPECT_TRUE(contains(page, "class=\"lane task\" data-lane=\"") && contains(page, std::string("data-name=\"") + lane + "\""))
        << lane;
  EXPECT_TRUE(contains(page, "data-identity=\"b#0\""));
  EXPECT_TRUE(contains(page, "class=\"step task race\""));
  EXPECT_TRUE(contains(page, "The shrunk trace"));
  EXPECT_TRUE(contains(page, "weft replay " + bundled("lost_update") + " --schedule " + lost_update_race));
}

TEST_F(HtmlReportTest, ATokenThatShrinksIsReportedShrunk) {
  // The failure as explore first found it, before shrinking.
  const auto prog = weft::scenario::parse_file(bundled("lost_update"));
  weft::sim::explore_options o;
  o.runs = 200;
  o.seed = 1;
  const auto rep = weft::sim::explore(weft::scenario::sim_program(prog), o);
  ASSERT_TRUE(rep.first_failure.has_value());
  ASSERT_GT(rep.first_failure->found.deviations(), rep.first_failure->shrunk.deviations());
  const std::string found = weft::sim::encode_token(rep.first_failure->found);
  const std::string shrunk = weft::sim::encode_token(rep.first_failure->shrunk);
  const std::string out = (dir_ / "report.html").string();
  const auto r = weft({"replay", bundled("lost_update"), "--schedule", found, "--html", out});
  EXPECT_EQ(r.exit_code, 1) << show(r);
  const std::string page = read_bytes(out);
  EXPECT_TRUE(contains(page, "--schedule " + shrunk + "</pre>")) << page.substr(page.find("id=\"replay\""));
  EXPECT_TRUE(contains(page, "shrunk from " + std::to_string(rep.first_failure->found.deviations()) + " deviation(s)"));
  EXPECT_TRUE(contains(page, found));
}

TEST_F(HtmlReportTest, APassingRunSaysSo) {
  const std::string out = (dir_ / "report.html").string();
  const auto r = weft({"replay", bundled("lost_update"), "--schedule", "w1.AA", "--html", out});
  EXPECT_EQ(r.exit_code, 0) << show(r);
  const std::string page = read_bytes(out);
  EXPECT_TRUE(contains(page, "the run passes"));
  EXPECT_FALSE(contains(page, "<ol class=\"race\">"));
}

TEST_F(HtmlReportTest, AnUnwritablePathExitsTwo) {
  const auto r = weft({"replay", bundled("lost_update"), "--schedule", "w1.AA", "--html", (dir_ / "no" / "such.html").string()});
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_TRUE(contains(r.err, "--html: cannot write ")) << show(r);
}

}  // namespace
