use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

/// A block of addresses in CIDR notation (`10.20.0.0/16`, `fd00:ec2::/32`); a bare address is
/// a block of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    network: IpAddr,
    prefix_len: u8,
}

/// A deny-list entry that is not an address or CIDR block.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not an IP address or CIDR block ({why})")]
pub struct IpRangeError {
    input: String,
    why: &'static str,
}

impl IpRange {
    /// The block of `prefix_len` leading bits of `network`; `None` when the length is longer
    /// than the address.
    #[must_use]
    pub fn new(network: IpAddr, prefix_len: u8) -> Option<Self> {
        (prefix_len <= max_prefix_len(network)).then_some(Self {
            network,
            prefix_len,
        })
    }

    /// Whether `ip` is inside the block. An IPv4 block never holds an IPv6 address: callers
    /// unwrap IPv4-mapped forms first.
    #[must_use]
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => same_prefix(
                u128::from(u32::from(net)),
                u128::from(u32::from(ip)),
                32,
                self.prefix_len,
            ),
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                same_prefix(u128::from(net), u128::from(ip), 128, self.prefix_len)
            }
            _ => false,
        }
    }

    /// Parses a list separated by commas or whitespace, as a setting holds it.
    ///
    /// # Errors
    /// The first entry that does not parse.
    pub fn parse_list(text: &str) -> Result<Vec<Self>, IpRangeError> {
        text.split(|c: char| c == ',' || c.is_whitespace())
            .filter(|entry| !entry.is_empty())
            .map(str::parse)
            .collect()
    }
}

fn max_prefix_len(ip: IpAddr) -> u8 {
    match ip {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    }
}

/// Whether the first `prefix_len` of `bits` leading bits agree.
fn same_prefix(a: u128, b: u128, bits: u32, prefix_len: u8) -> bool {
    let host_bits = bits - u32::from(prefix_len);
    a.checked_shr(host_bits).unwrap_or(0) == b.checked_shr(host_bits).unwrap_or(0)
}

impl FromStr for IpRange {
    type Err = IpRangeError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let error = |why| IpRangeError {
            input: input.chars().take(64).collect(),
            why,
        };
        let (address, prefix) = match input.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (input, None),
        };
        let network: IpAddr = address.parse().map_err(|_| error("bad address"))?;
        let prefix_len = match prefix {
            None => max_prefix_len(network),
            Some(prefix) => prefix.parse().map_err(|_| error("bad prefix length"))?,
        };
        Self::new(network, prefix_len).ok_or_else(|| error("prefix length too long"))
    }
}

impl fmt::Display for IpRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix_len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(raw: &str) -> IpRange {
        raw.parse().unwrap()
    }

    fn ip(raw: &str) -> IpAddr {
        raw.parse().unwrap()
    }

    #[test]
    fn blocks_hold_their_addresses_and_nothing_else() {
        let net = range("10.20.0.0/16");
        assert!(net.contains(ip("10.20.0.0")));
        assert!(net.contains(ip("10.20.255.255")));
        assert!(!net.contains(ip("10.21.0.0")));
        assert!(!net.contains(ip("::ffff:10.20.0.1")), "families never mix");

        let one = range("203.0.113.7");
        assert_eq!(one.to_string(), "203.0.113.7/32");
        assert!(one.contains(ip("203.0.113.7")));
        assert!(!one.contains(ip("203.0.113.8")));

        let everything = range("0.0.0.0/0");
        assert!(everything.contains(ip("255.255.255.255")));

        let v6 = range("fd00:ec2::/32");
        assert!(v6.contains(ip("fd00:ec2::254")));
        assert!(!v6.contains(ip("fd00:ec3::254")));
        assert!(range("::/0").contains(ip("2001:db8::1")));
        assert!(range("2001:db8::1/128").contains(ip("2001:db8::1")));
    }

    #[test]
    fn lists_take_commas_and_whitespace() {
        let list = IpRange::parse_list(" 10.0.0.0/8, 192.0.2.1\n fd00::/8 ,,").unwrap();
        assert_eq!(
            list,
            vec![
                range("10.0.0.0/8"),
                range("192.0.2.1/32"),
                range("fd00::/8")
            ]
        );
        assert_eq!(IpRange::parse_list("").unwrap(), vec![]);
    }

    #[test]
    fn bad_entries_are_named() {
        for bad in [
            "10.0.0.0/33",
            "::/129",
            "10.0.0/8",
            "host.example",
            "10.0.0.0/x",
            "/8",
        ] {
            let error = bad.parse::<IpRange>().unwrap_err();
            assert!(error.to_string().contains(bad), "{error}");
        }
        assert!(IpRange::parse_list("10.0.0.0/8, nope").is_err());
    }
}
