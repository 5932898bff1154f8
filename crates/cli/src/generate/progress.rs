//! A progress line on stderr — done / total, rate, time left — redrawn at most five times a
//! second, and nothing at all when stderr is not a terminal.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub struct Progress {
    label: &'static str,
    unit: &'static str,
    total: u64,
    done: AtomicU64,
    start: Instant,
    last_draw: Mutex<Option<Instant>>,
    enabled: bool,
}

/// « 2 min 05 s », « 41,3 s », « 1 h 03 min ».
pub fn duration_fr(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 {
        format!("{} h {:02} min", s / 3600, (s % 3600) / 60)
    } else if s >= 60 {
        format!("{} min {:02} s", s / 60, s % 60)
    } else {
        format!("{:.1} s", d.as_secs_f64()).replace('.', ",")
    }
}

impl Progress {
    pub fn new(label: &'static str, unit: &'static str, total: u64) -> Progress {
        Progress {
            label,
            unit,
            total,
            done: AtomicU64::new(0),
            start: Instant::now(),
            last_draw: Mutex::new(None),
            enabled: std::io::stderr().is_terminal(),
        }
    }

    pub fn add(&self, n: u64) {
        self.done.fetch_add(n, Ordering::Relaxed);
        if !self.enabled {
            return;
        }
        // A task that finds the line being drawn skips it: nobody waits for the terminal.
        let Ok(mut last) = self.last_draw.try_lock() else {
            return;
        };
        if last.is_some_and(|t| t.elapsed() < Duration::from_millis(200)) {
            return;
        }
        *last = Some(Instant::now());
        self.draw(false);
    }

    fn draw(&self, end: bool) {
        let done = self.done.load(Ordering::Relaxed).min(self.total);
        let elapsed = self.start.elapsed().as_secs_f64();
        let rate = if elapsed > 0.0 {
            done as f64 / elapsed
        } else {
            0.0
        };
        let width = 30usize;
        let filled = if self.total == 0 {
            width
        } else {
            (done as usize * width) / self.total as usize
        };
        let bar: String = "█".repeat(filled) + &"░".repeat(width - filled);
        let tail = if end {
            format!("en {}", duration_fr(self.start.elapsed()))
        } else if rate > 0.0 {
            let left = (self.total - done) as f64 / rate;
            format!("reste {}", duration_fr(Duration::from_secs_f64(left)))
        } else {
            String::new()
        };
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[2K{:<12} {bar} {done}/{} {} · {rate:.0}/s · {tail}",
            self.label, self.total, self.unit
        );
        if end {
            let _ = writeln!(err);
        }
        let _ = err.flush();
    }

    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    /// The last line, with the time taken.
    pub fn finish(&self) {
        if self.enabled {
            if let Ok(mut last) = self.last_draw.lock() {
                *last = Some(Instant::now());
            }
            self.draw(true);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations_read_in_french() {
        use std::time::Duration;
        assert_eq!(super::duration_fr(Duration::from_millis(41_340)), "41,3 s");
        assert_eq!(super::duration_fr(Duration::from_secs(125)), "2 min 05 s");
        assert_eq!(super::duration_fr(Duration::from_secs(3780)), "1 h 03 min");
    }
}
