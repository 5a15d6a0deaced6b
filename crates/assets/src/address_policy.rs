use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use socialpub_ports::AssetFetchError;

use crate::AssetFetchSettings;

/// Why an address must not be fetched from: it is not on the public internet, so reaching it
/// from the service would let a post's asset URL probe our own network (SSRF).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForbiddenReason {
    Loopback,
    Private,
    LinkLocal,
    Unspecified,
    Broadcast,
    SharedAddressSpace,
    Multicast,
    Reserved,
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
        })
    }
}

/// Classifies an IP address: `Some(reason)` when it is not a public unicast address.
///
/// IPv6 addresses that embed an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, the deprecated
/// IPv4-compatible `::a.b.c.d`, and NAT64 `64:ff9b::a.b.c.d`) are judged by the embedded
/// address, since the connection ends up there.
#[must_use]
pub fn classify_ip(ip: IpAddr) -> Option<ForbiddenReason> {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn classify_v4(ip: Ipv4Addr) -> Option<ForbiddenReason> {
    let [a, b, _, _] = ip.octets();
    if ip.is_unspecified() {
        Some(ForbiddenReason::Unspecified)
    } else if ip.is_loopback() {
        Some(ForbiddenReason::Loopback)
    } else if ip.is_private() {
        Some(ForbiddenReason::Private)
    } else if ip.is_link_local() {
        Some(ForbiddenReason::LinkLocal)
    } else if ip.is_broadcast() {
        Some(ForbiddenReason::Broadcast)
    } else if a == 100 && (b & 0b1100_0000) == 64 {
        Some(ForbiddenReason::SharedAddressSpace)
    } else if ip.is_multicast() {
        Some(ForbiddenReason::Multicast)
    } else if a == 0 || a >= 240 {
        // 0.0.0.0/8 ("this network") and 240.0.0.0/4 (reserved for future use).
        Some(ForbiddenReason::Reserved)
    } else {
        None
    }
}

fn classify_v6(ip: Ipv6Addr) -> Option<ForbiddenReason> {
    if let Some(embedded) = embedded_v4(ip) {
        return classify_v4(embedded);
    }
    let first = ip.segments()[0];
    if ip.is_unspecified() {
        Some(ForbiddenReason::Unspecified)
    } else if ip.is_loopback() {
        Some(ForbiddenReason::Loopback)
    } else if (first & 0xfe00) == 0xfc00 {
        Some(ForbiddenReason::Private)
    } else if (first & 0xffc0) == 0xfe80 {
        Some(ForbiddenReason::LinkLocal)
    } else if (first & 0xffc0) == 0xfec0 {
        // Deprecated site-local addresses still route inside some networks.
        Some(ForbiddenReason::Private)
    } else if ip.is_multicast() {
        Some(ForbiddenReason::Multicast)
    } else {
        None
    }
}

/// The IPv4 address an IPv6 address stands for, if it embeds one.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    if let Some(mapped) = ip.to_ipv4_mapped() {
        return Some(mapped);
    }
    let s = ip.segments();
    let o = ip.octets();
    let tail = Ipv4Addr::new(o[12], o[13], o[14], o[15]);
    let ipv4_compatible = s[..6] == [0; 6] && !ip.is_loopback() && !ip.is_unspecified();
    let nat64 = s[..6] == [0x64, 0xff9b, 0, 0, 0, 0];
    (ipv4_compatible || nat64).then_some(tail)
}

/// Which addresses the fetcher may connect to, from [`AssetFetchSettings`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressPolicy {
    allow_private: bool,
    exceptions: Vec<SocketAddr>,
}

impl AddressPolicy {
    #[must_use]
    pub fn from_settings(settings: &AssetFetchSettings) -> Self {
        Self {
            allow_private: settings.allow_private_addresses,
            exceptions: settings.extra_allowed_addresses.clone(),
        }
    }

    /// Refuses an address the service must not reach.
    ///
    /// # Errors
    /// [`AssetFetchError::ForbiddenAddress`] naming the address and why.
    pub fn check(&self, addr: SocketAddr) -> Result<(), AssetFetchError> {
        if self.allow_private || self.exceptions.contains(&addr) {
            return Ok(());
        }
        match classify_ip(addr.ip()) {
            None => Ok(()),
            Some(reason) => Err(AssetFetchError::ForbiddenAddress(format!(
                "{} is a {reason} address",
                addr.ip()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(raw: &str) -> Option<ForbiddenReason> {
        classify_ip(raw.parse().unwrap())
    }

    #[test]
    fn public_addresses_are_allowed() {
        for raw in [
            "8.8.8.8",
            "1.1.1.1",
            "93.184.216.34",
            "100.63.255.255",
            "100.128.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "2606:4700:4700::1111",
            "2001:db8::1",
        ] {
            assert_eq!(class(raw), None, "{raw}");
        }
    }

    #[test]
    fn ipv4_special_ranges_are_refused() {
        use ForbiddenReason::*;
        let cases = [
            ("127.0.0.1", Loopback),
            ("127.255.0.9", Loopback),
            ("10.0.0.1", Private),
            ("172.16.0.1", Private),
            ("172.31.255.255", Private),
            ("192.168.1.1", Private),
            ("169.254.169.254", LinkLocal),
            ("0.0.0.0", Unspecified),
            ("0.1.2.3", Reserved),
            ("255.255.255.255", Broadcast),
            ("100.64.0.1", SharedAddressSpace),
            ("100.127.255.254", SharedAddressSpace),
            ("224.0.0.1", Multicast),
            ("239.255.255.250", Multicast),
            ("240.0.0.1", Reserved),
        ];
        for (raw, reason) in cases {
            assert_eq!(class(raw), Some(reason), "{raw}");
        }
    }

    #[test]
    fn ipv6_special_ranges_are_refused() {
        use ForbiddenReason::*;
        let cases = [
            ("::1", Loopback),
            ("::", Unspecified),
            ("fc00::1", Private),
            ("fd12:3456::1", Private),
            ("fe80::1", LinkLocal),
            ("febf::1", LinkLocal),
            ("fec0::1", Private),
            ("ff02::1", Multicast),
        ];
        for (raw, reason) in cases {
            assert_eq!(class(raw), Some(reason), "{raw}");
        }
    }

    #[test]
    fn ipv6_addresses_embedding_ipv4_are_judged_by_the_ipv4_address() {
        use ForbiddenReason::*;
        assert_eq!(class("::ffff:127.0.0.1"), Some(Loopback));
        assert_eq!(class("::ffff:10.1.2.3"), Some(Private));
        assert_eq!(class("::ffff:169.254.169.254"), Some(LinkLocal));
        assert_eq!(class("::ffff:100.64.1.1"), Some(SharedAddressSpace));
        assert_eq!(class("::192.168.0.1"), Some(Private));
        assert_eq!(class("64:ff9b::7f00:1"), Some(Loopback));
        assert_eq!(class("::ffff:8.8.8.8"), None);
        assert_eq!(class("64:ff9b::808:808"), None);
    }

    #[test]
    fn the_policy_honours_the_settings() {
        let loopback: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let strict = AddressPolicy::from_settings(&AssetFetchSettings::default());
        assert!(matches!(
            strict.check(loopback),
            Err(AssetFetchError::ForbiddenAddress(_))
        ));
        assert!(strict.check("8.8.8.8:443".parse().unwrap()).is_ok());

        let open = AddressPolicy::from_settings(&AssetFetchSettings::allowing_private_addresses());
        assert!(open.check(loopback).is_ok());

        let one_exception = AddressPolicy::from_settings(&AssetFetchSettings {
            extra_allowed_addresses: vec![loopback],
            ..AssetFetchSettings::default()
        });
        assert!(one_exception.check(loopback).is_ok());
        assert!(
            one_exception
                .check("127.0.0.1:8081".parse().unwrap())
                .is_err()
        );
    }
}
