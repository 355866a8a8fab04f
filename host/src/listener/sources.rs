//! Connections per source address, across every listener of the node: one host (an IPv4
//! address, or an IPv6 /64, which one subscriber usually holds whole) cannot take the slots
//! that the global connection limit keeps for everyone.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// Where a connection comes from, as far as the limit is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SourceKey(u128);

impl SourceKey {
    pub fn of(ip: IpAddr) -> SourceKey {
        match ip {
            IpAddr::V4(v4) => SourceKey(u128::from(u32::from(v4))),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => SourceKey(u128::from(u32::from(v4))),
                // The /64 prefix, tagged so that it never equals an IPv4 key.
                None => SourceKey((u128::from(v6) & !u128::from(u64::MAX)) | 1),
            },
        }
    }
}

#[derive(Debug)]
pub struct SourceLimiter {
    max: usize,
    open: Mutex<HashMap<SourceKey, usize>>,
}

/// One admitted connection; gives its slot back when dropped.
#[derive(Debug)]
pub struct SourceSlot {
    limiter: Arc<SourceLimiter>,
    key: SourceKey,
}

impl SourceLimiter {
    pub fn new(max_per_source: usize) -> Arc<SourceLimiter> {
        Arc::new(SourceLimiter {
            max: max_per_source.max(1),
            open: Mutex::new(HashMap::new()),
        })
    }

    /// A slot for a connection from `ip`, or `None` when that source holds its limit.
    pub fn admit(self: &Arc<Self>, ip: IpAddr) -> Option<SourceSlot> {
        let key = SourceKey::of(ip);
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(key).or_insert(0);
        if *n >= self.max {
            return None;
        }
        *n += 1;
        Some(SourceSlot {
            limiter: self.clone(),
            key,
        })
    }

    /// Connections open from `ip`'s source now.
    pub fn open_from(&self, ip: IpAddr) -> usize {
        let open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        open.get(&SourceKey::of(ip)).copied().unwrap_or(0)
    }
}

impl Drop for SourceSlot {
    fn drop(&mut self) {
        let mut open = self.limiter.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                // Keep the map as small as the set of sources connected now.
                open.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_holds_at_most_its_limit() {
        let limiter = SourceLimiter::new(2);
        let a: IpAddr = "10.0.0.1".parse().expect("ip");
        let b: IpAddr = "10.0.0.2".parse().expect("ip");
        let s1 = limiter.admit(a).expect("first");
        let _s2 = limiter.admit(a).expect("second");
        assert!(limiter.admit(a).is_none());
        assert!(limiter.admit(b).is_some(), "another source is not affected");
        drop(s1);
        assert!(limiter.admit(a).is_some());
    }

    #[test]
    fn ipv6_counts_by_64_and_mapped_v4_as_v4() {
        let x: IpAddr = "2001:db8:1:2::1".parse().expect("ip");
        let y: IpAddr = "2001:db8:1:2:ffff::9".parse().expect("ip");
        let z: IpAddr = "2001:db8:1:3::1".parse().expect("ip");
        assert_eq!(SourceKey::of(x), SourceKey::of(y));
        assert_ne!(SourceKey::of(x), SourceKey::of(z));
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().expect("ip");
        let v4: IpAddr = "10.0.0.1".parse().expect("ip");
        assert_eq!(SourceKey::of(mapped), SourceKey::of(v4));
    }

    #[test]
    fn the_map_forgets_closed_sources() {
        let limiter = SourceLimiter::new(5);
        let a: IpAddr = "10.0.0.1".parse().expect("ip");
        let slot = limiter.admit(a).expect("slot");
        assert_eq!(limiter.open_from(a), 1);
        drop(slot);
        assert_eq!(limiter.open_from(a), 0);
        assert!(limiter.open.lock().expect("lock").is_empty());
    }
}
