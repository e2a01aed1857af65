// weft peer benchmark: node (run with Debian's /usr/bin/node).
// Usage: node peer.mjs [W1=N] [W2=N] [W3=N] [W4=N] [W5=N]
// Node has a single event loop per process, so "a fresh loop per workload" means
// each workload starts only after the previous one left nothing pending.

const PEER = 'node';
const DEFAULTS = { W1: 10000000, W2: 1000000, W3: 1000000, W4: 1000000, W5: 1000 };
const ORDER = ['W1', 'W2', 'W3', 'W4', 'W5'];
const CHAINS = 1000;
const FANOUT = 1000;

function usage(msg) {
  process.stderr.write(`peer.mjs: ${msg}\n` +
    'usage: node peer.mjs [W1=N] [W2=N] [W3=N] [W4=N] [W5=N]\n');
  process.exit(2);
}

function fail(msg) {
  process.stderr.write(`peer.mjs: verification failed: ${msg}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  if (argv.length === 0) return { ...DEFAULTS };
  const sel = {};
  for (const arg of argv) {
    const m = /^([^=]*)=(.*)$/.exec(arg);
    if (!m) usage(`bad argument '${arg}' (expected WORKLOAD=N)`);
    const [, w, v] = m;
    if (!ORDER.includes(w)) usage(`unknown workload '${w}' in '${arg}'`);
    if (w in sel) usage(`workload ${w} given twice`);
    if (!/^[0-9]+$/.test(v) || !Number.isSafeInteger(Number(v)) || Number(v) <= 0)
      usage(`${w}: N must be a positive integer, got '${v}'`);
    const n = Number(v);
    if (w === 'W2' && n % FANOUT !== 0) usage(`W2: N must be a multiple of ${FANOUT}, got ${n}`);
    sel[w] = n;
  }
  return sel;
}

function report(w, ops, ns) {
  const opsPerSec = (BigInt(ops) * 1000000000n) / ns;
  const nsPerOp = (Number(ns) / ops).toFixed(2);
  process.stdout.write(`${PEER} ${w} ${opsPerSec} ${nsPerOp}\n`);
}

// W1: CHAINS self-rescheduling setImmediate chains, N callbacks in total.
async function w1(n) {
  let count = 0;
  let scheduled = Math.min(CHAINS, n);
  let t0 = 0n;
  const ns = await new Promise((resolve) => {
    const cb = () => {
      count++;
      if (scheduled < n) {
        scheduled++;
        setImmediate(cb);
      } else if (count === n) {
        resolve(process.hrtime.bigint() - t0);
      }
    };
    t0 = process.hrtime.bigint();
    for (let i = 0, k = scheduled; i < k; i++) setImmediate(cb);
  });
  if (count !== n) fail(`W1 ran ${count} callbacks, expected ${n}`);
  return ns;
}

// W2: per round, FANOUT async calls that return at once, then Promise.all.
async function w2Child() { return 1; }
async function w2(n) {
  const rounds = n / FANOUT;
  let total = 0;
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) {
    const ps = new Array(FANOUT);
    for (let i = 0; i < FANOUT; i++) ps[i] = w2Child();
    const res = await Promise.all(ps);
    total += res.length;
  }
  const ns = process.hrtime.bigint() - t0;
  if (total !== n) fail(`W2 completed ${total} tasks, expected ${n}`);
  return ns;
}

// W3: two async functions each yielding N times. `await null` is node's
// cheapest yield: a microtask hop, not a macrotask (event-loop) turn.
async function w3Yielder(n) {
  let k = 0;
  for (let i = 0; i < n; i++) { await null; k++; }
  return k;
}
async function w3(n) {
  const t0 = process.hrtime.bigint();
  const [a, b] = await Promise.all([w3Yielder(n), w3Yielder(n)]);
  const ns = process.hrtime.bigint() - t0;
  if (a !== n || b !== n) fail(`W3 yield counts ${a}, ${b}, expected ${n} each`);
  return ns;
}

// W4: N one-shot setTimeout callbacks. Node timers have 1 ms resolution, so
// deadlines are rounded down to whole ms (and node bumps 0 ms to 1 ms).
// setTimeout has no absolute deadline: node measures each delay from its own
// (refreshed, ms) clock read at insertion, so later timers are shifted by the
// scheduling time. Firing order/cost after the sleep is unaffected.
const sleepCell = new Int32Array(new SharedArrayBuffer(4));
async function w4(n) {
  // Deadline computation is not part of what is measured.
  const delays = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    const h = Math.imul(i, 0x9E3779B1) >>> 0; // (i * 2654435761) mod 2^32
    delays[i] = Math.floor((h * 1000) / 4294967296);
  }
  let count = 0;
  let t0 = 0n, t1 = 0n, t2 = 0n;
  const done = new Promise((resolve) => {
    // Callbacks can only run after the sleep below, so t1 and t2 are set by then.
    const cb = () => {
      if (++count === n) resolve((t1 - t0) + (process.hrtime.bigint() - t2));
    };
    t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) setTimeout(cb, delays[i]);
    t1 = process.hrtime.bigint();
  });
  // Block the thread past the last deadline (< 1 s after the last insertion); not timed.
  const until = t1 + 1020000000n;
  for (let now = process.hrtime.bigint(); now < until; now = process.hrtime.bigint())
    Atomics.wait(sleepCell, 0, 0, Number(until - now) / 1e6);
  t2 = process.hrtime.bigint();
  const ns = await done;
  if (count !== n) fail(`W4 fired ${count} timers, expected ${n}`);
  return ns;
}

// W5: per round, FANOUT async children each doing one `await null`, then Promise.all.
async function w5Child() { await null; return 1; }
async function w5(n) {
  let total = 0;
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < n; r++) {
    const ps = new Array(FANOUT);
    for (let i = 0; i < FANOUT; i++) ps[i] = w5Child();
    const res = await Promise.all(ps);
    total += res.length;
  }
  const ns = process.hrtime.bigint() - t0;
  if (total !== n * FANOUT) fail(`W5 completed ${total} children, expected ${n * FANOUT}`);
  return ns;
}

const RUNNERS = {
  W1: [w1, (n) => n],
  W2: [w2, (n) => n],
  W3: [w3, (n) => 2 * n],
  W4: [w4, (n) => n],
  W5: [w5, (n) => FANOUT * n],
};

const sel = parseArgs(process.argv.slice(2));
for (const w of ORDER) {
  if (!(w in sel)) continue;
  const [run, opsOf] = RUNNERS[w];
  const n = sel[w];
  const ns = await run(n);
  report(w, opsOf(n), ns);
}
