//! Listening addresses and whether a connection reaches them, as the Linux
//! kernel and nginx decide it:
//! - `0.0.0.0` accepts any IPv4 destination of the host; `::` accepts IPv6
//!   and, with Linux's default `net.ipv6.bindv6only = 0`, IPv4 too;
//! - `127.0.0.1` (or any other address) accepts only itself;
//! - nginx resolves `localhost` to both `127.0.0.1` and `::1` and tries both;
//!   a backend given the host name `localhost` binds IPv4 (gunicorn's
//!   `_sock_type` picks IPv6 only for a literal IPv6 address);
//! - a container or service name is another host: it never reaches a
//!   loopback bind in another container.
//!
//! Sources: reference/backend-semantics.md (gunicorn `util.parse_address`,
//! `sock.py`; uvicorn `config.py`), Linux ipv6(7) `bindv6only`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The host part of a listening address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindHost {
    /// `0.0.0.0`, `*`, or an empty host (`:8000`).
    AnyV4,
    /// `::` / `[::]`: IPv6 and (Linux default) IPv4.
    AnyV6,
    Ip(IpAddr),
    /// A name the backend resolves when it binds (`localhost`, a hostname).
    Name(String),
}

/// Where a backend listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bind {
    Tcp {
        host: BindHost,
        port: u16,
    },
    Unix {
        path: String,
    },
    /// An inherited file descriptor (`fd://3`, systemd socket activation).
    Fd(String),
}

/// Parse a bind the way gunicorn's `util.parse_address` does:
/// `unix:PATH`, `unix://PATH`, `fd://N`, optional `tcp://`, `[v6]:port`,
/// `host` alone (port `default_port`), `:port` (all interfaces).
pub fn parse_bind(s: &str, default_port: u16) -> Option<Bind> {
    let s = s.trim();
    if let Some(path) = s.strip_prefix("unix://").or_else(|| s.strip_prefix("unix:")) {
        return (!path.is_empty()).then(|| Bind::Unix { path: path.to_owned() });
    }
    if let Some(fd) = s.strip_prefix("fd://") {
        return Some(Bind::Fd(fd.to_owned()));
    }
    let s = s.strip_prefix("tcp://").unwrap_or(s);
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (h, p) = rest.split_once(']')?;
        (h, p.strip_prefix(':'))
    } else if s.matches(':').count() > 1 {
        // A bare IPv6 address without brackets.
        (s, None)
    } else {
        match s.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (s, None),
        }
    };
    let port = match port {
        Some(p) => p.parse().ok()?,
        None => default_port,
    };
    let host = match host {
        "" | "*" | "0.0.0.0" => BindHost::AnyV4,
        "::" => BindHost::AnyV6,
        h => match h.parse::<IpAddr>() {
            Ok(IpAddr::V6(v6)) if v6 == Ipv6Addr::UNSPECIFIED => BindHost::AnyV6,
            Ok(ip) => BindHost::Ip(ip),
            Err(_) => BindHost::Name(h.to_ascii_lowercase()),
        },
    };
    Some(Bind::Tcp { host, port })
}

/// How well a connection to `host:port` (as nginx writes it) reaches a bind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Same port, and the kernel delivers the connection to this socket.
    Yes,
    /// Same port, but the host parts cannot meet (`127.0.0.2` vs
    /// `127.0.0.1`, a service name vs a loopback bind).
    HostMismatch,
    /// Another port or another kind of socket.
    No,
}

fn is_loopback_name(h: &str) -> bool {
    h == "localhost" || h == "localhost.localdomain" || h == "ip6-localhost"
}

/// The addresses a target host name stands for, when known statically:
/// `localhost` is `127.0.0.1` and `::1` (nginx tries both).
fn target_ips(host: &str) -> Option<Vec<IpAddr>> {
    let h = host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
    if is_loopback_name(&h) {
        return Some(vec![IpAddr::V4(Ipv4Addr::LOCALHOST), IpAddr::V6(Ipv6Addr::LOCALHOST)]);
    }
    h.parse::<IpAddr>().ok().map(|ip| vec![ip])
}

/// Whether nginx connecting to `host:port` on the same host reaches `bind`.
pub fn reaches(host: &str, port: u16, bind: &Bind) -> Reach {
    let Bind::Tcp {
        host: bhost,
        port: bport,
    } = bind
    else {
        return Reach::No;
    };
    if *bport != port {
        return Reach::No;
    }
    let Some(ips) = target_ips(host) else {
        // A name nginx resolves elsewhere (a service name, a DNS name): it
        // reaches a bind on all interfaces of that host, never a loopback one.
        return match bhost {
            BindHost::AnyV4 | BindHost::AnyV6 => Reach::Yes,
            BindHost::Name(n) if n == &host.to_ascii_lowercase() => Reach::Yes,
            _ => Reach::HostMismatch,
        };
    };
    let ok = ips.iter().any(|ip| match bhost {
        BindHost::AnyV4 => ip.is_ipv4(),
        BindHost::AnyV6 => true,
        BindHost::Ip(b) => b == ip,
        // gunicorn binds IPv4 for a host name; `localhost` → 127.0.0.1.
        BindHost::Name(n) if is_loopback_name(n) => *ip == IpAddr::V4(Ipv4Addr::LOCALHOST),
        BindHost::Name(_) => false,
    });
    if ok { Reach::Yes } else { Reach::HostMismatch }
}

/// Whether a bind accepts only loopback connections.
pub fn is_loopback_only(bind: &Bind) -> bool {
    match bind {
        Bind::Tcp {
            host: BindHost::Ip(ip), ..
        } => ip.is_loopback(),
        Bind::Tcp {
            host: BindHost::Name(n),
            ..
        } => is_loopback_name(n),
        _ => false,
    }
}

fn normal(h: &BindHost) -> BindHost {
    match h {
        BindHost::Name(n) if n == "localhost" => BindHost::Ip(std::net::Ipv4Addr::LOCALHOST.into()),
        other => other.clone(),
    }
}

/// Whether two TCP binds claim a common address: the same port, and the same
/// host, or a wildcard on either side (`0.0.0.0` covers every IPv4 address;
/// `::` covers IPv6 and, with Linux's default bindv6only=0, IPv4 too).
pub fn overlaps(a: &Bind, b: &Bind) -> bool {
    let (Bind::Tcp { host: ha, port: pa }, Bind::Tcp { host: hb, port: pb }) = (a, b) else {
        return false;
    };
    if pa != pb {
        return false;
    }
    let (ha, hb) = (normal(ha), normal(hb));
    match (&ha, &hb) {
        (BindHost::AnyV6, _) | (_, BindHost::AnyV6) => true,
        (BindHost::AnyV4, BindHost::Ip(ip)) | (BindHost::Ip(ip), BindHost::AnyV4) => ip.is_ipv4(),
        (BindHost::AnyV4, BindHost::AnyV4) => true,
        _ => ha == hb,
    }
}

/// Parse an nginx `listen` address: `80`, `127.0.0.1:8080`, `127.0.0.1`
/// (port 80), `*:80`, `[::]:443`, `unix:/path` (ngx_parse_url defaults).
pub fn parse_nginx_listen(s: &str) -> Option<Bind> {
    if s.chars().all(|c| c.is_ascii_digit()) {
        return Some(Bind::Tcp {
            host: BindHost::AnyV4,
            port: s.parse().ok()?,
        });
    }
    parse_bind(s, 80)
}

/// `host:port` / `unix:path` for messages.
pub fn describe(bind: &Bind) -> String {
    match bind {
        Bind::Tcp { host, port } => {
            let h = match host {
                BindHost::AnyV4 => "0.0.0.0".to_string(),
                BindHost::AnyV6 => "[::]".to_string(),
                BindHost::Ip(IpAddr::V6(v6)) => format!("[{v6}]"),
                BindHost::Ip(ip) => ip.to_string(),
                BindHost::Name(n) => n.clone(),
            };
            format!("{h}:{port}")
        }
        Bind::Unix { path } => format!("unix:{path}"),
        Bind::Fd(fd) => format!("fd://{fd}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(s: &str) -> Bind {
        parse_bind(s, 8000).expect("bind")
    }

    #[test]
    fn parses_gunicorn_binds() {
        assert_eq!(
            b("127.0.0.1:8001"),
            Bind::Tcp {
                host: BindHost::Ip("127.0.0.1".parse().unwrap()),
                port: 8001
            }
        );
        assert_eq!(
            b(":8000"),
            Bind::Tcp {
                host: BindHost::AnyV4,
                port: 8000
            }
        );
        assert_eq!(
            b("0.0.0.0"),
            Bind::Tcp {
                host: BindHost::AnyV4,
                port: 8000
            }
        );
        assert_eq!(
            b("[::]:9000"),
            Bind::Tcp {
                host: BindHost::AnyV6,
                port: 9000
            }
        );
        assert_eq!(
            b("unix:/run/app.sock"),
            Bind::Unix {
                path: "/run/app.sock".into()
            }
        );
        assert_eq!(
            b("unix:///run/app.sock"),
            Bind::Unix {
                path: "/run/app.sock".into()
            }
        );
        assert_eq!(b("fd://3"), Bind::Fd("3".into()));
        assert_eq!(
            b("tcp://localhost:5000"),
            Bind::Tcp {
                host: BindHost::Name("localhost".into()),
                port: 5000
            }
        );
        assert_eq!(parse_bind("host:notaport", 8000), None);
    }

    #[test]
    fn reachability_follows_the_kernel() {
        assert_eq!(reaches("127.0.0.1", 8000, &b("0.0.0.0:8000")), Reach::Yes);
        assert_eq!(reaches("localhost", 8000, &b("127.0.0.1:8000")), Reach::Yes);
        assert_eq!(reaches("127.0.0.1", 8000, &b("[::]:8000")), Reach::Yes);
        assert_eq!(reaches("[::1]", 8000, &b("0.0.0.0:8000")), Reach::HostMismatch);
        assert_eq!(reaches("127.0.0.2", 8000, &b("127.0.0.1:8000")), Reach::HostMismatch);
        assert_eq!(reaches("web", 8000, &b("127.0.0.1:8000")), Reach::HostMismatch);
        assert_eq!(reaches("web", 8000, &b("0.0.0.0:8000")), Reach::Yes);
        assert_eq!(reaches("127.0.0.1", 8000, &b("127.0.0.1:8001")), Reach::No);
        assert_eq!(reaches("localhost", 8000, &b("localhost:8000")), Reach::Yes);
        assert!(is_loopback_only(&b("127.0.0.1:8000")));
        assert!(!is_loopback_only(&b("0.0.0.0:8000")));
    }
}
