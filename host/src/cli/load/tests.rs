//! The loader from the command line's point of view: real arguments parsed by clap, a real file.

use super::*;
use crate::cli::events::EventsCommand;
use crate::cli::{Cli, Command};
use clap::Parser;
use std::sync::atomic::{AtomicU32, Ordering};

/// A configuration file in a fresh directory, removed on drop.
struct TempConfig(PathBuf);

impl TempConfig {
    fn new(text: &str) -> TempConfig {
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "intake-edge-cli-load-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("intakes.toml"), text).expect("write config");
        TempConfig(dir)
    }

    fn path(&self) -> String {
        self.0.join("intakes.toml").display().to_string()
    }
}

impl Drop for TempConfig {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn parse(args: &[&str]) -> Command {
    Cli::try_parse_from(std::iter::once("intake-edge").chain(args.iter().copied()))
        .expect("valid command line")
        .command
}

/// The source of a command that reads the configuration, as its module builds it.
fn source(command: Command) -> Source {
    match command {
        Command::Serve(args) => args.source(),
        Command::Check(args) => args.source(),
        Command::Events(EventsCommand::List(args)) => args.store.source(),
        _ => panic!("no source for this command in these tests"),
    }
}

#[test]
fn data_dir_on_the_command_line_wins_over_the_file() {
    let file = TempConfig::new("data_dir = \"from-file\"\n");
    let from_file = source(parse(&["events", "list", "--config", &file.path()]))
        .load()
        .expect("valid");
    assert_eq!(from_file.data_dir, file.0.join("from-file"));
    let command = parse(&[
        "events",
        "list",
        "--config",
        &file.path(),
        "--data-dir",
        "/srv/elsewhere",
    ]);
    let config = source(command).load().expect("valid");
    assert_eq!(config.data_dir, Path::new("/srv/elsewhere"));
    assert_eq!(config.store_path(), Path::new("/srv/elsewhere/events.sqlite3"));
}

#[test]
fn serve_overrides_are_applied_before_validation() {
    let file = TempConfig::new("");
    let local = source(parse(&["serve", "--config", &file.path(), "--admin", "127.0.0.1:8444"]))
        .load()
        .expect("a loopback admin listener needs no token");
    assert!(local.admin.enabled);
    assert_eq!(local.admin.listen.to_string(), "127.0.0.1:8444");
    // The file alone is valid; the override exposes the admin API without a token.
    assert!(source(parse(&["check", "--config", &file.path()])).load().is_ok());
    let exposed = source(parse(&["serve", "--config", &file.path(), "--admin", "0.0.0.0:8444"]))
        .load()
        .expect_err("an exposed admin listener without a token")
        .to_string();
    assert!(exposed.contains("admin.token is not set"), "{exposed}");
}

#[test]
fn serve_passes_every_listen_address() {
    let file = TempConfig::new("");
    let command = parse(&[
        "serve",
        "--config",
        &file.path(),
        "--https",
        "127.0.0.1:1",
        "--syslog",
        "127.0.0.1:2",
        "--relp",
        "127.0.0.1:3",
    ]);
    let config = source(command).load().expect("valid");
    assert_eq!(config.https_listen.to_string(), "127.0.0.1:1");
    assert!(config.syslog.enabled && config.relp.enabled);
    assert_eq!(config.syslog.listen.to_string(), "127.0.0.1:2");
    assert_eq!(config.relp.listen.to_string(), "127.0.0.1:3");
}

#[test]
fn a_named_file_must_exist_even_for_commands_with_defaults() {
    let file = TempConfig::new("");
    let missing = file.0.join("missing.toml");
    let err = file_or_defaults(Some(&missing)).expect_err("missing file").to_string();
    assert!(err.contains("cannot read"), "{err}");
    let config = file_or_defaults(Some(Path::new(&file.path()))).expect("valid");
    assert_eq!(config.path, Path::new(&file.path()));
}
