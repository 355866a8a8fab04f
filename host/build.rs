//! Builds the format components (`components/`, a separate wasm32-wasip2 workspace) from source
//! and tells the host where they are.
//!
//! - Runs `cargo build --release --locked --target wasm32-wasip2 --manifest-path
//!   components/Cargo.toml --target-dir <wasm dir>`, where `<wasm dir>` is `$CARGO_TARGET_DIR/wasm`
//!   if `CARGO_TARGET_DIR` is set (a relative one is taken from the workspace root), else
//!   `<repo>/target/wasm`. The nested cargo shares this build's jobserver (`CARGO_MAKEFLAGS`).
//! - Writes `$OUT_DIR/builtin_components.rs` with `BUILTIN_COMPONENTS` (`plain`, `json`, embedded
//!   with `include_bytes!`) and `COMPONENT_DIR` (where all the built `.wasm` files are, the
//!   hostile test components included), and sets `INTAKE_EDGE_COMPONENT_DIR` to the same
//!   directory for `env!`.
//! - Compiles the hostile test components written in WebAssembly text (what a Rust guest cannot
//!   express: several memories, a table grown at will) with the `wat` crate into the same
//!   directory: `components/testing/wat-shell.wat` with the fields of each one's `boom.wat`.
//! - With `INTAKE_EDGE_PREBUILT_COMPONENTS=<dir>`, builds nothing and takes the components from
//!   `<dir>` (the fuzz build: its nightly toolchain has no wasm32-wasip2 standard library).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::{env, fs};

const WASM_TARGET: &str = "wasm32-wasip2";
/// A directory of components already built (`<target>/wasm/wasm32-wasip2/release`) to embed
/// instead of building them: for a toolchain without the wasm target, such as the nightly
/// that `cargo fuzz` needs (host/fuzz/README.md).
const PREBUILT_VAR: &str = "INTAKE_EDGE_PREBUILT_COMPONENTS";
/// Components embedded in the host binary: (format name, file stem of the built `.wasm`).
const BUILTINS: &[(&str, &str)] = &[
    ("plain", "plain"),
    ("json", "json"),
    ("nginx", "nginx"),
    ("apache", "apache"),
    ("unbound", "unbound"),
    ("openssh", "openssh"),
    ("cef", "cef"),
    ("syslog", "syslog"),
    ("postfix", "postfix"),
    ("windows", "windows"),
    ("paloalto", "paloalto"),
    ("fortigate", "fortigate"),
    ("cisco-asa", "cisco_asa"),
    ("suricata", "suricata"),
    ("squid", "squid"),
    ("haproxy", "haproxy"),
    ("aws-cloudtrail", "aws_cloudtrail"),
    ("okta", "okta"),
    ("m365", "m365"),
];
/// Poller components embedded in the host binary (`component = "builtin:NAME"` in
/// `[intake.poll]`): (poller name, file stem of the built `.wasm`).
const POLLERS: &[(&str, &str)] = &[
    ("okta-poller", "okta_poller"),
    ("m365-poller", "m365_poller"),
    ("cloudtrail-poller", "cloudtrail_poller"),
];
/// Components that must exist after the build (the hostile ones are used by tests).
const EXPECTED: &[&str] = &[
    "plain",
    "json",
    "hostile_loop",
    "hostile_membomb",
    "hostile_panic",
    "hostile_sleep",
    "hostile_memories",
    "hostile_table",
    "hostile_poller",
];
/// Hostile components in WebAssembly text: (name, directory under `components/testing/`); each
/// is built as `<name with _>.wasm`.
const WAT_COMPONENTS: &[(&str, &str)] = &[
    ("hostile-memories", "hostile-memories"),
    ("hostile-table", "hostile-table"),
];
const WAT_SHELL: &str = "testing/wat-shell.wat";

/// Variables that a build script inherits from cargo (or the user set for the host build) and
/// that would misconfigure the nested build of a different workspace for a different target.
const REMOVED_VARS: &[&str] = &[
    "RUSTFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "CARGO_BUILD_RUSTFLAGS",
    "CARGO_BUILD_TARGET",
    "CARGO_BUILD_TARGET_DIR",
    "CARGO_TARGET_DIR",
    "CARGO_PRIMARY_PACKAGE",
    "CARGO_MANIFEST_DIR",
    "CARGO_MANIFEST_PATH",
    "CARGO_MANIFEST_LINKS",
    "CARGO_CRATE_NAME",
    "CARGO_RUSTC_CURRENT_DIR",
    // `cargo clippy` on the host sets this to clippy-driver: do not lint the guests with it.
    "RUSTC_WORKSPACE_WRAPPER",
    "RUSTDOC",
    "RUSTC_LINKER",
    "TARGET",
    "HOST",
    "OUT_DIR",
    "PROFILE",
    "OPT_LEVEL",
    "DEBUG",
    "NUM_JOBS",
];
/// Prefixes of removed variables: cfg/feature/package info of the host crate, and profile
/// overrides meant for the host (the guests' profile, `panic = "abort"` included, is theirs).
const REMOVED_PREFIXES: &[&str] = &[
    "CARGO_CFG_",
    "CARGO_FEATURE_",
    "CARGO_PKG_",
    "CARGO_PROFILE_",
    "__CARGO",
];

fn main() {
    let manifest_dir = PathBuf::from(env_var("CARGO_MANIFEST_DIR"));
    let repo = manifest_dir
        .parent()
        .expect("the host crate lives one level below the repository root")
        .to_path_buf();
    let components = repo.join("components");
    let out_dir = PathBuf::from(env_var("OUT_DIR"));

    println!("cargo:rerun-if-env-changed=CARGO_TARGET_DIR");
    emit_commit(&repo);
    watch(&repo.join("wit"));
    watch(&components.join("Cargo.toml"));
    watch(&components.join("Cargo.lock"));
    watch_crates(&components);
    // Crates outside `components/` that the guests use by path (the SDK's syslog grammar).
    watch(&repo.join("crates").join("syslog-grammar").join("Cargo.toml"));
    watch(&repo.join("crates").join("syslog-grammar").join("src"));

    println!("cargo:rerun-if-env-changed={PREBUILT_VAR}");
    let component_dir = match env::var_os(PREBUILT_VAR) {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            watch(&dir);
            dir
        }
        _ => {
            let wasm_dir = match env::var_os("CARGO_TARGET_DIR") {
                Some(dir) if !dir.is_empty() => repo.join(dir).join("wasm"),
                _ => repo.join("target").join("wasm"),
            };
            check_wasm_target();
            build_components(&components, &wasm_dir);
            let component_dir = wasm_dir.join(WASM_TARGET).join("release");
            build_wat_components(&components, &component_dir);
            component_dir
        }
    };

    for stem in EXPECTED {
        let path = component_dir.join(format!("{stem}.wasm"));
        assert!(
            path.is_file(),
            "the component build succeeded but {} is missing",
            path.display()
        );
    }

    let component_dir_str = utf8(&component_dir);
    let entries: Vec<String> = BUILTINS
        .iter()
        .map(|(name, stem)| {
            let path = utf8(&component_dir.join(format!("{stem}.wasm"))).to_owned();
            format!("({name:?}, include_bytes!({path:?}))")
        })
        .collect();
    let versions: Vec<String> = BUILTINS
        .iter()
        .map(|(name, _)| format!("({name:?}, {:?})", crate_version(&components, name)))
        .collect();
    // Each builtin's catalog entry (what its describe() says, checked by its own tests), so that
    // the catalog lists builtins no intake uses without compiling them.
    let catalog: Vec<String> = BUILTINS
        .iter()
        .map(|(name, _)| {
            let path = components.join(name).join("tests").join("catalog.json");
            assert!(
                path.is_file(),
                "{} is missing: run the component's tests with EDGE_FIXTURES_BLESS=1 to write it",
                path.display()
            );
            format!("({name:?}, include_str!({:?}))", utf8(&path))
        })
        .collect();
    let pollers: Vec<String> = POLLERS
        .iter()
        .map(|(name, stem)| {
            let path = utf8(&component_dir.join(format!("{stem}.wasm"))).to_owned();
            format!("({name:?}, include_bytes!({path:?}))")
        })
        .collect();
    let poller_versions: Vec<String> = POLLERS
        .iter()
        .map(|(name, _)| format!("({name:?}, {:?})", crate_version(&components, name)))
        .collect();
    let generated = format!(
        "pub const BUILTIN_POLLERS: &[(&str, &[u8])] = &[{}];\n\
         pub const BUILTIN_POLLER_VERSIONS: &[(&str, &str)] = &[{}];\n\
         pub const BUILTIN_COMPONENTS: &[(&str, &[u8])] = &[{}];\n\
         pub const BUILTIN_VERSIONS: &[(&str, &str)] = &[{}];\n\
         pub const BUILTIN_CATALOG: &[(&str, &str)] = &[{}];\n\
         pub const COMPONENT_DIR: &str = {component_dir_str:?};\n",
        pollers.join(", "),
        poller_versions.join(", "),
        entries.join(", "),
        versions.join(", "),
        catalog.join(", ")
    );
    let target = out_dir.join("builtin_components.rs");
    if fs::read_to_string(&target).ok().as_deref() != Some(generated.as_str()) {
        fs::write(&target, generated).unwrap_or_else(|e| panic!("cannot write {}: {e}", target.display()));
    }
    println!("cargo:rustc-env=INTAKE_EDGE_COMPONENT_DIR={component_dir_str}");
}

/// The commit built, for `--version`: `INTAKE_EDGE_COMMIT` when set (the packaging scripts set
/// it, so a shipped binary names its exact commit), else git's `HEAD` when this script last ran,
/// else "unknown". `.git` is not watched: a commit alone does not rebuild the host (minutes in
/// release), so a development build may name an earlier commit.
fn emit_commit(repo: &Path) {
    println!("cargo:rerun-if-env-changed=INTAKE_EDGE_COMMIT");
    let commit = env::var("INTAKE_EDGE_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(|| {
            Command::new("git")
                .arg("-C")
                .arg(repo)
                .args(["rev-parse", "--short=12", "HEAD"])
                .stderr(Stdio::null())
                .output()
                .ok()
                .filter(|o| o.status.success())
                .and_then(|o| String::from_utf8(o.stdout).ok())
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=INTAKE_EDGE_COMMIT={commit}");
}

/// A guest crate's version: its own `version = "…"`, else the components workspace's.
fn crate_version(components: &Path, name: &str) -> String {
    let version_in = |path: &Path| {
        fs::read_to_string(path).ok().and_then(|text| {
            text.lines().find_map(|line| {
                let rest = line.trim().strip_prefix("version")?.trim_start().strip_prefix('=')?;
                Some(rest.trim().trim_matches('"').to_string())
            })
        })
    };
    version_in(&components.join(name).join("Cargo.toml"))
        .or_else(|| version_in(&components.join("Cargo.toml")))
        .unwrap_or_else(|| "unknown".into())
}

fn env_var(name: &str) -> OsString {
    env::var_os(name).unwrap_or_else(|| panic!("cargo did not set {name}"))
}

fn utf8(path: &Path) -> &str {
    path.to_str()
        .unwrap_or_else(|| panic!("path is not UTF-8: {}", path.display()))
}

/// Reruns this script when `path` (a file, or any file under a directory) changes.
fn watch(path: &Path) {
    println!("cargo:rerun-if-changed={}", path.display());
}

/// Watches every crate of the components workspace (its `Cargo.toml` and `src/`).
fn watch_crates(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut subdirs = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !path.is_dir() || name.starts_with('.') || name == "target" {
            continue;
        }
        if path.join("Cargo.toml").is_file() {
            watch(&path.join("Cargo.toml"));
            watch(&path.join("src"));
            if path.join("build.rs").is_file() {
                watch(&path.join("build.rs"));
            }
        } else {
            subdirs.push(path);
        }
    }
    for subdir in subdirs {
        watch_crates(&subdir);
    }
}

/// Fails early, with the fix, when the toolchain has no wasm32-wasip2 standard library.
fn check_wasm_target() {
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let Ok(output) = Command::new(&rustc).args(["--print", "sysroot"]).output() else {
        return; // Let the nested cargo report whatever is wrong with rustc.
    };
    if !output.status.success() {
        return;
    }
    let sysroot = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    let target_lib = sysroot.join("lib").join("rustlib").join(WASM_TARGET);
    if !target_lib.is_dir() {
        panic!(
            "the Rust target {WASM_TARGET} is not installed (no {}): \
             run `rustup target add {WASM_TARGET}` to build the format components",
            target_lib.display()
        );
    }
}

/// Fills the shell with each WAT component's fields and compiles it to a component.
fn build_wat_components(components: &Path, component_dir: &Path) {
    let shell_path = components.join(WAT_SHELL);
    watch(&shell_path);
    let shell = fs::read_to_string(&shell_path).unwrap_or_else(|e| panic!("cannot read {}: {e}", shell_path.display()));
    for (name, dir) in WAT_COMPONENTS {
        let fields_path = components.join("testing").join(dir).join("boom.wat");
        watch(&fields_path);
        let fields =
            fs::read_to_string(&fields_path).unwrap_or_else(|e| panic!("cannot read {}: {e}", fields_path.display()));
        let text = shell
            .replace("{{NAME_LEN}}", &name.len().to_string())
            .replace("{{NAME}}", name)
            .replace("{{FIELDS}}", &fields);
        let bytes = wat::parse_str(&text).unwrap_or_else(|e| panic!("{} (in {WAT_SHELL}): {e}", fields_path.display()));
        let target = component_dir.join(format!("{}.wasm", name.replace('-', "_")));
        if fs::read(&target).ok().as_deref() != Some(bytes.as_slice()) {
            fs::write(&target, bytes).unwrap_or_else(|e| panic!("cannot write {}: {e}", target.display()));
        }
    }
}

fn build_components(components: &Path, wasm_dir: &Path) {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.arg("build")
        .arg("--release")
        .arg("--locked")
        .args(["--target", WASM_TARGET])
        .arg("--manifest-path")
        .arg(components.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(wasm_dir)
        .current_dir(components)
        // Cargo reads build script stdout for directives: keep the nested cargo off it.
        .stdout(Stdio::from(std::io::stderr()));
    for (key, _) in env::vars_os() {
        let Some(key) = key.to_str() else { continue };
        if REMOVED_VARS.contains(&key) || REMOVED_PREFIXES.iter().any(|p| key.starts_with(p)) {
            cmd.env_remove(key);
        }
    }
    // PATH, HOME, CARGO_HOME, RUSTUP_* and CARGO_MAKEFLAGS (the jobserver) are inherited.

    let status = cmd
        .status()
        .unwrap_or_else(|e| panic!("cannot run cargo to build the format components: {e}"));
    if !status.success() {
        panic!(
            "building the format components failed ({status}); the command was {cmd:?}. \
             If the error is about a missing `core`/`std` for {WASM_TARGET}, \
             run `rustup target add {WASM_TARGET}`"
        );
    }
}
