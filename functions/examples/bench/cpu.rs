//! The CPU time the processes of a benchmark used (Linux `/proc`): this one and the stand-ins
//! `scripts/bench-store.sh` started (`KEZEK_BENCH_STAND_INS="dynamodb=PID moto=PID"`), so a
//! phase's figure says which process the machine's two cores were busy with.

use std::time::Duration;

/// Clock ticks per second of `/proc/<pid>/stat` (USER_HZ: 100 on Linux).
const TICKS_PER_SECOND: f64 = 100.0;

/// One process's user + system time so far, if `/proc` tells it.
fn cpu_time(pid: &str) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name (which is in parentheses and may hold spaces).
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_secs_f64(ticks as f64 / TICKS_PER_SECOND))
}

/// A reading of every process's CPU time, to subtract from a later one.
#[derive(Debug, Clone)]
pub struct CpuTimes(Vec<(String, Option<Duration>)>);

impl CpuTimes {
    pub fn now() -> Self {
        let mut processes = vec![("bench".to_owned(), "self".to_owned())];
        if let Ok(stand_ins) = std::env::var("KEZEK_BENCH_STAND_INS") {
            for named in stand_ins.split_whitespace() {
                if let Some((name, pid)) = named.split_once('=') {
                    processes.push((name.to_owned(), pid.to_owned()));
                }
            }
        }
        Self(processes.into_iter().map(|(name, pid)| (name, cpu_time(&pid))).collect())
    }

    /// "CPU: bench 12.3 s, dynamodb 45.6 s, moto 7.8 s" since `earlier`.
    pub fn since(&self, earlier: &CpuTimes) -> String {
        let used: Vec<String> = self
            .0
            .iter()
            .zip(&earlier.0)
            .map(|((name, now), (_, then))| match (now, then) {
                (Some(now), Some(then)) => {
                    format!("{name} {:.1} s", now.saturating_sub(*then).as_secs_f64())
                }
                _ => format!("{name} ?"),
            })
            .collect();
        format!("CPU: {}", used.join(", "))
    }
}
