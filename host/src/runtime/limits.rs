//! What one component `Store` may take: linear memory and table elements summed over every
//! memory and table of the store, and fixed counts of core instances, tables and memories.
//!
//! wasmtime's `StoreLimits` caps each memory separately, so a component with 32 memories could
//! take 32 times `memory_mib`, and it does not limit table elements by default. This limiter
//! keeps running totals instead, and a growth past a total traps with a [`SandboxViolation`]
//! that the worker recognises by type.

use wasmtime::ResourceLimiter;

/// Core instances per store. A Rust wasip2 component instantiates 3 core modules (its own and
/// the two shims `wasm-component-ld` adds), and wasmtime counts more than 4 for it (`instances(4)` fails to instantiate one);
/// the margin is for other toolchains. The counts are fixed by the component's code, so a
/// component over one of them fails at load, never in a call.
pub const MAX_INSTANCES: usize = 32;
/// Tables per store (each builtin has 2).
pub const MAX_TABLES: usize = 16;
/// Linear memories per store (each builtin has 1). Each reserves address space (not memory)
/// in wasmtime; what they may hold together is capped by the format's `memory_mib`.
pub const MAX_MEMORIES: usize = 8;

/// A sandbox rule a component broke; the call traps with this as its error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SandboxViolation {
    #[error("exceeded its memory limit of {} MiB (all linear memories together; it would have reached {requested_bytes} bytes)", limit_bytes >> 20)]
    Memory { limit_bytes: usize, requested_bytes: usize },
    #[error("exceeded its table limit of {limit} elements (all tables together; it would have reached {requested})")]
    TableElements { limit: usize, requested: usize },
    #[error("made a blocking host call ({call}), which the sandbox refuses")]
    BlockingCall { call: &'static str },
}

/// Running totals of one store against the format's caps.
#[derive(Debug)]
pub struct SandboxLimiter {
    memory_limit: usize,
    table_limit: usize,
    memory_total: usize,
    table_total: usize,
    /// The last growth granted, taken back if wasmtime then fails to perform it.
    pending_memory: usize,
    pending_table: usize,
}

impl SandboxLimiter {
    pub fn new(memory_limit: usize, table_limit: usize) -> SandboxLimiter {
        SandboxLimiter {
            memory_limit,
            table_limit,
            memory_total: 0,
            table_total: 0,
            pending_memory: 0,
            pending_table: 0,
        }
    }

    /// Bytes of all linear memories of the store.
    #[cfg(test)]
    pub fn memory_total(&self) -> usize {
        self.memory_total
    }

    /// Elements of all tables of the store.
    #[cfg(test)]
    pub fn table_total(&self) -> usize {
        self.table_total
    }
}

/// `total` after one memory or table goes from `current` to `desired`, or `None` past `limit`.
fn grown(total: usize, current: usize, desired: usize, limit: usize) -> Option<usize> {
    let after = total.checked_add(desired.saturating_sub(current))?;
    (after <= limit).then_some(after)
}

impl ResourceLimiter for SandboxLimiter {
    fn memory_growing(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> wasmtime::Result<bool> {
        // Past the memory's own declared maximum, `memory.grow` fails as the wasm spec says.
        if maximum.is_some_and(|max| desired > max) {
            return Ok(false);
        }
        match grown(self.memory_total, current, desired, self.memory_limit) {
            Some(after) => {
                self.pending_memory = after - self.memory_total;
                self.memory_total = after;
                Ok(true)
            }
            None => Err(wasmtime::Error::new(SandboxViolation::Memory {
                limit_bytes: self.memory_limit,
                requested_bytes: self.memory_total.saturating_add(desired.saturating_sub(current)),
            })),
        }
    }

    fn memory_grow_failed(&mut self, _error: wasmtime::Error) -> wasmtime::Result<()> {
        // The OS refused what we granted: forget it; the guest sees `memory.grow` fail.
        self.memory_total -= std::mem::take(&mut self.pending_memory);
        Ok(())
    }

    fn table_growing(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> wasmtime::Result<bool> {
        if maximum.is_some_and(|max| desired > max) {
            return Ok(false);
        }
        match grown(self.table_total, current, desired, self.table_limit) {
            Some(after) => {
                self.pending_table = after - self.table_total;
                self.table_total = after;
                Ok(true)
            }
            None => Err(wasmtime::Error::new(SandboxViolation::TableElements {
                limit: self.table_limit,
                requested: self.table_total.saturating_add(desired.saturating_sub(current)),
            })),
        }
    }

    fn table_grow_failed(&mut self, _error: wasmtime::Error) -> wasmtime::Result<()> {
        self.table_total -= std::mem::take(&mut self.pending_table);
        Ok(())
    }

    fn instances(&self) -> usize {
        MAX_INSTANCES
    }

    fn tables(&self) -> usize {
        MAX_TABLES
    }

    fn memories(&self) -> usize {
        MAX_MEMORIES
    }
}

#[cfg(test)]
mod tests;
