//! Per-address limits (room creation, WebSocket opens) and the client address they key on.
//!
//! An IPv4 address is one key; an IPv6 address counts by its /64 network, because one
//! subscriber holds a whole /64 and could otherwise take a fresh budget per address.
//!
//! Memory is bounded: the limiter keeps two generations of at most half its capacity
//! each. A key seen is looked up in both; when the current generation is full, the older
//! one is dropped and the current one becomes it. A key untouched for a whole generation
//! is forgotten, which costs nothing when its bucket was full again anyway; only a churn
//! of more distinct networks than the capacity, all within one refill time, can make the
//! limiter forget a bucket still in use (that bucket then starts full again).
//!
//! Behind a reverse proxy every client arrives from the proxy's address: the proxies
//! listed as trusted have their `X-Forwarded-For` believed (see [`client_address`]);
//! no one else's is, since any client can write that header.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use super::bucket::{Rate, TokenBucket};

/// What a limiter counts per key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum AddressKey {
    V4(Ipv4Addr),
    /// The first 64 bits of an IPv6 address.
    V6Network(u64),
}

impl AddressKey {
    fn of(address: IpAddr) -> Self {
        match address {
            IpAddr::V4(v4) => Self::V4(v4),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Self::V4(v4),
                None => Self::V6Network((v6.to_bits() >> 64) as u64),
            },
        }
    }
}

/// One limit (a [`Rate`]) per client address, in bounded memory.
#[derive(Debug)]
pub struct AddressLimiter {
    rate: Rate,
    /// Most keys per generation.
    generation_capacity: usize,
    current: HashMap<AddressKey, TokenBucket>,
    previous: HashMap<AddressKey, TokenBucket>,
}

impl AddressLimiter {
    /// A limiter allowing `rate` per address, tracking at most `capacity` (at least 2)
    /// addresses.
    pub fn new(rate: Rate, capacity: usize) -> Self {
        Self {
            rate,
            generation_capacity: (capacity / 2).max(1),
            current: HashMap::new(),
            previous: HashMap::new(),
        }
    }

    /// Spends one unit for `address` at `now`, or returns how long until it may try
    /// again.
    pub fn spend(&mut self, address: IpAddr, now: Instant) -> Result<(), Duration> {
        let key = AddressKey::of(address);
        let mut bucket = match self.current.remove(&key) {
            Some(bucket) => bucket,
            None => self.previous.remove(&key).unwrap_or_default(),
        };
        let spent = bucket.spend(self.rate, now, 1);
        if !bucket.is_full(now) {
            if self.current.len() >= self.generation_capacity {
                self.previous = std::mem::take(&mut self.current);
            }
            self.current.insert(key, bucket);
        }
        spent
    }

    /// How many addresses are tracked.
    pub fn tracked(&self) -> usize {
        self.current.len() + self.previous.len()
    }
}

/// The client's address: the peer's, or, when the peer is a trusted proxy, the address
/// its `X-Forwarded-For` names. `forwarded_for` holds that header's values in order;
/// the list is read from the right (the hop the nearest proxy added), skipping trusted
/// proxies, and the first other address is the client. An entry that is no address
/// stops the walk at the proxy that passed it on.
pub fn client_address<'a>(
    peer: IpAddr,
    forwarded_for: impl DoubleEndedIterator<Item = &'a str>,
    trusted_proxies: &[IpAddr],
) -> IpAddr {
    let trusted = |address: IpAddr| trusted_proxies.contains(&address.to_canonical());
    let peer = peer.to_canonical();
    if !trusted(peer) {
        return peer;
    }
    let mut client = peer;
    let hops = forwarded_for.rev().flat_map(|value| value.rsplit(','));
    for hop in hops {
        let Some(address) = parse_hop(hop.trim()) else {
            return client;
        };
        client = address.to_canonical();
        if !trusted(client) {
            return client;
        }
    }
    client
}

/// One `X-Forwarded-For` entry: an address, perhaps with a port (`[v6]:port`, `v4:port`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|socket| socket.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn each_address_has_its_own_budget() {
        let mut limiter = AddressLimiter::new(Rate::new(2, 60).unwrap(), 100);
        let now = Instant::now();
        assert!(limiter.spend(ip("192.0.2.1"), now).is_ok());
        assert!(limiter.spend(ip("192.0.2.1"), now).is_ok());
        assert_eq!(
            limiter.spend(ip("192.0.2.1"), now),
            Err(Duration::from_secs(1))
        );
        assert!(limiter.spend(ip("192.0.2.2"), now).is_ok());
        // The same IPv4 address written as IPv6 is the same client.
        assert!(limiter.spend(ip("::ffff:192.0.2.1"), now).is_err());
    }

    #[test]
    fn an_ipv6_network_shares_one_budget() {
        let mut limiter = AddressLimiter::new(Rate::new(1, 60).unwrap(), 100);
        let now = Instant::now();
        assert!(limiter.spend(ip("2001:db8:1:2::1"), now).is_ok());
        assert!(limiter.spend(ip("2001:db8:1:2:ffff::9"), now).is_err());
        assert!(limiter.spend(ip("2001:db8:1:3::1"), now).is_ok());
    }

    #[test]
    fn memory_stays_bounded_and_recent_keys_stay_limited() {
        let mut limiter = AddressLimiter::new(Rate::new(1, 1).unwrap(), 1_000);
        let now = Instant::now();
        assert!(limiter.spend(ip("198.51.100.7"), now).is_ok());
        for n in 0..100_000u32 {
            let _ = limiter.spend(IpAddr::V4(Ipv4Addr::from(n)), now);
            assert!(limiter.tracked() <= 1_000);
        }
        // A churn of 100,000 networks made it forget the first one...
        assert!(limiter.spend(ip("198.51.100.7"), now).is_ok());
        // ...but a key in use within the last generation is still limited.
        assert!(limiter.spend(ip("198.51.100.7"), now).is_err());
        for n in 0..400u32 {
            let _ = limiter.spend(IpAddr::V4(Ipv4Addr::from(n)), now);
        }
        assert!(limiter.spend(ip("198.51.100.7"), now).is_err());
    }

    #[test]
    fn a_full_bucket_is_not_kept() {
        let mut limiter = AddressLimiter::new(Rate::new(5, 60).unwrap(), 100);
        let now = Instant::now();
        limiter.spend(ip("192.0.2.1"), now).unwrap();
        assert_eq!(limiter.tracked(), 1);
        limiter
            .spend(ip("192.0.2.1"), now + Duration::from_secs(3600))
            .unwrap();
        assert_eq!(limiter.tracked(), 1);
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxy = ip("10.0.0.1");
        let trusted = [proxy];
        let header = ["203.0.113.9"];
        // From a client directly: its own header is ignored.
        assert_eq!(
            client_address(ip("198.51.100.1"), header.into_iter(), &trusted),
            ip("198.51.100.1")
        );
        assert_eq!(
            client_address(proxy, header.into_iter(), &trusted),
            ip("203.0.113.9")
        );
        // A client's forged entries come first; the proxy appended the real one last.
        let forged = ["1.2.3.4, 5.6.7.8", "203.0.113.9"];
        assert_eq!(
            client_address(proxy, forged.into_iter(), &trusted),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_address(proxy, ["1.2.3.4, 203.0.113.9"].into_iter(), &trusted),
            ip("203.0.113.9")
        );
        // No header: the proxy itself.
        assert_eq!(client_address(proxy, std::iter::empty(), &trusted), proxy);
        // Nothing trusted (the default): the peer, whatever the header says.
        assert_eq!(client_address(proxy, header.into_iter(), &[]), proxy);
    }

    #[test]
    fn chained_proxies_are_skipped_and_garbage_stops_the_walk() {
        let trusted = [ip("10.0.0.1"), ip("10.0.0.2"), ip("::1")];
        assert_eq!(
            client_address(
                ip("10.0.0.1"),
                ["203.0.113.9, 10.0.0.2"].into_iter(),
                &trusted
            ),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_address(
                ip("::ffff:10.0.0.1"),
                ["[2001:db8::5]:443"].into_iter(),
                &trusted
            ),
            ip("2001:db8::5")
        );
        assert_eq!(
            client_address(
                ip("10.0.0.1"),
                ["203.0.113.9, garbage"].into_iter(),
                &trusted
            ),
            ip("10.0.0.1")
        );
        assert_eq!(
            client_address(
                ip("10.0.0.1"),
                ["203.0.113.9:80, 10.0.0.2"].into_iter(),
                &trusted
            ),
            ip("203.0.113.9")
        );
        // Everyone trusted: the farthest hop.
        assert_eq!(
            client_address(ip("::1"), ["10.0.0.2"].into_iter(), &trusted),
            ip("10.0.0.2")
        );
    }
}
