use super::*;
use crate::config::{ComponentLimits, ComponentSource, FormatSpec};
use crate::event::{Event, Protocol};
use crate::runtime::engine;
use tokio::sync::{oneshot, Semaphore};

const SLOW: Duration = Duration::from_millis(50);

fn formats(n: usize) -> Vec<Arc<LoadedFormat>> {
    let engine = engine::new_engine().expect("engine");
    let spec = FormatSpec {
        name: "plain".into(),
        source: ComponentSource::Builtin("plain".into()),
        limits: ComponentLimits {
            deadline: Duration::from_secs(1),
            memory_bytes: 16 << 20,
            max_table_elements: 10_000,
            max_output_bytes: 1 << 20,
        },
    };
    (0..n)
        .map(|_| LoadedFormat::load_or_reuse(&engine, &spec, Duration::from_millis(5), 8, None).expect("loads"))
        .collect()
}

/// A job of `format` whose single event's raw text is `tag`.
fn job(format: &Arc<LoadedFormat>, tag: &str) -> Job {
    let room = Arc::new(Semaphore::new(2));
    let permits = (
        room.clone().try_acquire_owned().expect("room"),
        room.try_acquire_owned().expect("room"),
    );
    let event = Event::new(tag.into(), chrono::DateTime::UNIX_EPOCH, Protocol::Https);
    Job {
        format: format.clone(),
        events: vec![event],
        reply: oneshot::channel().0,
        _permits: permits,
    }
}

fn tag(job: &Job) -> &str {
    &job.events[0].raw
}

#[test]
fn formats_are_served_round_robin() {
    let f = formats(2);
    let q = JobQueue::new(2, SLOW);
    for t in ["a1", "a2", "a3"] {
        assert!(q.push(job(&f[0], t)).is_ok());
    }
    assert!(q.push(job(&f[1], "b1")).is_ok());
    let mut order = Vec::new();
    for _ in 0..4 {
        let j = q.pop(0).expect("a job");
        order.push(tag(&j).to_string());
        q.done(0, &j.format, Duration::ZERO);
    }
    assert_eq!(order, ["a1", "b1", "a2", "a3"]);
}

#[test]
fn slow_formats_never_take_the_last_free_worker() {
    let f = formats(2);
    let q = JobQueue::new(2, SLOW);
    // The first format's last call was slow (it hit its deadline, say).
    q.done(9, &f[0], SLOW);
    for t in ["s1", "s2"] {
        assert!(q.push(job(&f[0], t)).is_ok());
    }
    let first = q.pop(0).expect("a slow job while a worker stays free");
    assert_eq!(tag(&first), "s1");
    // Worker 1 may not take s2; it takes the fast format's job, queued after s2.
    assert!(q.push(job(&f[1], "fast")).is_ok());
    let second = q.pop(1).expect("the fast job");
    assert_eq!(tag(&second), "fast");
    q.done(1, &second.format, Duration::ZERO);
    // With only the slow job left and worker 0 busy on s1, worker 1 waits...
    let waiter = std::thread::scope(|s| {
        let handle = s.spawn(|| q.pop(1).map(|j| tag(&j).to_string()));
        std::thread::sleep(Duration::from_millis(100));
        assert!(!handle.is_finished(), "a slow job took the last free worker");
        // ...until s1 is done.
        q.done(0, &first.format, SLOW);
        handle.join().expect("no panic")
    });
    assert_eq!(waiter.as_deref(), Some("s2"));
}

#[test]
fn a_format_becomes_slow_while_its_call_runs() {
    let f = formats(1);
    let q = JobQueue::new(2, SLOW);
    for t in ["x1", "x2"] {
        assert!(q.push(job(&f[0], t)).is_ok());
    }
    let running = q.pop(0).expect("x1");
    std::thread::sleep(SLOW + Duration::from_millis(10));
    // x1 has run for longer than SLOW: x2 may not take the last free worker...
    let taken = std::thread::scope(|s| {
        let handle = s.spawn(|| q.pop(1).map(|j| tag(&j).to_string()));
        std::thread::sleep(Duration::from_millis(100));
        assert!(!handle.is_finished(), "a format running long took the last free worker");
        // ...until that call ends (and was fast after all: the flag says so).
        q.done(0, &running.format, Duration::ZERO);
        handle.join().expect("no panic")
    });
    assert_eq!(taken.as_deref(), Some("x2"));
}

#[test]
fn a_fast_format_may_use_every_worker() {
    let f = formats(1);
    let q = JobQueue::new(2, SLOW);
    for t in ["x1", "x2"] {
        assert!(q.push(job(&f[0], t)).is_ok());
    }
    assert!(q.pop(0).is_some());
    assert!(q.pop(1).is_some(), "the second worker takes the second job at once");
}

#[test]
fn closing_drains_then_stops() {
    let f = formats(1);
    let q = JobQueue::new(1, SLOW);
    assert!(q.push(job(&f[0], "last")).is_ok());
    q.close();
    assert!(q.push(job(&f[0], "late")).is_err(), "no job after close");
    assert_eq!(q.pop(0).map(|j| tag(&j).to_string()).as_deref(), Some("last"));
    assert!(q.pop(0).is_none());
}
