// The HTML report of one run: a page with nothing to fetch (inline CSS, SVG
// and script, the system's fonts), so it can be attached to a bug or CI run.

#include <algorithm>
#include <cstdio>
#include <string>

#include "timeline_layout.hpp"
#include "weft/sim/report_format.hpp"
#include "weft/sim/timeline.hpp"

namespace weft::sim {

namespace {

std::string esc(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

constexpr const char* style = R"css(
:root { --ink: #1d2330; --muted: #667085; --line: #d0d5dd; --race: #d92d20; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); margin: 24px; background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 24px 0 8px; }
code, pre, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 13px; }
.verdict { font-size: 16px; margin: 0; }
.verdict.failed { color: var(--race); font-weight: 600; }
.verdict.passed { color: #067647; font-weight: 600; }
ol.race li { margin: 4px 0; }
ol.race li::marker { color: var(--race); font-weight: 600; }
.ref { color: var(--muted); font-size: 12px; margin-left: 6px; }
.scroll { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; }
svg text { font-family: system-ui, sans-serif; }
.lane-bg { fill: #fff; }
.lane:nth-child(even) .lane-bg { fill: #f6f7f9; }
.lane-name { font-size: 13px; font-weight: 600; fill: var(--ink); }
.lane.other .lane-name { font-weight: 400; fill: var(--muted); font-style: italic; }
.time-line { stroke: #98a2b3; stroke-dasharray: 3 3; }
.time-label { font-size: 11px; fill: #475467; }
.step rect { fill: #d1e9ff; stroke: #2e90fa; }
.step.other rect { fill: #eaecf0; stroke: #98a2b3; }
.step.deviation rect { fill: #fef0c7; stroke: #dc6803; }
.step.fault rect { fill: #fddcab; stroke: #e04f16; }
.step.race rect { fill: #fda29b; stroke: var(--race); stroke-width: 2; }
.step.failed rect { stroke: #7a271a; stroke-width: 3; }
.step.displaced rect { stroke: var(--race); stroke-width: 2; stroke-dasharray: 4 2; }
.step text { font-size: 11px; fill: var(--ink); pointer-events: none; }
.step:hover rect, .step.lit rect { stroke-width: 3; }
.wake { fill: none; stroke: #667085; stroke-width: 1.2; opacity: .7; }
.wake.lit { stroke: #1570ef; stroke-width: 2.5; opacity: 1; }
.race-arrow { fill: none; stroke: var(--race); stroke-width: 2; stroke-dasharray: 6 3; }
.race-label { font-size: 11px; fill: var(--race); font-weight: 600; }
.log { fill: #7f56d9; }
.failure-line { stroke: var(--race); stroke-width: 2; }
.failure-label { font-size: 12px; fill: var(--race); font-weight: 600; }
.legend { color: var(--muted); font-size: 12px; }
.legend span { display: inline-block; width: 12px; height: 10px; border: 1px solid; margin: 0 4px 0 12px; vertical-align: -1px; }
table.trace { border-collapse: collapse; }
table.trace td { padding: 1px 10px 1px 0; vertical-align: top; }
table.trace td.step-ref { color: var(--muted); }
table.trace tr.frozen td { color: var(--race); font-weight: 600; }
pre.cmd { background: #f2f4f7; padding: 8px 10px; border-radius: 6px; white-space: pre-wrap; word-break: break-all; }
#render-check { color: var(--muted); font-size: 12px; }
)css";

// Hovering a step lights the arrows into and out of it; the last lines count
// what the browser built (the test of the page reads them back).
constexpr const char* script = R"js(
(function () {
  var svg = document.getElementById('lanes');
  if (!svg) return;
  var steps = svg.querySelectorAll('g.step');
  var wakes = svg.querySelectorAll('path.wake');
  function light(id, on) {
    for (var i = 0; i < wakes.length; i++) {
      var w = wakes[i];
      if (w.getAttribute('data-from') === id || w.getAttribute('data-to') === id) w.classList.toggle('lit', on);
    }
  }
  for (var i = 0; i < steps.length; i++) {
    (function (g) {
      var id = g.getAttribute('data-step');
      g.addEventListener('mouseenter', function () { light(id, true); g.classList.add('lit'); });
      g.addEventListener('mouseleave', function () { light(id, false); g.classList.remove('lit'); });
    })(steps[i]);
  }
  var box = svg.getBBox();
  var out = document.getElementById('render-check');
  out.setAttribute('data-lanes', String(svg.querySelectorAll('g.lane').length));
  out.setAttribute('data-steps', String(steps.length));
  out.setAttribute('data-arrows', String(wakes.length));
  out.setAttribute('data-width', String(Math.round(box.width)));
  out.textContent = 'drawn: ' + svg.querySelectorAll('g.lane').length + ' lanes, ' + steps.length + ' steps, ' +
      wakes.length + ' wake arrows';
})();
)js";

/// The lanes as SVG.
std::string svg(const timeline& t, const timeline_format& f) {
  constexpr double label_w = 140, top = 30, lane_h = 42, step_w = 46, spacing = 8, gap = 34, box_h = 24;
  const detail::timeline_layout l = detail::lay_out(t, step_w, spacing, gap);
  const double bottom_room = t.result.failed ? 34 : 12;
  const double width = label_w + 16 + l.end + 24;
  const double height = top + lane_h * static_cast<double>(t.lanes.size()) + bottom_room;
  auto x_of = [&](std::size_t j) { return label_w + 16 + l.x[j]; };
  auto lane_y = [&](std::size_t lane) { return top + lane_h * static_cast<double>(lane); };
  auto box_y = [&](std::size_t j) { return lane_y(t.steps[j].lane) + 5; };

  std::string o;
  o += "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"lanes\" width=\"" + num(width) + "\" height=\"" + num(height) +
       "\" viewBox=\"0 0 " + num(width) + " " + num(height) + "\" role=\"img\" aria-label=\"one lane per task, steps in run order\">\n";
  o += "<defs><marker id=\"arrow\" viewBox=\"0 0 8 8\" refX=\"7\" refY=\"4\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">"
       "<path d=\"M0,0 L8,4 L0,8 z\" fill=\"#667085\"/></marker>"
       "<marker id=\"arrow-race\" viewBox=\"0 0 8 8\" refX=\"7\" refY=\"4\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\">"
       "<path d=\"M0,0 L8,4 L0,8 z\" fill=\"#d92d20\"/></marker></defs>\n";
  for (std::size_t i = 0; i < t.lanes.size(); ++i) {
    o += "<g class=\"lane" + std::string(t.lanes[i].task ? " task" : " other") + "\" data-lane=\"" + std::to_string(i) +
         "\" data-name=\"" + esc(t.lanes[i].name) + "\"><rect class=\"lane-bg\" x=\"0\" y=\"" + num(lane_y(i)) +
         "\" width=\"" + num(width) + "\" height=\"" + num(lane_h) + "\"/><text class=\"lane-name\" x=\"10\" y=\"" +
         num(lane_y(i) + 22) + "\">" + esc(t.lanes[i].name) + "</text></g>\n";
  }
  for (const auto& m : l.times) {
    const double x = label_w + 16 + m.x - (m.x > 0 ? 0 : 8);
    o += "<g class=\"time\"><line class=\"time-line\" x1=\"" + num(x) + "\" y1=\"" + num(top - 8) + "\" x2=\"" + num(x) +
         "\" y2=\"" + num(top + lane_h * static_cast<double>(t.lanes.size())) + "\"/><text class=\"time-label\" x=\"" +
         num(x + 3) + "\" y=\"" + num(top - 12) + "\">" + esc(detail::at_text(m.at, f.tick)) + "</text></g>\n";
  }
  // Which steps the race's deviations ran before.
  std::vector<bool> displaced(t.steps.size(), false);
  for (std::size_t k = 0; k < t.decisions.decisions.size(); ++k)
    if (t.race[k])
      if (auto d = t.displaced_steps[k]) displaced[*d] = true;
  // Arrows first, under the steps.
  for (std::size_t j = 0; j < t.steps.size(); ++j) {
    const timeline_step& s = t.steps[j];
    if (!s.woken_by) continue;
    const std::size_t w = *s.woken_by;
    const double x1 = x_of(w) + step_w, y1 = box_y(w) + box_h / 2, x2 = x_of(j), y2 = box_y(j) + box_h / 2;
    const double dx = std::max(12.0, (x2 - x1) / 2);
    o += "<path class=\"wake\" data-from=\"" + std::to_string(w) + "\" data-to=\"" + std::to_string(j) + "\" d=\"M" +
         num(x1) + "," + num(y1) + " C" + num(x1 + dx) + "," + num(y1) + " " + num(x2 - dx) + "," + num(y2) + " " +
         num(x2) + "," + num(y2) + "\" marker-end=\"url(#arrow)\"><title>" +
         esc(t.steps[w].identity + " (step " + std::to_string(w) + ") made " + s.identity + " (step " +
             std::to_string(j) + ") ready") +
         "</title></path>\n";
  }
  std::vector<std::vector<std::size_t>> lines_of(t.steps.size());
  for (std::size_t i = 0; i < t.lines.size(); ++i)
    if (t.lines[i].step && t.lines[i].text.rfind("= ", 0) != 0) lines_of[*t.lines[i].step].push_back(i);
  for (std::size_t j = 0; j < t.steps.size(); ++j) {
    const timeline_step& s = t.steps[j];
    std::string cls = t.lanes[s.lane].task ? "step task" : "step other";
    bool race = false, fault = false, deviation = false;
    std::string about;
    for (std::size_t k : s.decisions) {
      const decision& d = t.decisions.decisions[k];
      (detail::is_fault(d) ? fault : deviation) = true;
      race = race || t.race[k];
      about += "\n" + std::string(t.race[k] ? "race: " : detail::is_fault(d) ? "fault: " : "deviation: ") + describe(d);
    }
    if (race) cls += " race";
    else if (fault) cls += " fault";
    else if (deviation) cls += " deviation";
    if (displaced[j]) cls += " displaced";
    if (t.failed_at == j) cls += " failed";
    std::string tip = s.identity + " — step " + std::to_string(j) + ", " + detail::at_text(s.at, f.tick);
    if (t.lanes[s.lane].task) {
      const std::string from = detail::resumed_text(s);
      if (!from.empty()) tip += "\nresumed at " + from;
      if (!s.suspended_at.empty()) tip += "\nsuspended at " + s.suspended_at;
    }
    if (s.timer) tip += "\ntimer due " + detail::at_text(s.due, f.tick);
    if (s.woken_by) tip += "\nmade ready by " + t.steps[*s.woken_by].identity + " (step " + std::to_string(*s.woken_by) + ")";
    tip += about;
    for (std::size_t i : lines_of[j]) tip += "\nlogged: " + detail::line_text(t.lines[i].text);
    const std::string short_name = t.lanes[s.lane].task ? s.identity.substr(s.identity.rfind('#'))
                                   : s.timer            ? "timer"
                                   : s.identity.rfind("~done", 0) == 0 ? "done"
                                                                       : "cb";
    o += "<g class=\"" + cls + "\" id=\"step-" + std::to_string(j) + "\" data-step=\"" + std::to_string(j) +
         "\" data-lane=\"" + std::to_string(s.lane) + "\" data-identity=\"" + esc(s.identity) + "\"><rect x=\"" +
         num(x_of(j)) + "\" y=\"" + num(box_y(j)) + "\" width=\"" + num(step_w) + "\" height=\"" + num(box_h) +
         "\" rx=\"4\"/><text x=\"" + num(x_of(j) + step_w / 2) + "\" y=\"" + num(box_y(j) + 16) +
         "\" text-anchor=\"middle\">" + esc(short_name) + "</text><title>" + esc(tip) + "</title></g>\n";
    for (std::size_t n = 0; n < lines_of[j].size(); ++n) {
      const double cx = x_of(j) + step_w * static_cast<double>(n + 1) / static_cast<double>(lines_of[j].size() + 1);
      const double cy = box_y(j) + box_h + 7;
      o += "<path class=\"log\" d=\"M" + num(cx) + "," + num(cy - 4) + " l4,4 l-4,4 l-4,-4 z\"><title>" +
           esc(t.lines[lines_of[j][n]].text) + "</title></path>\n";
    }
  }
  // The race: an arc from each of its deviations to the step it ran before.
  for (std::size_t k = 0; k < t.decisions.decisions.size(); ++k) {
    if (!t.race[k]) continue;
    auto to = t.displaced_steps[k];
    if (!to || !t.decision_steps[k]) continue;
    const std::size_t from = *t.decision_steps[k];
    const double x1 = x_of(from) + step_w / 2, y1 = box_y(from), x2 = x_of(*to) + step_w / 2, y2 = box_y(*to);
    const double lift = std::min(y1, y2) - 16;
    o += "<path class=\"race-arrow\" d=\"M" + num(x1) + "," + num(y1) + " C" + num(x1) + "," + num(lift) + " " + num(x2) +
         "," + num(lift) + " " + num(x2) + "," + num(y2) + "\" marker-end=\"url(#arrow-race)\"><title>" +
         esc(describe(t.decisions.decisions[k])) + "</title></path>\n";
    o += "<text class=\"race-label\" x=\"" + num((x1 + x2) / 2) + "\" y=\"" + num(lift + 4) +
         "\" text-anchor=\"middle\">ran before</text>\n";
  }
  if (t.result.failed) {
    const double x = t.failed_at ? x_of(*t.failed_at) + step_w + spacing / 2 : label_w + 16 + l.end;
    const double y2 = top + lane_h * static_cast<double>(t.lanes.size());
    const std::string msg = t.result.failed->message();
    o += "<g class=\"failure\"><line class=\"failure-line\" x1=\"" + num(x) + "\" y1=\"" + num(top - 8) + "\" x2=\"" +
         num(x) + "\" y2=\"" + num(y2 + 6) + "\"/><text class=\"failure-label\" x=\"" + num(x) + "\" y=\"" + num(y2 + 22) +
         "\" text-anchor=\"end\">" + esc(msg) + "</text><title>" + esc(msg) + "</title></g>\n";
  }
  o += "</svg>\n";
  return o;
}

}  // namespace

std::string html_page(const timeline& t, const timeline_format& f, const html_report& r) {
  std::string o;
  const std::string title = f.title.empty() ? "weft run" : f.title;
  o += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>weft: " + esc(title) + "</title>\n";
  o += "<style>" + std::string(style) + "</style>\n</head>\n<body>\n";
  o += "<header><h1>weft: " + esc(title) + "</h1>\n";
  if (t.result.failed)
    o += "<p class=\"verdict failed\" id=\"failure\">" + esc(t.result.failed->message()) + "</p>\n";
  else
    o += "<p class=\"verdict passed\">the run passes</p>\n";
  o += "<p class=\"ref\">" + std::to_string(t.steps.size()) + " steps, " + std::to_string(t.decisions.deviations()) +
       " deviation(s) from FIFO, " + std::to_string(t.decisions.faults()) + " fault(s)</p></header>\n";

  o += "<section id=\"race\"><h2>The race</h2>\n";
  bool any_race = false;
  for (bool b : t.race) any_race = any_race || b;
  if (any_race) {
    o += "<p>Flipping any of these back to FIFO order makes the run pass or fail differently:</p>\n<ol class=\"race\">\n";
    for (std::size_t k = 0; k < t.decisions.decisions.size(); ++k) {
      if (!t.race[k]) continue;
      o += "<li class=\"mono\">" + esc(describe(t.decisions.decisions[k]));
      if (t.decision_steps[k]) {
        o += "<span class=\"ref\">step " + std::to_string(*t.decision_steps[k]);
        if (auto d = t.displaced_steps[k]) o += ", before step " + std::to_string(*d);
        o += "</span>";
      }
      o += "</li>\n";
    }
    o += "</ol>\n";
  } else if (t.result.failed) {
    o += "<p>No single deviation makes the difference: the run fails in FIFO order too.</p>\n";
  } else {
    o += "<p>The run passes: there is no race to show.</p>\n";
  }
  std::string others;
  for (std::size_t k = 0; k < t.decisions.decisions.size(); ++k)
    if (t.decisions.decisions[k].choice && !t.race[k]) others += "<li class=\"mono\">" + esc(describe(t.decisions.decisions[k])) + "</li>\n";
  if (!others.empty()) o += "<p>Other deviations (the run fails the same way without each):</p>\n<ul>\n" + others + "</ul>\n";
  o += "</section>\n";

  o += "<section id=\"timeline\"><h2>Lanes</h2>\n<p class=\"ref\">One lane per task; each box a step, in the order they ran "
       "(left to right; dashed lines where virtual time moves); an arrow from the step that made a step ready. "
       "Hover a box for its site, what woke it and what it logged.</p>\n<div class=\"scroll\">\n";
  o += svg(t, f);
  o += "</div>\n<p class=\"legend\"><span style=\"background:#d1e9ff;border-color:#2e90fa\"></span>task step"
       "<span style=\"background:#eaecf0;border-color:#98a2b3\"></span>timer or callback"
       "<span style=\"background:#fda29b;border-color:#d92d20\"></span>the race"
       "<span style=\"background:#fef0c7;border-color:#dc6803\"></span>other deviation"
       "<span style=\"background:#fddcab;border-color:#e04f16\"></span>fault"
       "<span style=\"background:#fff;border:2px dashed #d92d20\"></span>the step it ran before"
       "<span style=\"background:#7f56d9;border-color:#7f56d9;width:8px;height:8px;transform:rotate(45deg)\"></span>logged a line</p>\n";
  o += "<output id=\"render-check\"></output>\n</section>\n";

  o += "<section id=\"trace\"><h2>" + std::string(r.shrunk ? "The shrunk trace" : "The trace") +
       "</h2>\n<table class=\"trace mono\">\n";
  for (const auto& l : t.lines) {
    const bool frozen = l.step && l.text.rfind("= ", 0) == 0;
    o += std::string(frozen ? "<tr class=\"frozen\">" : "<tr>") + "<td>" + esc(l.text) + "</td><td class=\"step-ref\">";
    if (l.step) o += "step " + std::to_string(*l.step) + " (" + esc(t.steps[*l.step].identity) + ")";
    o += "</td></tr>\n";
  }
  o += "</table>\n</section>\n";

  o += "<section id=\"replay\"><h2>Replay</h2>\n<pre class=\"cmd\">" + esc(r.replay_command) + "</pre>\n";
  for (const auto& n : r.notes) o += "<p class=\"ref\">" + esc(n) + "</p>\n";
  o += "</section>\n";
  o += "<script>" + std::string(script) + "</script>\n</body>\n</html>\n";
  return o;
}

}  // namespace weft::sim
