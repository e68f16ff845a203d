//! Time at the edge: the clock is read once per command ([`now_unix_secs`]) and passed
//! down as Unix seconds; these helpers convert for rcgen and for people.

use std::time::{SystemTime, UNIX_EPOCH};

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::error::AdminError;

/// Seconds in a day, for the `--days` options.
pub const DAY_SECS: u64 = 24 * 60 * 60;

/// How far back a certificate's notBefore and a revocation list's thisUpdate are set, so
/// that a browser whose clock is a little behind the CA's still accepts a fresh one.
pub const CLOCK_SKEW_ALLOWANCE_SECS: u64 = 60 * 60;

/// The system clock, in Unix seconds.
pub fn now_unix_secs() -> Result<u64, AdminError> {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|since| since.as_secs())
        .map_err(|_| AdminError::Clock("before 1970"))
}

/// `unix_secs` as rcgen's date type.
pub fn to_offset_date_time(unix_secs: u64) -> Result<OffsetDateTime, AdminError> {
    i64::try_from(unix_secs)
        .ok()
        .and_then(|secs| OffsetDateTime::from_unix_timestamp(secs).ok())
        .ok_or(AdminError::Clock("a date beyond the year 9999"))
}

/// `unix_secs` for people, as RFC 3339 in UTC (`2026-12-03T18:10:22Z`).
pub fn display_date(unix_secs: u64) -> String {
    to_offset_date_time(unix_secs)
        .ok()
        .and_then(|date| date.format(&Rfc3339).ok())
        .unwrap_or_else(|| format!("{unix_secs} (Unix seconds)"))
}

/// `now + days`, refusing a count of days that is zero or beyond `max_days`.
pub fn days_after(
    now_unix_secs: u64,
    days: u64,
    max_days: u64,
    option: &'static str,
) -> Result<u64, AdminError> {
    if days == 0 || days > max_days {
        return Err(AdminError::invalid(
            option,
            format!("{days} days: use 1 to {max_days}"),
        ));
    }
    Ok(now_unix_secs.saturating_add(days * DAY_SECS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_print_as_rfc_3339_in_utc() {
        assert_eq!(display_date(0), "1970-01-01T00:00:00Z");
        assert_eq!(display_date(1_796_321_422), "2026-12-03T18:10:22Z");
    }

    #[test]
    fn zero_or_too_many_days_are_refused() {
        assert!(days_after(0, 0, 10, "days").is_err());
        assert!(days_after(0, 11, 10, "days").is_err());
        assert_eq!(days_after(5, 2, 10, "days").unwrap(), 5 + 2 * DAY_SECS);
    }
}
