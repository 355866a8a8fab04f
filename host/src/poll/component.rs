//! The poller components' sandbox: their own engine (fuel bounds a call's CPU; a call waits on
//! the network, so the format runtime's epoch deadlines would count that waiting), WASI with no
//! capability but clocks and random numbers, and `wasi:http` through the host's hooks
//! (`egress.rs`). A store and its instance live for one run.

use super::egress::{Egress, Policy};
use crate::config::ComponentSource;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Engine, Store, StoreLimits, StoreLimitsBuilder};
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

mod bindings {
    wasmtime::component::bindgen!({
        world: "poller-component",
        path: "../wit/poller.wit",
        exports: { default: async },
    });
}

pub use bindings::edge::poller::types::{Page, PollError, Settings};
use bindings::{PollerComponent, PollerComponentPre};

#[derive(Debug, Clone, thiserror::Error)]
pub enum ComponentError {
    #[error("cannot load poller {source_name}: {reason}")]
    Load { source_name: String, reason: String },
    #[error("the poller trapped: {0}")]
    Trap(String),
}

/// Host resources (pollables, streams, requests) one poller's store may hold at once.
const MAX_HOST_RESOURCES: usize = 4096;
const MAX_RANDOM_BYTES: u64 = 64 * 1024;

pub struct PollerState {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    table: ResourceTable,
    hooks: Egress,
    limits: StoreLimits,
}

impl WasiView for PollerState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for PollerState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.hooks,
        }
    }
}

/// The engine, linker and compiled pollers of this process.
struct Runtime {
    engine: Engine,
    linker: Linker<PollerState>,
    compiled: Mutex<HashMap<String, PollerComponentPre<PollerState>>>,
}

fn runtime() -> Result<&'static Runtime, ComponentError> {
    static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();
    let r = RUNTIME.get_or_init(|| {
        let mut config = wasmtime::Config::new();
        config.wasm_component_model(true);
        config.consume_fuel(true);
        config.cranelift_opt_level(wasmtime::OptLevel::Speed);
        let engine = Engine::new(&config).map_err(|e| format!("{e:#}"))?;
        let mut linker = Linker::<PollerState>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker).map_err(|e| format!("{e:#}"))?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker).map_err(|e| format!("{e:#}"))?;
        Ok(Runtime {
            engine,
            linker,
            compiled: Mutex::new(HashMap::new()),
        })
    });
    r.as_ref().map_err(|reason| ComponentError::Load {
        source_name: "(engine)".into(),
        reason: reason.clone(),
    })
}

/// Compiles (once per process) the poller `source`.
pub fn prepare(source: &ComponentSource) -> Result<PollerComponentPre<PollerState>, ComponentError> {
    let rt = runtime()?;
    let key = source.to_string();
    if let Some(pre) = rt.compiled.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return Ok(pre);
    }
    let load_err = |reason: String| ComponentError::Load {
        source_name: key.clone(),
        reason,
    };
    let component = match source {
        ComponentSource::Builtin(name) => {
            let bytes = crate::builtins::poller_bytes(name).ok_or_else(|| load_err("no such builtin poller".into()))?;
            Component::new(&rt.engine, bytes)
        }
        ComponentSource::File(path) => Component::from_file(&rt.engine, path),
    }
    .map_err(|e| load_err(format!("{e:#}")))?;
    let pre = rt
        .linker
        .instantiate_pre(&component)
        .map_err(|e| load_err(format!("{e:#}")))?;
    let pre = PollerComponentPre::new(pre).map_err(|e| load_err(format!("{e:#}")))?;
    if let Ok(mut m) = rt.compiled.lock() {
        m.insert(key, pre.clone());
    }
    Ok(pre)
}

/// One instance of a poller, for one run.
pub struct Instance {
    store: Store<PollerState>,
    poller: PollerComponent,
    fuel: u64,
}

impl Instance {
    pub async fn new(
        pre: &PollerComponentPre<PollerState>,
        policy: Arc<Policy>,
        memory_bytes: usize,
        fuel: u64,
    ) -> Result<Instance, ComponentError> {
        let rt = runtime()?;
        let wasi = WasiCtxBuilder::new()
            .max_random_size(MAX_RANDOM_BYTES)
            .allow_ip_name_lookup(false)
            .allow_tcp(false)
            .allow_udp(false)
            .build();
        let mut table = ResourceTable::new();
        table.set_max_capacity(MAX_HOST_RESOURCES);
        let state = PollerState {
            wasi,
            http: WasiHttpCtx::new(),
            table,
            hooks: Egress { policy },
            limits: StoreLimitsBuilder::new()
                .memory_size(memory_bytes)
                .instances(64)
                .tables(64)
                .memories(16)
                .trap_on_grow_failure(true)
                .build(),
        };
        let mut store = Store::new(&rt.engine, state);
        store.limiter(|s| &mut s.limits);
        store
            .set_fuel(fuel)
            .map_err(|e| ComponentError::Trap(format!("{e:#}")))?;
        let poller = pre
            .instantiate_async(&mut store)
            .await
            .map_err(|e| ComponentError::Trap(format!("{e:#}")))?;
        Ok(Instance { store, poller, fuel })
    }

    fn refuel(&mut self) -> Result<(), ComponentError> {
        self.store
            .set_fuel(self.fuel)
            .map_err(|e| ComponentError::Trap(format!("{e:#}")))
    }

    pub async fn poll(
        &mut self,
        settings: &Settings,
        cursor: Option<&[u8]>,
    ) -> Result<Result<Page, PollError>, ComponentError> {
        self.refuel()?;
        self.poller
            .edge_poller_poller()
            .call_poll(&mut self.store, settings, cursor)
            .await
            .map_err(|e| ComponentError::Trap(format!("{e:#}")))
    }

    pub async fn acknowledge(
        &mut self,
        settings: &Settings,
        ack: &[u8],
    ) -> Result<Result<(), PollError>, ComponentError> {
        self.refuel()?;
        self.poller
            .edge_poller_poller()
            .call_acknowledge(&mut self.store, settings, ack)
            .await
            .map_err(|e| ComponentError::Trap(format!("{e:#}")))
    }
}
