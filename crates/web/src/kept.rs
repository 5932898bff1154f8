//! What pages keep between requests: values computed from many rows, each kept with what tells
//! whether it still holds (a version the request reads from the database with the page).

use crate::error::AppResult;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

/// At most `capacity` values by id, computed once however many requests ask at the same time.
pub struct Kept<V> {
    capacity: usize,
    entries: Mutex<HashMap<i64, Arc<V>>>,
    /// Taken to compute, so that concurrent requests that miss compute once.
    turn: tokio::sync::Mutex<()>,
}

impl<V> Kept<V> {
    pub fn new(capacity: usize) -> Kept<V> {
        Kept {
            capacity,
            entries: Mutex::new(HashMap::new()),
            turn: tokio::sync::Mutex::new(()),
        }
    }

    fn get(&self, id: i64, current: &impl Fn(&V) -> bool) -> Option<Arc<V>> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.get(&id).filter(|v| current(v)).cloned()
    }

    /// The value kept for `id` if `current` says it still holds; otherwise `compute`'s, kept.
    /// `compute` must read the data after the version `current` compares with: the value is
    /// then at least as new as what it is kept for, and a later change can only make it be
    /// computed again, never shown stale.
    pub async fn get_or_compute<Fut>(
        &self,
        id: i64,
        current: impl Fn(&V) -> bool,
        compute: impl FnOnce() -> Fut,
    ) -> AppResult<Arc<V>>
    where
        Fut: Future<Output = AppResult<V>>,
    {
        if let Some(v) = self.get(id, &current) {
            return Ok(v);
        }
        let _turn = self.turn.lock().await;
        if let Some(v) = self.get(id, &current) {
            return Ok(v);
        }
        let v = Arc::new(compute().await?);
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= self.capacity && !entries.contains_key(&id) {
            // Any other entry: kept values are only a saving, and a full map is rare.
            if let Some(&other) = entries.keys().next() {
                entries.remove(&other);
            }
        }
        entries.insert(id, v.clone());
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::Kept;

    #[tokio::test]
    async fn a_value_is_computed_again_only_when_it_no_longer_holds() {
        let kept: Kept<(u32, &str)> = Kept::new(1);
        let version = |v: u32| move |k: &(u32, &str)| k.0 == v;
        let a = kept
            .get_or_compute(1, version(1), || async { Ok((1, "calculé")) })
            .await
            .expect("computed");
        let b = kept
            .get_or_compute(1, version(1), || async { Ok((1, "ne doit pas servir")) })
            .await
            .expect("kept");
        assert_eq!(b.1, a.1);
        let c = kept
            .get_or_compute(1, version(2), || async { Ok((2, "nouvelle version")) })
            .await
            .expect("computed again");
        assert_eq!(c.1, "nouvelle version");
        // Capacity 1: another id takes the place.
        kept.get_or_compute(2, version(1), || async { Ok((1, "autre")) })
            .await
            .expect("other");
        let d = kept
            .get_or_compute(1, version(2), || async { Ok((2, "recalculé")) })
            .await
            .expect("computed once more");
        assert_eq!(d.1, "recalculé");
    }
}
