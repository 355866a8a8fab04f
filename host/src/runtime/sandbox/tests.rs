use super::super::bindings::{Event, FormatWorld, Protocol, Timestamp};
use super::super::format::LoadedFormat;
use super::super::{engine, limits};
use super::*;
use crate::builtins::{names as builtin_names, COMPONENT_DIR as BUILT_COMPONENT_DIR};
use crate::config::{ComponentLimits, ComponentSource, FormatSpec, DEFAULT_MAX_TABLE_ELEMENTS};
use std::sync::mpsc;
use std::sync::Arc;
use wasmtime::Store;

/// The builtins must fit the default table limit with this factor to spare.
const MARGIN: usize = 4;
/// And the default memory limit with this one: the web formats hold the uap-core user-agent
/// rules compiled (about 24 MiB, whatever the variety of agents: see the test below).
const MEMORY_MARGIN: usize = 2;

fn limits() -> ComponentLimits {
    ComponentLimits {
        deadline: Duration::from_secs(1),
        memory_bytes: 64 << 20,
        max_table_elements: DEFAULT_MAX_TABLE_ELEMENTS as usize,
        max_output_bytes: 1 << 20,
    }
}

fn load(name: &str, source: ComponentSource) -> Arc<LoadedFormat> {
    let engine = engine::new_engine().expect("engine");
    let spec = FormatSpec {
        name: name.into(),
        source,
        limits: limits(),
    };
    LoadedFormat::load_or_reuse(&engine, &spec, Duration::from_millis(5), 1, None).expect("loads")
}

fn event(raw: &str) -> Event {
    Event {
        raw: raw.into(),
        received_at: Timestamp {
            seconds: 1_763_851_497,
            nanoseconds: 0,
        },
        client_time: None,
        protocol: Protocol::Https,
        source_address: None,
        syslog: None,
        metadata: vec![],
    }
}

fn call(
    store: &mut Store<HostState>,
    world: &FormatWorld,
    raw: &[&str],
) -> wasmtime::Result<Vec<Result<String, String>>> {
    let events: Vec<Event> = raw.iter().map(|r| event(r)).collect();
    world.edge_format_format().call_normalize(store, &events)
}

#[test]
fn builtins_fit_the_default_limits_with_a_margin() {
    for name in builtin_names() {
        let format = load(name, ComponentSource::Builtin(name.into()));
        let (mut store, world) = format.instantiate().expect("instantiates");
        let sample = format.description.sample.clone();
        let batch: Vec<&str> = (0..512).map(|_| sample.as_str()).collect();
        call(&mut store, &world, &batch).expect("normalizes its sample");
        let l = &store.data().limiter;
        eprintln!(
            "{name}: {} KiB of linear memory, {} table elements after 512 samples",
            l.memory_total() >> 10,
            l.table_total()
        );
        assert!(
            l.table_total() * MARGIN <= DEFAULT_MAX_TABLE_ELEMENTS as usize,
            "{name}"
        );
        assert!(l.memory_total() * MEMORY_MARGIN <= 64 << 20, "{name}");
    }
}

#[test]
fn a_blocking_host_call_traps_at_once_with_a_typed_error() {
    // hostile-sleep calls std::thread::sleep(1 h) (pollable.block, imported at an older 0.2.x
    // version than the linker's): the shadow must catch it whatever version it imports.
    let path = std::path::Path::new(BUILT_COMPONENT_DIR).join("hostile_sleep.wasm");
    let format = load("hostile-sleep", ComponentSource::File(path));
    let (done, result) = mpsc::channel();
    std::thread::spawn(move || {
        let (mut store, world) = format.instantiate().expect("instantiates");
        let normal = call(&mut store, &world, &["fine"]).map_err(|e| format!("{e:#}"));
        let boom = call(&mut store, &world, &["boom"]).map(|_| ()).map_err(|e| {
            e.downcast_ref::<limits::SandboxViolation>()
                .cloned()
                .ok_or_else(|| format!("{e:#}"))
        });
        let _ = done.send((normal, boom));
    });
    // A generous bound: the trap is immediate; without the shadow the call would sleep an hour.
    let (normal, boom) = result
        .recv_timeout(Duration::from_secs(30))
        .expect("the blocking call was not refused");
    assert!(normal.expect("a normal event works")[0].is_ok());
    assert_eq!(
        boom.expect_err("boom traps"),
        Ok(limits::SandboxViolation::BlockingCall {
            call: "wasi:io/poll pollable.block"
        })
    );
}

/// Each step of loading that can fail says which, so that a caller can tell a path to fix
/// from a component to rebuild.
#[test]
fn a_component_that_cannot_load_says_which_step_failed() {
    let engine = engine::new_engine().expect("engine");
    let failure = |source: ComponentSource| {
        let spec = FormatSpec {
            name: "broken".into(),
            source,
            limits: limits(),
        };
        match LoadedFormat::load_or_reuse(&engine, &spec, Duration::from_millis(5), 1, None) {
            Err(crate::runtime::RuntimeError::Load { failure, .. }) => failure,
            Err(other) => panic!("not a load error: {other}"),
            Ok(_) => panic!("loaded"),
        }
    };
    use crate::runtime::LoadFailure;
    assert_eq!(
        failure(ComponentSource::Builtin("no-such-format".into())),
        LoadFailure::NoBuiltin
    );
    let dir = std::env::temp_dir().join(format!("intake-edge-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    assert_eq!(
        failure(ComponentSource::File(dir.join("absent.wasm"))),
        LoadFailure::Unreadable
    );
    let garbage = dir.join("garbage.wasm");
    std::fs::write(&garbage, b"\0asm not really").expect("write");
    assert_eq!(failure(ComponentSource::File(garbage)), LoadFailure::NotAComponent);
    // A core module (not a component) that is valid WebAssembly is refused at the same step.
    let module = dir.join("module.wasm");
    std::fs::write(&module, b"\0asm\x01\0\0\0").expect("write");
    assert_eq!(failure(ComponentSource::File(module)), LoadFailure::NotAComponent);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The compiled rules and their caches do not grow with the variety of user agents: 10,240
/// distinct agents (browsers, mobiles, bots, libraries) keep nginx within the memory margin.
#[test]
fn many_distinct_user_agents_keep_a_web_format_within_its_memory_margin() {
    let format = load("nginx", ComponentSource::Builtin("nginx".into()));
    let (mut store, world) = format.instantiate().expect("instantiates");
    let browsers = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.{m}.{n} Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_{m}) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{v}.{n} Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:{v}.0) Gecko/20100101 Firefox/{v}.{n}",
        "Mozilla/5.0 (Linux; Android {m}; SM-G{n}F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS {m}_{n} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{v}.0 Mobile/15E148 Safari/604.1",
        "curl/{v}.{m}.{n}", "python-requests/2.{v}.{n}", "Googlebot/2.1 (+http://www.google.com/bot.html) v{v}{m}{n}",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) {v}.{m}.{n}",
        "Dalvik/2.1.0 (Linux; U; Android {m}; Pixel {n} Build/TQ{v})"];
    let mut max = 0;
    for round in 0..20 {
        let lines: Vec<String> = (0..512)
            .map(|i| {
                let b = browsers[(i + round) % browsers.len()];
                let ua = b
                    .replace("{v}", &(60 + (i * 7 + round) % 70).to_string())
                    .replace("{m}", &((i + round * 3) % 17).to_string())
                    .replace("{n}", &((i * 13 + round) % 997).to_string());
                format!("192.0.2.1 - - [08/Oct/2019:11:29:05 +0200] \"GET /x HTTP/1.1\" 200 5 \"-\" \"{ua}\"")
            })
            .collect();
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        call(&mut store, &world, &refs).expect("normalizes");
        max = max.max(store.data().limiter.memory_total());
    }
    eprintln!("nginx with 10,240 distinct agents: {} KiB", max >> 10);
    assert!(max * MEMORY_MARGIN <= 64 << 20, "{} KiB", max >> 10);
}
