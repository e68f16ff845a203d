//! What the servers under load cost, read from Linux's `/proc`: resident memory
//! (`/proc/PID/status`, `VmRSS`) and CPU time (`/proc/PID/stat`, `utime` + `stime`, every
//! thread of the process included). Parsing is separate from reading, for tests.

use std::time::Duration;

use super::LoadError;

/// Clock ticks per second in `/proc/PID/stat` (`USER_HZ`): 100 on every Linux
/// architecture Conclave builds for, whatever the kernel's own tick rate.
const TICKS_PER_SECOND: u64 = 100;

/// Memory and CPU time of one or more processes, summed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProcessSample {
    /// Resident memory, in bytes.
    pub rss_bytes: u64,
    /// User plus system CPU time since each process started.
    pub cpu: Duration,
}

/// Samples the processes `pids` (summed); `None` when there are none to watch.
pub fn sample(pids: &[u32]) -> Result<Option<ProcessSample>, LoadError> {
    if pids.is_empty() {
        return Ok(None);
    }
    let mut total = ProcessSample::default();
    for &pid in pids {
        let status = read_proc(pid, "status")?;
        let stat = read_proc(pid, "stat")?;
        let unreadable = || LoadError::ProcUnreadable {
            pid,
            problem: "unexpected format".to_owned(),
        };
        total.rss_bytes += rss_kib(&status).ok_or_else(unreadable)? * 1024;
        total.cpu += cpu_time(&stat).ok_or_else(unreadable)?;
    }
    Ok(Some(total))
}

fn read_proc(pid: u32, file: &str) -> Result<String, LoadError> {
    std::fs::read_to_string(format!("/proc/{pid}/{file}")).map_err(|error| {
        LoadError::ProcUnreadable {
            pid,
            problem: error.to_string(),
        }
    })
}

/// `VmRSS` in KiB from the text of `/proc/PID/status`.
fn rss_kib(status: &str) -> Option<u64> {
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let mut words = line.split_whitespace().skip(1);
    let kib = words.next()?.parse().ok()?;
    (words.next() == Some("kB")).then_some(kib)
}

/// `utime + stime` from the text of `/proc/PID/stat`. The command name (field 2) may
/// hold spaces and parentheses, so fields are counted after its last `)`.
fn cpu_time(stat: &str) -> Option<Duration> {
    let (_, after_name) = stat.rsplit_once(')')?;
    let mut fields = after_name.split_whitespace();
    // After the name: state (field 3) ... utime is field 14, stime field 15.
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    let ticks = utime + stime;
    Some(Duration::from_millis(ticks * 1000 / TICKS_PER_SECOND))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resident_memory_comes_from_vm_rss() {
        let status =
            "Name:\tconclave-server\nVmPeak:\t  9000 kB\nVmRSS:\t   12345 kB\nThreads:\t3\n";
        assert_eq!(rss_kib(status), Some(12345));
        assert_eq!(rss_kib("Name:\tx\n"), None);
        assert_eq!(rss_kib("VmRSS:\t12 pages\n"), None);
    }

    #[test]
    fn cpu_time_is_user_plus_system_ticks_after_the_name() {
        let stat = "4242 (node) relay) S 1 4242 4242 0 -1 4194560 900 0 0 0 250 75 0 0 20 0 11 0";
        assert_eq!(cpu_time(stat), Some(Duration::from_millis(3250)));
        assert_eq!(cpu_time("4242 (x) S 1"), None);
        assert_eq!(cpu_time("no name here"), None);
    }

    #[test]
    fn this_process_can_be_sampled_and_a_missing_one_is_an_error() {
        let own = sample(&[std::process::id()]).unwrap().unwrap();
        assert!(own.rss_bytes > 0);
        assert_eq!(sample(&[]).unwrap(), None);
        assert!(sample(&[u32::MAX]).is_err());
    }
}
