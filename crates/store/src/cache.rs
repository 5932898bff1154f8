//! Values read once and kept: only for rows that never change once written, so that an entry
//! can never be stale, whatever another process or server writes meanwhile.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

/// The values by id, and the ids in the order they came in.
type Entries<V> = (HashMap<i64, Arc<V>>, VecDeque<i64>);

/// At most `capacity` values by row id; the oldest entry leaves first.
pub(crate) struct Immutable<V> {
    capacity: usize,
    inner: Mutex<Entries<V>>,
}

impl<V> Immutable<V> {
    pub(crate) fn new(capacity: usize) -> Immutable<V> {
        Immutable {
            capacity,
            inner: Mutex::new((HashMap::new(), VecDeque::new())),
        }
    }

    pub(crate) fn get(&self, id: i64) -> Option<Arc<V>> {
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.0.get(&id).cloned()
    }

    pub(crate) fn insert(&self, id: i64, value: Arc<V>) {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let (map, order) = &mut *inner;
        if map.insert(id, value).is_none() {
            order.push_back(id);
        }
        while order.len() > self.capacity {
            if let Some(old) = order.pop_front() {
                map.remove(&old);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_entry_leaves_first_and_a_read_finds_what_was_kept() {
        let cache = Immutable::new(2);
        cache.insert(1, Arc::new("un"));
        cache.insert(2, Arc::new("deux"));
        cache.insert(2, Arc::new("deux"));
        assert_eq!(cache.get(1).as_deref(), Some(&"un"));
        cache.insert(3, Arc::new("trois"));
        assert_eq!(cache.get(1), None);
        assert_eq!(cache.get(2).as_deref(), Some(&"deux"));
        assert_eq!(cache.get(3).as_deref(), Some(&"trois"));
    }
}
