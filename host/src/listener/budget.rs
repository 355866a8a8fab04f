//! The node's memory budget for data read from clients and not yet answered: HTTPS request
//! bodies and syslog/RELP batches draw from one pool of bytes. At the limit, new work waits
//! (stream connections stop reading, so TCP slows their senders) or is refused with the
//! protocol's "retry later" (HTTPS 503), and the node keeps serving what it holds.

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Bytes of buffered client data, node-wide.
#[derive(Debug)]
pub struct MemoryBudget {
    bytes: Arc<Semaphore>,
    total: usize,
}

/// Bytes held from the budget; given back when dropped.
#[derive(Debug, Default)]
pub struct Reservation {
    permit: Option<OwnedSemaphorePermit>,
}

/// The budget stayed exhausted for the whole wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the node holds its limit of {limit} bytes of client data; {wanted} more bytes waited {waited_ms} ms")]
pub struct BudgetExhausted {
    pub limit: usize,
    pub wanted: usize,
    pub waited_ms: u64,
}

impl MemoryBudget {
    pub fn new(total: usize) -> Arc<MemoryBudget> {
        let total = total.clamp(1, Semaphore::MAX_PERMITS);
        Arc::new(MemoryBudget {
            bytes: Arc::new(Semaphore::new(total)),
            total,
        })
    }

    /// A request for more than the whole budget is clamped to it: it then waits until the node
    /// holds nothing else, instead of forever.
    fn clamp(&self, bytes: usize) -> u32 {
        bytes.min(self.total).min(u32::MAX as usize) as u32
    }

    /// `bytes` now, or `None` if the budget has not that much free.
    pub fn try_reserve(&self, bytes: usize) -> Option<Reservation> {
        if bytes == 0 {
            return Some(Reservation::default());
        }
        self.bytes
            .clone()
            .try_acquire_many_owned(self.clamp(bytes))
            .ok()
            .map(|p| Reservation { permit: Some(p) })
    }

    /// `bytes`, waiting for them as long as it takes.
    pub async fn reserve(&self, bytes: usize) -> Reservation {
        if bytes == 0 {
            return Reservation::default();
        }
        match self.bytes.clone().acquire_many_owned(self.clamp(bytes)).await {
            Ok(p) => Reservation { permit: Some(p) },
            // The semaphore is never closed; an empty reservation is the harmless answer.
            Err(_) => Reservation::default(),
        }
    }

    /// `bytes`, waiting at most `wait`.
    pub async fn reserve_within(&self, bytes: usize, wait: Duration) -> Result<Reservation, BudgetExhausted> {
        if let Some(r) = self.try_reserve(bytes) {
            return Ok(r);
        }
        tokio::time::timeout(wait, self.reserve(bytes))
            .await
            .map_err(|_| BudgetExhausted {
                limit: self.total,
                wanted: bytes,
                waited_ms: wait.as_millis() as u64,
            })
    }

    /// Bytes held right now.
    pub fn in_use(&self) -> usize {
        self.total - self.bytes.available_permits()
    }

    pub fn total(&self) -> usize {
        self.total
    }
}

impl Reservation {
    pub fn bytes(&self) -> usize {
        self.permit.as_ref().map_or(0, |p| p.num_permits())
    }

    /// Holds `other`'s bytes too.
    pub fn merge(&mut self, other: Reservation) {
        match (&mut self.permit, other.permit) {
            (Some(mine), Some(theirs)) => mine.merge(theirs),
            (None, theirs) => self.permit = theirs,
            (Some(_), None) => {}
        }
    }

    /// Gives back all but `keep` bytes.
    pub fn shrink_to(&mut self, keep: usize) {
        let held = self.bytes();
        if held > keep {
            if let Some(p) = &mut self.permit {
                drop(p.split(held - keep));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reservations_are_bounded_and_given_back() {
        let budget = MemoryBudget::new(1000);
        let mut a = budget.try_reserve(600).expect("room");
        assert!(budget.try_reserve(500).is_none());
        let b = budget.try_reserve(400).expect("room");
        assert_eq!(budget.in_use(), 1000);
        let waited = budget.reserve_within(1, Duration::from_millis(20)).await;
        assert_eq!(waited.expect_err("full").wanted, 1);
        a.shrink_to(100);
        assert_eq!(budget.in_use(), 500);
        a.merge(b);
        assert_eq!(a.bytes(), 500);
        drop(a);
        assert_eq!(budget.in_use(), 0);
        // More than the whole budget is clamped to it, not refused forever.
        let all = budget
            .reserve_within(5000, Duration::from_millis(20))
            .await
            .expect("clamped");
        assert_eq!(all.bytes(), 1000);
    }
}
