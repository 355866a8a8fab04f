use super::*;

const MIB: usize = 1 << 20;

fn violation(e: wasmtime::Error) -> SandboxViolation {
    e.downcast_ref::<SandboxViolation>()
        .cloned()
        .unwrap_or_else(|| panic!("not a sandbox violation: {e:#}"))
}

#[test]
fn memories_are_capped_together_not_each() {
    let mut l = SandboxLimiter::new(16 * MIB, 100);
    // Three memories of 5 MiB each fit in 16 MiB...
    for _ in 0..3 {
        assert!(l.memory_growing(0, 5 * MIB, None).expect("fits"));
    }
    assert_eq!(l.memory_total(), 15 * MIB);
    // ...a fourth does not, though it alone is far under the cap.
    let e = l.memory_growing(0, 2 * MIB, None).expect_err("over the total");
    assert_eq!(
        violation(e),
        SandboxViolation::Memory {
            limit_bytes: 16 * MIB,
            requested_bytes: 17 * MIB
        }
    );
    assert_eq!(l.memory_total(), 15 * MIB, "a refused growth is not counted");
    // Growing one of them counts only the difference.
    assert!(l.memory_growing(5 * MIB, 6 * MIB, None).expect("fits"));
    assert_eq!(l.memory_total(), 16 * MIB);
}

#[test]
fn a_growth_past_the_declared_maximum_fails_without_a_trap() {
    let mut l = SandboxLimiter::new(16 * MIB, 100);
    assert!(!l.memory_growing(0, 2 * MIB, Some(MIB)).expect("no trap"));
    assert!(!l.table_growing(0, 20, Some(10)).expect("no trap"));
    assert_eq!((l.memory_total(), l.table_total()), (0, 0));
}

#[test]
fn a_growth_that_failed_is_taken_back() {
    let mut l = SandboxLimiter::new(16 * MIB, 100);
    assert!(l.memory_growing(0, MIB, None).expect("fits"));
    assert!(l.memory_growing(MIB, 9 * MIB, None).expect("fits"));
    l.memory_grow_failed(wasmtime::Error::msg("mmap failed"))
        .expect("not a trap");
    assert_eq!(l.memory_total(), MIB);
    assert!(l.table_growing(0, 60, None).expect("fits"));
    l.table_grow_failed(wasmtime::Error::msg("alloc failed"))
        .expect("not a trap");
    assert_eq!(l.table_total(), 0);
}

#[test]
fn table_elements_are_capped_together() {
    let mut l = SandboxLimiter::new(MIB, 100);
    assert!(l.table_growing(0, 60, None).expect("fits"));
    assert!(l.table_growing(0, 40, None).expect("fits"));
    let e = l.table_growing(40, 41, None).expect_err("over the total");
    assert_eq!(
        violation(e),
        SandboxViolation::TableElements {
            limit: 100,
            requested: 101
        }
    );
    // A huge request does not overflow the arithmetic.
    let e = l.table_growing(0, usize::MAX, None).expect_err("over the total");
    assert!(matches!(
        violation(e),
        SandboxViolation::TableElements { limit: 100, .. }
    ));
}

#[test]
fn the_messages_name_the_limit() {
    let m = SandboxViolation::Memory {
        limit_bytes: 16 * MIB,
        requested_bytes: 17 * MIB,
    };
    assert!(m.to_string().starts_with("exceeded its memory limit of 16 MiB"), "{m}");
    let t = SandboxViolation::TableElements {
        limit: 100,
        requested: 101,
    };
    assert!(
        t.to_string().starts_with("exceeded its table limit of 100 elements"),
        "{t}"
    );
}
