use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use socialpub_ports::AssetFetchError;

use crate::{AssetFetchSettings, IpRange};

/// Why an address must not be fetched from: it is not on the public internet, so reaching it
/// from the service would let a post's asset URL probe our own network (SSRF).
///
/// The ranges are those the IANA IPv4 and IPv6 Special-Purpose Address Registries mark as not
/// globally reachable, plus cloud metadata endpoints and the operator's deny-list. The reason
/// goes to the log only; the client is told no more than "not publicly reachable".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForbiddenReason {
    Loopback,
    /// RFC 1918, IPv6 unique-local (`fc00::/7`) and deprecated site-local (`fec0::/10`).
    Private,
    LinkLocal,
    /// `0.0.0.0/8` ("this network") and `::`.
    Unspecified,
    Broadcast,
    /// `100.64.0.0/10`, carrier-grade NAT.
    SharedAddressSpace,
    Multicast,
    /// Reserved, deprecated or not allocated for unicast (`240.0.0.0/4`, the old 6to4 relay
    /// anycast block, anything outside `2000::/3`).
    Reserved,
    /// TEST-NET-1/2/3, `2001:db8::/32`, `3fff::/20`.
    Documentation,
    /// `198.18.0.0/15`.
    Benchmarking,
    /// `192.0.0.0/24` and `2001::/23`: protocol assignments, not hosts.
    ProtocolAssignments,
    /// NAT64 prefixes: the gateway translating them sits in the deployment's own network, and
    /// could reach whatever it reaches.
    Translation,
    /// Teredo (`2001::/32`), whose real endpoint is hidden in the address.
    Teredo,
    /// `100::/64`, the discard-only prefix.
    Discard,
    /// An instance metadata service, which hands out credentials to whatever asks from inside
    /// the instance. Refused even when private addresses are allowed.
    CloudMetadata,
    /// On the operator's deny-list (`ASSET_URL_DENY_CIDRS`). Refused even when private
    /// addresses are allowed.
    Denied,
}

impl fmt::Display for ForbiddenReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Loopback => "loopback",
            Self::Private => "private",
            Self::LinkLocal => "link-local",
            Self::Unspecified => "unspecified",
            Self::Broadcast => "broadcast",
            Self::SharedAddressSpace => "carrier-grade NAT",
            Self::Multicast => "multicast",
            Self::Reserved => "reserved",
            Self::Documentation => "documentation",
            Self::Benchmarking => "benchmarking",
            Self::ProtocolAssignments => "IETF protocol assignment",
            Self::Translation => "NAT64 translation",
            Self::Teredo => "Teredo",
            Self::Discard => "discard-only",
            Self::CloudMetadata => "cloud metadata",
            Self::Denied => "deny-listed",
        })
    }
}

use ForbiddenReason as R;

/// Instance metadata endpoints: AWS/GCP/Azure/Oracle (`169.254.169.254`, also link-local),
/// Azure's wire server (`168.63.129.16`, otherwise a public address), Alibaba
/// (`100.100.100.200`) and AWS over IPv6 (`fd00:ec2::254`).
const CLOUD_METADATA: [IpAddr; 4] = [
    IpAddr::V4(Ipv4Addr::new(169, 254, 169, 254)),
    IpAddr::V4(Ipv4Addr::new(168, 63, 129, 16)),
    IpAddr::V4(Ipv4Addr::new(100, 100, 100, 200)),
    IpAddr::V6(Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254)),
];

/// The IPv4 special-purpose registry's blocks that are not globally reachable, as
/// `(network, prefix length, reason)`; the first match decides, so a block nested in another
/// comes first. `192.0.0.9` and `192.0.0.10` (global anycast services) are refused with their
/// `/24`: no asset is served from them.
const SPECIAL_V4: [(Ipv4Addr, u8, ForbiddenReason); 16] = [
    (Ipv4Addr::new(0, 0, 0, 0), 8, R::Unspecified),
    (Ipv4Addr::new(10, 0, 0, 0), 8, R::Private),
    (Ipv4Addr::new(100, 64, 0, 0), 10, R::SharedAddressSpace),
    (Ipv4Addr::new(127, 0, 0, 0), 8, R::Loopback),
    (Ipv4Addr::new(169, 254, 0, 0), 16, R::LinkLocal),
    (Ipv4Addr::new(172, 16, 0, 0), 12, R::Private),
    (Ipv4Addr::new(192, 0, 0, 0), 24, R::ProtocolAssignments),
    (Ipv4Addr::new(192, 0, 2, 0), 24, R::Documentation),
    (Ipv4Addr::new(192, 88, 99, 0), 24, R::Reserved),
    (Ipv4Addr::new(192, 168, 0, 0), 16, R::Private),
    (Ipv4Addr::new(198, 18, 0, 0), 15, R::Benchmarking),
    (Ipv4Addr::new(198, 51, 100, 0), 24, R::Documentation),
    (Ipv4Addr::new(203, 0, 113, 0), 24, R::Documentation),
    (Ipv4Addr::new(224, 0, 0, 0), 4, R::Multicast),
    (Ipv4Addr::new(255, 255, 255, 255), 32, R::Broadcast),
    (Ipv4Addr::new(240, 0, 0, 0), 4, R::Reserved),
];

/// The IPv6 blocks that are not globally reachable and not judged by an embedded IPv4
/// address (IPv4-mapped, IPv4-compatible and 6to4 are), first match deciding. Anything else
/// outside `2000::/3`, the only block IANA allocates global unicast from, is refused after.
const SPECIAL_V6: [(Ipv6Addr, u8, ForbiddenReason); 13] = [
    (Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 0), 128, R::Unspecified),
    (Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 1), 128, R::Loopback),
    (
        Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0),
        96,
        R::Translation,
    ),
    (
        Ipv6Addr::new(0x64, 0xff9b, 1, 0, 0, 0, 0, 0),
        48,
        R::Translation,
    ),
    (Ipv6Addr::new(0x100, 0, 0, 0, 0, 0, 0, 0), 64, R::Discard),
    (Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 32, R::Teredo),
    (
        Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0),
        23,
        R::ProtocolAssignments,
    ),
    (
        Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0),
        32,
        R::Documentation,
    ),
    (
        Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0),
        20,
        R::Documentation,
    ),
    (Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7, R::Private),
    (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10, R::LinkLocal),
    (Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0), 10, R::Private),
    (Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8, R::Multicast),
];

/// Classifies an IP address: `Some(reason)` when it is not a globally reachable unicast
/// address, or is a cloud metadata endpoint.
///
/// IPv6 addresses that carry an IPv4 address the connection ends up at (IPv4-mapped
/// `::ffff:a.b.c.d`, the deprecated IPv4-compatible `::a.b.c.d`, and 6to4 `2002:aabb:ccdd::`)
/// are judged by that IPv4 address.
#[must_use]
pub fn classify_ip(ip: IpAddr) -> Option<ForbiddenReason> {
    let ip = match ip {
        IpAddr::V6(v6) => embedded_v4(v6).map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    };
    if CLOUD_METADATA.contains(&ip) {
        return Some(R::CloudMetadata);
    }
    match ip {
        IpAddr::V4(v4) => first_match(&SPECIAL_V4, v4.into()),
        IpAddr::V6(v6) => first_match(&SPECIAL_V6, v6.into()).or_else(|| {
            // Global unicast is 2000::/3; nothing else is allocated for it.
            (v6.segments()[0] & 0xe000 != 0x2000).then_some(R::Reserved)
        }),
    }
}

fn first_match<A: Into<IpAddr> + Copy>(
    table: &[(A, u8, ForbiddenReason)],
    ip: IpAddr,
) -> Option<ForbiddenReason> {
    table
        .iter()
        .find(|(network, len, _)| {
            IpRange::new((*network).into(), *len).is_some_and(|range| range.contains(ip))
        })
        .map(|(_, _, reason)| *reason)
}

/// The IPv4 address an IPv6 address leads to, if it embeds one.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    if let Some(mapped) = ip.to_ipv4_mapped() {
        return Some(mapped);
    }
    let s = ip.segments();
    let [.., a, b, c, d] = ip.octets();
    let ipv4_compatible = s[..6] == [0; 6] && !ip.is_loopback() && !ip.is_unspecified();
    if ipv4_compatible {
        return Some(Ipv4Addr::new(a, b, c, d));
    }
    // 6to4 (2002::/16): the relay delivers to the IPv4 address in bits 16..48.
    if s[0] == 0x2002 {
        let [hi_a, hi_b] = s[1].to_be_bytes();
        let [lo_a, lo_b] = s[2].to_be_bytes();
        return Some(Ipv4Addr::new(hi_a, hi_b, lo_a, lo_b));
    }
    None
}

/// Which addresses the fetcher may connect to, from [`AssetFetchSettings`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressPolicy {
    allow_private: bool,
    exceptions: Vec<SocketAddr>,
    denied: Vec<IpRange>,
}

impl AddressPolicy {
    #[must_use]
    pub fn from_settings(settings: &AssetFetchSettings) -> Self {
        Self {
            allow_private: settings.allow_private_addresses,
            exceptions: settings.extra_allowed_addresses.clone(),
            denied: settings.denied_ranges.clone(),
        }
    }

    /// Why `addr` must not be reached, if it must not. The deny-list and cloud metadata
    /// endpoints hold whatever else the settings allow.
    #[must_use]
    pub fn judge(&self, addr: SocketAddr) -> Option<ForbiddenReason> {
        let ip = addr.ip();
        let embedded = match ip {
            IpAddr::V6(v6) => embedded_v4(v6).map(IpAddr::V4),
            IpAddr::V4(_) => None,
        };
        let denied = self
            .denied
            .iter()
            .any(|range| range.contains(ip) || embedded.is_some_and(|v4| range.contains(v4)));
        if denied {
            return Some(R::Denied);
        }
        let class = classify_ip(ip);
        if class == Some(R::CloudMetadata) {
            return class;
        }
        if self.allow_private || self.exceptions.contains(&addr) {
            return None;
        }
        class
    }

    /// Refuses an address the service must not reach.
    ///
    /// The client learns only that the address is not publicly reachable: which range it
    /// fell in would map our network for an attacker. The reason is logged at WARN.
    ///
    /// # Errors
    /// [`AssetFetchError::ForbiddenAddress`].
    pub fn check(&self, addr: SocketAddr) -> Result<(), AssetFetchError> {
        match self.judge(addr) {
            None => Ok(()),
            Some(reason) => {
                tracing::warn!(address = %addr.ip(), %reason, "asset url refused: address not publicly reachable");
                Err(AssetFetchError::ForbiddenAddress)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(raw: &str) -> Option<ForbiddenReason> {
        classify_ip(raw.parse().unwrap())
    }

    /// One row per range: addresses inside it (refused for `reason`) and just outside it
    /// (allowed), so an off-by-one prefix length fails here.
    fn check_ranges(rows: &[(&str, ForbiddenReason, &[&str], &[&str])]) {
        for (range, reason, inside, outside) in rows {
            for raw in *inside {
                assert_eq!(class(raw), Some(*reason), "{raw} is in {range}");
            }
            for raw in *outside {
                assert_eq!(class(raw), None, "{raw} is next to {range}, and public");
            }
        }
    }

    #[test]
    fn ipv4_special_purpose_ranges() {
        check_ranges(&[
            (
                "0.0.0.0/8",
                R::Unspecified,
                &["0.0.0.0", "0.1.2.3", "0.255.255.255"],
                &["1.0.0.0"],
            ),
            (
                "10.0.0.0/8",
                R::Private,
                &["10.0.0.1", "10.255.255.255"],
                &["9.255.255.255", "11.0.0.0"],
            ),
            (
                "100.64.0.0/10",
                R::SharedAddressSpace,
                &["100.64.0.1", "100.127.255.254"],
                &["100.63.255.255", "100.128.0.0"],
            ),
            (
                "127.0.0.0/8",
                R::Loopback,
                &["127.0.0.1", "127.255.0.9"],
                &["126.255.255.255", "128.0.0.0"],
            ),
            (
                "169.254.0.0/16",
                R::LinkLocal,
                &["169.254.0.1", "169.254.255.255"],
                &["169.253.255.255", "169.255.0.0"],
            ),
            (
                "172.16.0.0/12",
                R::Private,
                &["172.16.0.1", "172.31.255.255"],
                &["172.15.255.255", "172.32.0.0"],
            ),
            (
                "192.0.0.0/24",
                R::ProtocolAssignments,
                &["192.0.0.1", "192.0.0.9", "192.0.0.170"],
                &["191.255.255.255", "192.0.1.0"],
            ),
            (
                "192.0.2.0/24",
                R::Documentation,
                &["192.0.2.1", "192.0.2.255"],
                &["192.0.3.0"],
            ),
            (
                "192.88.99.0/24",
                R::Reserved,
                &["192.88.99.1"],
                &["192.88.98.255", "192.88.100.0"],
            ),
            (
                "192.168.0.0/16",
                R::Private,
                &["192.168.1.1"],
                &["192.167.255.255", "192.169.0.0"],
            ),
            (
                "198.18.0.0/15",
                R::Benchmarking,
                &["198.18.0.1", "198.19.255.255"],
                &["198.17.255.255", "198.20.0.0"],
            ),
            (
                "198.51.100.0/24",
                R::Documentation,
                &["198.51.100.7"],
                &["198.51.99.255", "198.51.101.0"],
            ),
            (
                "203.0.113.0/24",
                R::Documentation,
                &["203.0.113.7"],
                &["203.0.112.255", "203.0.114.0"],
            ),
            (
                "224.0.0.0/4",
                R::Multicast,
                &["224.0.0.1", "239.255.255.250"],
                &["223.255.255.255"],
            ),
            (
                "240.0.0.0/4",
                R::Reserved,
                &["240.0.0.1", "255.255.255.254"],
                &[],
            ),
            (
                "255.255.255.255/32",
                R::Broadcast,
                &["255.255.255.255"],
                &[],
            ),
        ]);
    }

    #[test]
    fn ipv6_special_purpose_ranges() {
        check_ranges(&[
            ("::/128", R::Unspecified, &["::"], &[]),
            ("::1/128", R::Loopback, &["::1"], &[]),
            (
                "64:ff9b::/96",
                R::Translation,
                &["64:ff9b::808:808", "64:ff9b::7f00:1"],
                &[],
            ),
            (
                "64:ff9b:1::/48",
                R::Translation,
                &["64:ff9b:1::1", "64:ff9b:1:ffff::1"],
                &[],
            ),
            (
                "100::/64",
                R::Discard,
                &["100::1", "100::ffff:ffff:ffff:ffff"],
                &[],
            ),
            (
                "2001::/32",
                R::Teredo,
                &["2001::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2"],
                &[],
            ),
            (
                "2001::/23",
                R::ProtocolAssignments,
                &["2001:1::1", "2001:2::1", "2001:1ff::1"],
                &["2001:200::1"],
            ),
            (
                "2001:db8::/32",
                R::Documentation,
                &["2001:db8::1", "2001:db8:ffff::1"],
                &["2001:db9::1"],
            ),
            (
                "3fff::/20",
                R::Documentation,
                &["3fff::1", "3fff:fff::1"],
                &["3fff:1000::1", "3ffe:ffff::1"],
            ),
            ("fc00::/7", R::Private, &["fc00::1", "fd12:3456::1"], &[]),
            ("fe80::/10", R::LinkLocal, &["fe80::1", "febf::1"], &[]),
            ("fec0::/10", R::Private, &["fec0::1", "feff::1"], &[]),
            ("ff00::/8", R::Multicast, &["ff02::1", "ff0e::1"], &[]),
            (
                "outside 2000::/3",
                R::Reserved,
                &["4000::1", "5f00::1", "1::1", "e000::1", "100:0:0:1::1"],
                &["2000::1", "3ffe::1"],
            ),
        ]);
    }

    #[test]
    fn cloud_metadata_endpoints() {
        for raw in [
            "169.254.169.254",
            "168.63.129.16",
            "100.100.100.200",
            "fd00:ec2::254",
            "::ffff:169.254.169.254",
            "::ffff:168.63.129.16",
            "2002:a83f:8110::1",
        ] {
            assert_eq!(class(raw), Some(R::CloudMetadata), "{raw}");
        }
        assert_eq!(class("168.63.129.17"), None, "only the wire server itself");
    }

    #[test]
    fn ipv6_forms_embedding_ipv4_are_judged_by_the_ipv4_address() {
        let rows: &[(&str, Option<ForbiddenReason>)] = &[
            // IPv4-mapped
            ("::ffff:127.0.0.1", Some(R::Loopback)),
            ("::ffff:10.1.2.3", Some(R::Private)),
            ("::ffff:100.64.1.1", Some(R::SharedAddressSpace)),
            ("::ffff:192.0.2.1", Some(R::Documentation)),
            ("::ffff:198.18.0.1", Some(R::Benchmarking)),
            ("::ffff:8.8.8.8", None),
            // IPv4-compatible (deprecated)
            ("::192.168.0.1", Some(R::Private)),
            ("::127.0.0.1", Some(R::Loopback)),
            ("::0.0.0.2", Some(R::Unspecified)),
            ("::8.8.8.8", None),
            // 6to4: the IPv4 address sits in bits 16..48
            ("2002:7f00:1::1", Some(R::Loopback)),
            ("2002:c0a8:101::", Some(R::Private)),
            ("2002:a9fe:1::1", Some(R::LinkLocal)),
            ("2002:c000:201::1", Some(R::Documentation)),
            ("2002:0808:0808::1", None),
        ];
        for (raw, reason) in rows {
            assert_eq!(class(raw), *reason, "{raw}");
        }
    }

    #[test]
    fn public_addresses_are_allowed() {
        for raw in [
            "8.8.8.8",
            "1.1.1.1",
            "93.184.216.34",
            "192.31.196.1",
            "192.175.48.1",
            "223.255.255.255",
            "2606:4700:4700::1111",
            "2a00:1450:4001::200e",
            "2620:4f:8000::1",
        ] {
            assert_eq!(class(raw), None, "{raw}");
        }
    }

    fn addr(raw: &str) -> SocketAddr {
        raw.parse().unwrap()
    }

    #[test]
    fn the_policy_honours_the_settings() {
        let loopback = addr("127.0.0.1:8080");
        let strict = AddressPolicy::from_settings(&AssetFetchSettings::default());
        assert_eq!(
            strict.check(loopback),
            Err(AssetFetchError::ForbiddenAddress)
        );
        assert!(strict.check(addr("8.8.8.8:443")).is_ok());

        let open = AddressPolicy::from_settings(&AssetFetchSettings::allowing_private_addresses());
        assert!(open.check(loopback).is_ok());
        assert!(open.check(addr("[fd12::1]:80")).is_ok());

        let one_exception = AddressPolicy::from_settings(&AssetFetchSettings {
            extra_allowed_addresses: vec![loopback],
            ..AssetFetchSettings::default()
        });
        assert!(one_exception.check(loopback).is_ok());
        assert!(one_exception.check(addr("127.0.0.1:8081")).is_err());
    }

    #[test]
    fn metadata_and_the_deny_list_hold_even_when_private_addresses_are_allowed() {
        let settings = AssetFetchSettings {
            denied_ranges: IpRange::parse_list("203.0.114.0/24, 2a00:1450::/32").unwrap(),
            extra_allowed_addresses: vec![addr("169.254.169.254:80"), addr("203.0.114.9:443")],
            ..AssetFetchSettings::allowing_private_addresses()
        };
        let policy = AddressPolicy::from_settings(&settings);
        let cases = [
            ("169.254.169.254:80", Some(R::CloudMetadata)),
            ("[fd00:ec2::254]:80", Some(R::CloudMetadata)),
            ("203.0.114.9:443", Some(R::Denied)),
            ("[::ffff:203.0.114.9]:443", Some(R::Denied)),
            ("[2002:cb00:7209::1]:443", Some(R::Denied)),
            ("[2a00:1450:4001::200e]:443", Some(R::Denied)),
            ("203.0.115.1:443", None),
            ("10.0.0.1:80", None),
        ];
        for (raw, reason) in cases {
            assert_eq!(policy.judge(addr(raw)), reason, "{raw}");
        }
    }

    #[test]
    fn the_client_is_not_told_which_range_refused_it() {
        let strict = AddressPolicy::from_settings(&AssetFetchSettings::default());
        let messages: Vec<String> = [
            "10.0.0.1:80",
            "169.254.169.254:80",
            "[::1]:80",
            "192.0.2.1:80",
        ]
        .into_iter()
        .map(|raw| strict.check(addr(raw)).unwrap_err().to_string())
        .collect();
        assert!(messages.iter().all(|m| m == &messages[0]), "{messages:?}");
        for detail in ["10.0.0.1", "private", "metadata", "loopback", "169.254"] {
            assert!(!messages[0].contains(detail), "{}", messages[0]);
        }
    }
}
