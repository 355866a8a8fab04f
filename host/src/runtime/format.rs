//! A compiled format component, ready to instantiate on any worker.

use super::bindings::{Description, FormatWorld, FormatWorldPre};
use super::sandbox::{self, HostState};
use super::{deadline_ticks, LoadFailure, RuntimeError};
use crate::config::{ComponentLimits, ComponentSource, FormatSpec};
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use wasmtime::component::Component;
use wasmtime::{Engine, Store};

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A format whose component is compiled and linked, with its limits.
pub struct LoadedFormat {
    /// Unique per load: workers key their cached instances by it, so a reloaded component
    /// never reuses an instance of the old one.
    pub id: u64,
    pub name: String,
    pub source: ComponentSource,
    /// SHA-256 of the component bytes, hex.
    pub digest: String,
    pub limits: ComponentLimits,
    pub description: Description,
    pub(super) deadline_ticks: u64,
    /// Whether the last call took long enough to count as slow (see `queue.rs`).
    pub(super) last_call_slow: AtomicBool,
    /// The part of the runtime's queue that this format's batches may hold at once, so that
    /// one format's senders cannot make every other intake wait for room (`queue_share`).
    pub(super) queue_share: Arc<Semaphore>,
    pre: FormatWorldPre<HostState>,
    engine: Engine,
}

impl std::fmt::Debug for LoadedFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedFormat")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("source", &self.source)
            .field("digest", &self.digest)
            .finish_non_exhaustive()
    }
}

impl LoadedFormat {
    /// Reads the component; reuses `previous` when the bytes and limits are unchanged (a reload
    /// then costs no compilation and keeps the workers' warm instances), else compiles it.
    pub fn load_or_reuse(
        engine: &Engine,
        spec: &FormatSpec,
        epoch_tick: Duration,
        queue_share: usize,
        previous: Option<&Arc<LoadedFormat>>,
    ) -> Result<Arc<LoadedFormat>, RuntimeError> {
        let bytes = component_bytes(&spec.source).map_err(|(failure, detail)| RuntimeError::Load {
            format: spec.name.clone(),
            source_desc: spec.source.to_string(),
            failure,
            detail,
        })?;
        let digest = hex::encode(Sha256::digest(&bytes));
        if let Some(old) = previous.filter(|o| o.digest == digest && o.limits == spec.limits && o.source == spec.source)
        {
            return Ok(old.clone());
        }
        Self::compile(engine, spec, epoch_tick, queue_share, &bytes, digest).map(Arc::new)
    }

    /// Compiles and links the component, then calls `describe` once to prove it works.
    fn compile(
        engine: &Engine,
        spec: &FormatSpec,
        epoch_tick: Duration,
        queue_share: usize,
        bytes: &[u8],
        digest: String,
    ) -> Result<LoadedFormat, RuntimeError> {
        let fail = |failure: LoadFailure| {
            move |e: wasmtime::Error| RuntimeError::Load {
                format: spec.name.clone(),
                source_desc: spec.source.to_string(),
                failure,
                detail: format!("{e:#}"),
            }
        };
        let component = Component::new(engine, bytes).map_err(fail(LoadFailure::NotAComponent))?;
        // The linker holds only what the host defines: it fails on a host bug, not on the file.
        let linker = sandbox::linker(engine).map_err(|e| RuntimeError::Start(format!("{e:#}")))?;
        let instance_pre = linker.instantiate_pre(&component).map_err(fail(LoadFailure::Imports))?;
        let pre = FormatWorldPre::new(instance_pre).map_err(fail(LoadFailure::World))?;
        let mut format = LoadedFormat {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            name: spec.name.clone(),
            source: spec.source.clone(),
            digest,
            limits: spec.limits,
            description: Description {
                name: String::new(),
                version: String::new(),
                description: String::new(),
                categories: Vec::new(),
                sample: String::new(),
            },
            deadline_ticks: deadline_ticks(spec.limits.deadline, epoch_tick),
            last_call_slow: AtomicBool::new(false),
            queue_share: Arc::new(Semaphore::new(queue_share)),
            pre,
            engine: engine.clone(),
        };
        let (mut store, world) = format.instantiate().map_err(fail(LoadFailure::Start))?;
        format.description = world
            .edge_format_format()
            .call_describe(&mut store)
            .map_err(fail(LoadFailure::Start))?;
        Ok(format)
    }

    /// A fresh store and instance, under this format's limits.
    pub(super) fn instantiate(&self) -> wasmtime::Result<(Store<HostState>, FormatWorld)> {
        let state = HostState::new(self.limits.memory_bytes, self.limits.max_table_elements);
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.limiter);
        store.epoch_deadline_trap();
        store.set_epoch_deadline(self.deadline_ticks);
        let world = self.pre.instantiate(&mut store)?;
        Ok((store, world))
    }
}

fn component_bytes(source: &ComponentSource) -> Result<Vec<u8>, (LoadFailure, String)> {
    match source {
        ComponentSource::Builtin(name) => crate::builtins::bytes(name)
            .map(<[u8]>::to_vec)
            .ok_or_else(|| (LoadFailure::NoBuiltin, format!("{name:?}"))),
        ComponentSource::File(path) => std::fs::read(path).map_err(|e| (LoadFailure::Unreadable, e.to_string())),
    }
}
