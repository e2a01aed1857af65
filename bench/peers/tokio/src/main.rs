//! tokio peer for weft's benchmarks: the five shared workloads on tokio's
//! single-threaded (current_thread) runtime.
//!
//! Usage: tokio-peer [W1=N] [W2=N] [W3=N] [W4=N] [W5=N]
//! Output: one line per workload, `tokio Wk OPS_PER_SEC NS_PER_OP`.

use std::cell::{Cell, RefCell};
use std::future::{poll_fn, Future};
use std::io::Write;
use std::process::exit;
use std::task::{Poll, Waker};
use std::time::{Duration, Instant};

use tokio::runtime::{Builder, Runtime};
use tokio::task::{yield_now, JoinHandle};

const PEER: &str = "tokio";
const NAMES: [&str; 5] = ["W1", "W2", "W3", "W4", "W5"];
const DEFAULTS: [u64; 5] = [10_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000];
const CHAINS: u64 = 1000;
const BATCH: u64 = 1000;

thread_local! {
    // All tasks of a current_thread runtime are polled on the thread calling
    // block_on (main), so a plain thread-local Cell is a sound shared counter
    // and avoids charging tokio for atomics the other peers don't pay.
    static COUNT: Cell<u64> = const { Cell::new(0) };
    // W4: waker of the main future, woken by the timer that completes the count.
    static DONE: RefCell<Option<Waker>> = const { RefCell::new(None) };
}

fn count() -> u64 {
    COUNT.with(|c| c.get())
}

fn bump() -> u64 {
    COUNT.with(|c| {
        let v = c.get() + 1;
        c.set(v);
        v
    })
}

fn fail(msg: String) -> ! {
    eprintln!("{PEER}: FAILED: {msg}");
    exit(1);
}

/// Time-driver-only runtime: no workload needs I/O, so the I/O driver is left
/// out (it is not compiled in either).
fn runtime(paused: bool) -> Runtime {
    let mut b = Builder::new_current_thread();
    b.enable_time();
    if paused {
        b.start_paused(true);
    }
    b.build()
        .unwrap_or_else(|e| fail(format!("cannot build runtime: {e}")))
}

/// Runs `fut` to completion on `rt`; only block_on is timed, so creating and
/// dropping the runtime stays outside the measurement.
fn timed<F: Future>(rt: &Runtime, fut: F) -> (Duration, F::Output) {
    let t0 = Instant::now();
    let out = rt.block_on(fut);
    (t0.elapsed(), out)
}

async fn join_sum(handles: Vec<JoinHandle<u64>>) -> u64 {
    let mut sum = 0;
    for h in handles {
        sum += h.await.unwrap_or_else(|e| fail(format!("task failed: {e}")));
    }
    sum
}

// W1. tokio has no call_soon: each of the 1000 chains (n if fewer) is one task,
// and one "callback" is one resumption of it after yield_now(). A resumption
// that finds the target already reached ends the chain without counting, so
// exactly n ops are counted (as with 1000 call_soon chains that stop once
// the shared counter reaches n).
fn w1(n: u64) -> Duration {
    COUNT.with(|c| c.set(0));
    let rt = runtime(false);
    let (dt, ()) = timed(&rt, async move {
        let handles: Vec<_> = (0..CHAINS.min(n))
            .map(|_| {
                tokio::spawn(async move {
                    while count() < n {
                        bump();
                        yield_now().await;
                    }
                })
            })
            .collect();
        for h in handles {
            h.await.unwrap_or_else(|e| fail(format!("W1 task failed: {e}")));
        }
    });
    drop(rt);
    if count() != n {
        fail(format!("W1 counted {} callbacks, expected {n}", count()));
    }
    dt
}

// W2. Per round the main future (block_on's) spawns 1000 tasks that return
// at once and awaits every JoinHandle (tokio's gather).
fn w2(n: u64) -> Duration {
    let rounds = n / BATCH;
    let rt = runtime(false);
    let (dt, total) = timed(&rt, async move {
        let mut total = 0u64;
        for _ in 0..rounds {
            let handles: Vec<_> = (0..BATCH).map(|i| tokio::spawn(async move { i })).collect();
            total += join_sum(handles).await;
        }
        total
    });
    drop(rt);
    let expect = rounds * (BATCH * (BATCH - 1) / 2);
    if total != expect {
        fail(format!("W2 children returned sum {total}, expected {expect}"));
    }
    dt
}

// W3. Two spawned tasks each doing n yield_now().await; yield_now re-queues
// the task behind the other one, so the two alternate.
fn w3(n: u64) -> Duration {
    COUNT.with(|c| c.set(0));
    let rt = runtime(false);
    let (dt, ()) = timed(&rt, async move {
        let a = tokio::spawn(async move {
            for _ in 0..n {
                yield_now().await;
                bump();
            }
        });
        let b = tokio::spawn(async move {
            for _ in 0..n {
                yield_now().await;
                bump();
            }
        });
        for h in [a, b] {
            h.await.unwrap_or_else(|e| fail(format!("W3 task failed: {e}")));
        }
    });
    drop(rt);
    if count() != 2 * n {
        fail(format!("W3 counted {} yields, expected {}", count(), 2 * n));
    }
    dt
}

fn w4_offset_ns(i: u64) -> u64 {
    let h = i.wrapping_mul(2_654_435_761) & 0xFFFF_FFFF;
    ((h as u128 * 1_000_000_000u128) >> 32) as u64
}

// W4. tokio has no timer callbacks, so each timer is a spawned task doing
// sleep_until(start + d_i) and then the callback's work (count += 1). The
// clock is virtual (start_paused): when every task is asleep the runtime
// jumps straight to the next deadline, so the run is timed whole, like
// weft's virtual clock. tokio rounds deadlines up to its 1 ms wheel
// resolution. The main future waits for the count rather than awaiting n
// JoinHandles, which would add work the other peers don't do.
fn w4(n: u64) -> Duration {
    COUNT.with(|c| c.set(0));
    DONE.with(|d| *d.borrow_mut() = None);
    let rt = runtime(true);
    let (dt, virt) = timed(&rt, async move {
        let start = tokio::time::Instant::now();
        for i in 0..n {
            let deadline = start + Duration::from_nanos(w4_offset_ns(i));
            tokio::spawn(async move {
                tokio::time::sleep_until(deadline).await;
                if bump() == n {
                    if let Some(w) = DONE.with(|d| d.borrow_mut().take()) {
                        w.wake();
                    }
                }
            });
        }
        poll_fn(|cx| {
            if count() >= n {
                Poll::Ready(())
            } else {
                DONE.with(|d| *d.borrow_mut() = Some(cx.waker().clone()));
                Poll::Pending
            }
        })
        .await;
        start.elapsed()
    });
    drop(rt);
    if count() != n {
        fail(format!("W4 fired {} timers, expected {n}", count()));
    }
    let last = (0..n).map(w4_offset_ns).max().unwrap_or(0);
    if virt < Duration::from_nanos(last) {
        fail(format!("W4 virtual clock only reached {virt:?}, last deadline {last} ns"));
    }
    dt
}

// W5. Per round spawn 1000 tasks that each yield once and return 1, then
// await every JoinHandle.
fn w5(n: u64) -> Duration {
    let rt = runtime(false);
    let (dt, total) = timed(&rt, async move {
        let mut total = 0u64;
        for _ in 0..n {
            let handles: Vec<_> = (0..BATCH)
                .map(|_| {
                    tokio::spawn(async {
                        yield_now().await;
                        1u64
                    })
                })
                .collect();
            total += join_sum(handles).await;
        }
        total
    });
    drop(rt);
    if total != n * BATCH {
        fail(format!("W5 {total} children finished, expected {}", n * BATCH));
    }
    dt
}

fn usage_error(msg: String) -> ! {
    eprintln!("{PEER}: {msg}");
    eprintln!("usage: tokio-peer [W1=N] [W2=N] [W3=N] [W4=N] [W5=N]  (N > 0; W2 a multiple of {BATCH})");
    exit(2);
}

fn parse_args() -> [Option<u64>; 5] {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        return DEFAULTS.map(Some);
    }
    let mut sizes = [None; 5];
    for arg in &args {
        let Some((name, value)) = arg.split_once('=') else {
            usage_error(format!("bad argument '{arg}': expected Wk=N"));
        };
        let Some(k) = NAMES.iter().position(|&w| w == name) else {
            usage_error(format!("bad argument '{arg}': unknown workload '{name}'"));
        };
        let n = if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
            value.parse::<u64>().ok().filter(|&n| n > 0)
        } else {
            None
        };
        let Some(n) = n else {
            usage_error(format!("bad argument '{arg}': N must be a positive integer"));
        };
        // Counts that could overflow the ops arithmetic are rejected too.
        if n > u64::MAX / (2 * BATCH) {
            usage_error(format!("bad argument '{arg}': N is too large"));
        }
        if k == 1 && n % BATCH != 0 {
            usage_error(format!("bad argument '{arg}': W2 must be a multiple of {BATCH}"));
        }
        if sizes[k].is_some() {
            usage_error(format!("bad argument '{arg}': {name} given more than once"));
        }
        sizes[k] = Some(n);
    }
    sizes
}

fn main() {
    let sizes = parse_args();
    let mut out = std::io::stdout().lock();
    for (k, size) in sizes.iter().enumerate() {
        let Some(n) = *size else { continue };
        let (dt, ops) = match k {
            0 => (w1(n), n),
            1 => (w2(n), n),
            2 => (w3(n), 2 * n),
            3 => (w4(n), n),
            _ => (w5(n), n * BATCH),
        };
        let ns = dt.as_nanos().max(1) as f64;
        let ops_per_sec = (ops as f64 * 1e9 / ns).round() as u64;
        let ns_per_op = ns / ops as f64;
        let line = writeln!(out, "{PEER} {} {ops_per_sec} {ns_per_op:.2}", NAMES[k]);
        if line.and_then(|()| out.flush()).is_err() {
            eprintln!("{PEER}: cannot write to stdout");
            exit(1);
        }
    }
}
