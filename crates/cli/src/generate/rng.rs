//! A small deterministic generator (SplitMix64): the same seed gives the same data set, on
//! every machine, whatever the order the tasks run in. Not for secrets.

/// SplitMix64 (Steele, Lea and Flood, 2014): one 64-bit state, a full period of 2^64.
#[derive(Debug, Clone)]
pub struct Rng(u64);

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    #[cfg(test)]
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// An independent stream for one thing of the data set (a school, a candidate…), named by
    /// a label and numbers: its draws do not depend on how many draws others made.
    pub fn stream(seed: u64, label: &str, ids: &[u64]) -> Rng {
        let mut h = mix(seed ^ GOLDEN);
        for b in label.bytes() {
            h = mix(h ^ u64::from(b));
        }
        for id in ids {
            h = mix(h.wrapping_add(GOLDEN) ^ *id);
        }
        Rng(h)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN);
        mix(self.0)
    }

    /// A number in `0..n` (0 when `n` is 0), without modulo bias worth speaking of (Lemire's
    /// multiply-shift).
    pub fn below(&mut self, n: usize) -> usize {
        let n = n as u128;
        ((u128::from(self.next_u64()) * n) >> 64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        if hi <= lo {
            return lo;
        }
        lo + self.below(hi - lo + 1)
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }

    /// A float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// One element of a non-empty slice (the first when empty is impossible to call: callers
    /// pass constant lists).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// An index drawn with the given weights (all zero: the first).
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|w| u64::from(*w)).sum();
        if total == 0 {
            return 0;
        }
        let mut x = self.below(total as usize) as u64;
        for (i, w) in weights.iter().enumerate() {
            let w = u64::from(*w);
            if x < w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }

    /// `k` distinct indices of `0..n`, in increasing order (all of them when `k >= n`).
    pub fn sample(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..n).collect();
        let k = k.min(n);
        for i in 0..k {
            let j = i + self.below(n - i);
            all.swap(i, j);
        }
        let mut out = all[..k].to_vec();
        out.sort_unstable();
        out
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_draws_and_streams_are_independent() {
        let a: Vec<u64> = (0..5).map(|_| Rng::new(7).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        let mut x = Rng::stream(7, "school", &[3]);
        let mut y = Rng::stream(7, "school", &[3]);
        let mut z = Rng::stream(7, "school", &[4]);
        let (xs, ys, zs): (Vec<u64>, Vec<u64>, Vec<u64>) = (0..4)
            .map(|_| (x.next_u64(), y.next_u64(), z.next_u64()))
            .fold((vec![], vec![], vec![]), |mut acc, (a, b, c)| {
                acc.0.push(a);
                acc.1.push(b);
                acc.2.push(c);
                acc
            });
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
        // The first value of SplitMix64 seeded with 0, from the reference implementation.
        assert_eq!(Rng::new(0).next_u64(), 0xE220_A839_7B1D_CDAF);
    }

    #[test]
    fn draws_stay_in_range() {
        let mut r = Rng::new(42);
        for _ in 0..10_000 {
            let v = r.range(20, 70);
            assert!((20..=70).contains(&v));
            assert!(r.unit() < 1.0);
        }
        assert_eq!(r.below(0), 0);
        let s = r.sample(10, 4);
        assert_eq!(s.len(), 4);
        assert!(s.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(r.weighted(&[0, 0, 5]), 2);
    }
}
