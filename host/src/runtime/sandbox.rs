//! What a component's `Store` holds, and the WASI that the sandbox links: empty, frozen, and
//! with no host call that can block or allocate without bound.
//!
//! Rust's std imports a few WASI p2 interfaces, so WASI is linked, but every capability stays
//! closed: no preopened directories, environment, arguments, sockets or name lookups; stdin is
//! closed and stdout/stderr discard (their `blocking-*` calls return at once, so std's
//! `println!` and panic messages work); clocks are frozen at the epoch. What is left that could
//! hold a worker thread or host memory, and its bound:
//! - `wasi:io/poll` `poll` and `[method]pollable.block` wait on real time for a
//!   `monotonic-clock.subscribe-*` pollable (the epoch deadline does not interrupt a host call;
//!   `std::thread::sleep` is exactly this): replaced by a trap ([`SandboxViolation::BlockingCall`]).
//!   `[method]pollable.ready` never blocks and stays.
//! - `wasi:random` `get-random-bytes(len)` allocates `len` bytes on the host: at most
//!   [`MAX_RANDOM_BYTES`].
//! - Every resource (pollable, stream) is a host-side table entry: at most [`MAX_HOST_RESOURCES`].

use super::limits::{SandboxLimiter, SandboxViolation};
use std::time::Duration;
use wasmtime::component::{Linker, ResourceTable};
use wasmtime::Engine;
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

/// Largest `get-random-bytes`/`get-insecure-random-bytes` answer. Rust's std and `getrandom`
/// ask for a few words (hash seeds); wasmtime-wasi's own default is 64 MiB per call.
pub const MAX_RANDOM_BYTES: u64 = 64 * 1024;
/// Host resources (pollables, streams, ...) one store may hold at once. Rust's std holds a
/// handful; wasmtime-wasi's default is 1,000,000 (over 100 MB of host memory per store).
pub const MAX_HOST_RESOURCES: usize = 1024;

/// The version of the WASI p2 interfaces that wasmtime-wasi 48 links. The linker resolves the
/// `0.2.x` versions that components import (std uses an older one) to these definitions, so
/// shadowing these covers every version; `sandbox/tests.rs` proves it with a component.
const WASI_IO_POLL: &str = "wasi:io/poll@0.2.12";
/// The functions of `wasi:io/poll` that block the calling thread: (import name, as reported).
const BLOCKING_POLL_FUNCS: &[(&str, &str)] = &[
    ("poll", "wasi:io/poll poll"),
    ("[method]pollable.block", "wasi:io/poll pollable.block"),
];

/// What a component's `Store` holds: an empty WASI context and the resource limiter.
pub struct HostState {
    wasi: WasiCtx,
    table: ResourceTable,
    pub(super) limiter: SandboxLimiter,
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl HostState {
    pub fn new(memory_bytes: usize, table_elements: usize) -> HostState {
        let wasi = WasiCtxBuilder::new()
            .wall_clock(FrozenClock)
            .monotonic_clock(FrozenClock)
            .max_random_size(MAX_RANDOM_BYTES)
            .allow_ip_name_lookup(false)
            .allow_tcp(false)
            .allow_udp(false)
            .build();
        let mut table = ResourceTable::new();
        table.set_max_capacity(MAX_HOST_RESOURCES);
        HostState {
            wasi,
            table,
            limiter: SandboxLimiter::new(memory_bytes, table_elements),
        }
    }
}

/// A linker with the sandbox's WASI: everything wasmtime-wasi links, but the blocking calls.
pub fn linker(engine: &Engine) -> wasmtime::Result<Linker<HostState>> {
    let mut linker = Linker::<HostState>::new(engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    linker.allow_shadowing(true);
    let mut poll = linker.instance(WASI_IO_POLL)?;
    for &(name, call) in BLOCKING_POLL_FUNCS {
        poll.func_new(name, move |_, _, _, _| {
            Err(wasmtime::Error::new(SandboxViolation::BlockingCall { call }))
        })?;
    }
    linker.allow_shadowing(false);
    Ok(linker)
}

/// Components see no time but the one the WIT gives: WASI clocks are frozen at the epoch.
struct FrozenClock;

impl wasmtime_wasi::HostWallClock for FrozenClock {
    fn resolution(&self) -> Duration {
        Duration::from_secs(1)
    }
    fn now(&self) -> Duration {
        Duration::ZERO
    }
}

impl wasmtime_wasi::HostMonotonicClock for FrozenClock {
    fn resolution(&self) -> u64 {
        1_000_000_000
    }
    fn now(&self) -> u64 {
        0
    }
}

#[cfg(test)]
mod tests;
