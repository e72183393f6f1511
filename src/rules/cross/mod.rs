//! Cross-file rules: Nginx against the backends behind it, and backends
//! against each other.
pub mod app_interface_mismatch;
pub mod backend_address_conflict;
pub mod backend_all_interfaces;
pub mod blocking_call_in_async_handler;
pub mod deploy_restarts_without_install;
pub mod nginx_listen_conflict;
pub mod pass_protocol_mismatch;
pub mod proxy_host_mismatch;
pub mod proxy_target_no_listener;
pub mod proxy_timeout_before_backend;
pub mod proxy_tls_mismatch;
pub mod socket_in_private_tmp;
pub mod socket_permission_denied;
pub mod timeout_beyond_cloudflare;
pub mod unix_socket_mismatch;
pub mod upstream_keepalive_race;
pub mod uwsgi_buffer_below_nginx;
pub mod worker_timeout_before_proxy;

use crate::model::Deployment;
use crate::model::address::{self, Bind, Reach};
use crate::model::backend::{Backend, BackendListener};
use crate::model::nginx::{Endpoint, TargetKind};
use crate::source::Span;

/// A place nginx connects to, with the span that names it.
pub struct Connect<'a> {
    /// `proxy_pass`, `uwsgi_pass`, … or `server` (in an upstream).
    pub directive: &'a str,
    pub endpoint: &'a Endpoint,
    pub span: Span,
}

/// Every endpoint nginx connects to: direct targets, and the servers of the
/// upstreams that targets use.
pub fn connects(d: &Deployment) -> Vec<Connect<'_>> {
    let n = &d.nginx;
    let mut out = Vec::new();
    let mut used_upstreams = Vec::new();
    for t in &n.targets {
        match &t.kind {
            TargetKind::Direct(e) => out.push(Connect {
                directive: &t.directive,
                endpoint: e,
                span: t.span,
            }),
            TargetKind::Upstream(i) => {
                if !used_upstreams.contains(i) {
                    used_upstreams.push(*i);
                }
            }
        }
    }
    for i in used_upstreams {
        if let Some(u) = n.upstreams.get(i) {
            // A `down` server takes no traffic.
            for s in u.servers.iter().filter(|s| !s.params.iter().any(|p| p == "down")) {
                out.push(Connect {
                    directive: "upstream server",
                    endpoint: &s.endpoint,
                    span: s.span,
                });
            }
        }
    }
    out
}

/// A host nginx reaches on its own machine.
pub fn is_local(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost") || h.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The backends a TCP target can be compared with: all of them for a local
/// host (same machine), the compose service's for a service name.
pub fn candidates<'a>(d: &'a Deployment, host: &str) -> Vec<&'a Backend> {
    let all = &d.backends.backends;
    if is_local(host) {
        all.iter().collect()
    } else {
        all.iter().filter(|b| b.service.as_deref() == Some(host)).collect()
    }
}

/// What the candidates say about a TCP target.
pub enum Verdict<'a> {
    /// Something listens there, or a listener depends on an unknown value.
    Fine,
    /// No candidate with a known TCP listener: nothing to compare.
    NoBackend,
    /// Same port, but the host parts cannot meet.
    HostMismatch(&'a Backend, &'a BackendListener),
    /// Nothing on that port; the closest TCP listener by port.
    NoListener(&'a Backend, &'a BackendListener),
}

pub fn judge_tcp<'a>(cands: &[&'a Backend], host: &str, port: u16) -> Verdict<'a> {
    let mut tcp: Vec<(&Backend, &BackendListener)> = Vec::new();
    for b in cands {
        for l in &b.listeners {
            match &l.bind {
                None => return Verdict::Fine,
                Some(Bind::Tcp { .. }) => tcp.push((b, l)),
                Some(Bind::Fd(_)) => return Verdict::Fine,
                Some(Bind::Unix { .. }) => {}
            }
        }
    }
    if tcp.is_empty() {
        return Verdict::NoBackend;
    }
    let mut mismatch = None;
    for (b, l) in &tcp {
        let Some(bind) = &l.bind else { continue };
        match address::reaches(host, port, bind) {
            Reach::Yes => return Verdict::Fine,
            Reach::HostMismatch => mismatch = mismatch.or(Some((*b, *l))),
            Reach::No => {}
        }
    }
    if let Some((b, l)) = mismatch {
        return Verdict::HostMismatch(b, l);
    }
    let port_of = |l: &BackendListener| match &l.bind {
        Some(Bind::Tcp { port, .. }) => *port,
        _ => 0,
    };
    let (b, l) = tcp
        .iter()
        .min_by_key(|(_, l)| (port_of(l).abs_diff(port), l.span.start))
        .copied()
        .expect("tcp is not empty");
    Verdict::NoListener(b, l)
}

/// `host:port` as nginx writes it.
pub fn target_text(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// "gunicorn (systemd unit app) listens on 127.0.0.1:8001 at deploy/app.service:8",
/// naming the launcher only when it is not the file itself.
pub fn listener_text(db: &crate::source::SourceDb, b: &Backend, l: &BackendListener) -> String {
    let listen = l
        .bind
        .as_ref()
        .map(address::describe)
        .unwrap_or_else(|| l.address.clone());
    let f = db.get(l.span.file);
    let line = f.line_col(l.span.start as usize).0;
    if b.origin == f.display {
        format!("{} listens on {listen} at {}:{line}", b.server, f.display)
    } else {
        format!(
            "{} ({}) listens on {listen} at {}:{line}",
            b.server, b.origin, f.display
        )
    }
}

/// One path a request takes: an nginx `*_pass` in a location, the upstream
/// it names (if any), and a backend listener that endpoint reaches.
pub struct Route<'a> {
    pub target: &'a crate::model::nginx::Target,
    /// The location the `*_pass` sits in.
    pub location: usize,
    /// The upstream block, when the target names one.
    pub upstream: Option<usize>,
    /// The span naming the endpoint (the `*_pass` argument, or the upstream
    /// `server` line).
    pub endpoint_span: Span,
    pub backend: &'a Backend,
    pub listener: &'a BackendListener,
}

/// Every (location, backend) pair nginx sends requests between: a TCP
/// endpoint reaches a listener when [`address::reaches`] says so (on the
/// same host, or the compose service of that name); a unix endpoint when the
/// paths are equal. `down` upstream servers carry no traffic.
pub fn routes(d: &Deployment) -> Vec<Route<'_>> {
    let n = &d.nginx;
    let mut out = Vec::new();
    for t in &n.targets {
        let Some(location) = t.location else { continue };
        let endpoints: Vec<(&Endpoint, Span, Option<usize>)> = match &t.kind {
            TargetKind::Direct(e) => vec![(e, t.span, None)],
            TargetKind::Upstream(i) => n.upstreams.get(*i).map_or_else(Vec::new, |u| {
                u.servers
                    .iter()
                    .filter(|s| !s.params.iter().any(|p| p == "down"))
                    .map(|s| (&s.endpoint, s.span, Some(*i)))
                    .collect()
            }),
        };
        for (e, span, upstream) in endpoints {
            let pairs: Vec<(&Backend, &BackendListener)> = match e {
                Endpoint::Tcp { host, port } => candidates(d, host)
                    .into_iter()
                    .flat_map(|b| b.listeners.iter().map(move |l| (b, l)))
                    .filter(|(_, l)| {
                        l.bind
                            .as_ref()
                            .is_some_and(|bind| matches!(address::reaches(host, *port, bind), Reach::Yes))
                    })
                    .collect(),
                Endpoint::Unix { path } => d
                    .backends
                    .backends
                    .iter()
                    .flat_map(|b| b.listeners.iter().map(move |l| (b, l)))
                    .filter(|(_, l)| matches!(&l.bind, Some(Bind::Unix { path: p }) if p == path))
                    .collect(),
                Endpoint::Variable => Vec::new(),
            };
            for (backend, listener) in pairs {
                out.push(Route {
                    target: t,
                    location,
                    upstream,
                    endpoint_span: span,
                    backend,
                    listener,
                });
            }
        }
    }
    out
}

/// The nginx module family of a `*_pass` directive.
pub fn family_of(directive: &str) -> Option<crate::model::proxy::Family> {
    use crate::model::proxy::Family;
    Family::ALL
        .into_iter()
        .find(|f| directive == format!("{}_pass", f.prefix()))
}

/// The effective settings of a route's location for its `*_pass` family
/// (None when a value there is invalid: NGX010 and `nginx -t` say so).
pub fn route_settings(d: &Deployment, r: &Route) -> Option<crate::model::proxy::Effective> {
    let family = family_of(&r.target.directive)?;
    crate::model::proxy::effective(&d.nginx, r.location, family)?.ok()
}
