//! X018: nginx connects to a unix socket whose mode and owner leave nginx's
//! workers without write permission: `connect()` fails with EACCES and every
//! request ends in 502.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::address::Bind;
use crate::model::backend::Backend;
use crate::model::nginx::Endpoint;
use crate::model::socket_perm::{self, NginxUsers, SocketPerm};
use crate::rules::cross::connects;
use crate::rules::{Checker, Group, RuleMeta};
use crate::source::Span;

pub const META: RuleMeta = RuleMeta {
    code: "X018",
    name: "socket-permission-denied",
    group: Group::Correctness,
    severity: Severity::Error,
    summary: "the backend's unix socket is not writable by nginx's worker user: every request ends in 502",
    inputs: &[FileKind::Nginx],
    doc: include_str!("../../../lints/X018.md"),
};

/// `root:root`, `app (group not known)`.
fn ownership(p: &SocketPerm) -> String {
    match (&p.owner, &p.group) {
        (Some(u), Some(g)) => format!("{}:{}", u.name, g.name),
        (Some(u), None) => format!("{} (group not known)", u.name),
        (None, _) => "an unknown user".into(),
    }
}

fn users_text(users: &NginxUsers) -> String {
    let names: Vec<&str> = users.users.iter().map(|u| u.user.as_str()).collect();
    match names.as_slice() {
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
        [] => String::new(),
    }
}

fn help(b: &Backend, group: &str) -> String {
    match (b.uwsgi.is_some(), b.server) {
        (true, _) => format!(
            "give nginx write access: `chmod-socket = 660` with `chown-socket = <app user>:{group}` in the uWSGI \
             config (or `chmod-socket = 666`)"
        ),
        (false, "gunicorn") => format!(
            "give nginx's group write access: `umask = 0o007` and `group = \"{group}\"` in the gunicorn config (or \
             `--umask 0o007 --group {group}`), or leave `umask` at gunicorn's default 0 (mode 0777)"
        ),
        _ => format!(
            "give nginx write access: `--unix-socket-perms=660` with a group {group} belongs to, or \
             `--unix-socket-perms=666`"
        ),
    }
}

pub fn check(cx: &mut Checker) {
    let d = cx.model;
    let users = socket_perm::nginx_users(&d.nginx);
    if users.users.is_empty() {
        return;
    }
    for c in connects(d) {
        let Endpoint::Unix { path } = c.endpoint else { continue };
        for b in &d.backends.backends {
            let Some(l) = b
                .listeners
                .iter()
                .find(|l| matches!(&l.bind, Some(Bind::Unix { path: p }) if p == path))
            else {
                continue;
            };
            let Some(p) = socket_perm::socket_perm(cx.db, &d.backends, b) else {
                continue;
            };
            if !users.users.iter().all(|u| socket_perm::denied(&p, u)) {
                continue;
            }
            let who = users_text(&users);
            let (group, with_group) = match users.users.as_slice() {
                [one] => (one.group.clone(), format!("group {}", one.group)),
                _ => ("www-data".to_owned(), "nginx's group".to_owned()),
            };
            let mut diag = cx
                .diagnostic(
                    c.span,
                    format!("nginx's workers ({who}) cannot write to this socket"),
                    format!(
                        "{} connects to unix:{path}, but {} creates it with mode {:04o} owned by {}, which nginx's \
                         workers ({who}) cannot write to, expected a mode that lets them write (0660 with \
                         {with_group}, or 0666)",
                        c.directive,
                        describe(b),
                        p.mode,
                        ownership(&p),
                    ),
                )
                .with_label(l.span, format!("{} creates the socket here", b.server))
                .with_label(p.mode_span, mode_label(&p));
            let mut seen: Vec<Span> = vec![c.span, l.span, p.mode_span];
            for (role, w) in [("owner", &p.owner), ("group", &p.group)] {
                let Some(w) = w else { continue };
                if seen.contains(&w.span) {
                    continue;
                }
                seen.push(w.span);
                let both = role == "owner" && p.group.as_ref().is_some_and(|g| g.span == w.span);
                let text = match (&w.how, both) {
                    (Some(how), _) => how.clone(),
                    (None, true) => format!("the socket's owner and group: {}", ownership(&p)),
                    (None, false) => format!("the socket's {role}: {}", w.name),
                };
                diag = diag.with_label(w.span, text);
            }
            for u in &users.users {
                if let Some(s) = u.span
                    && !seen.contains(&s)
                {
                    seen.push(s);
                    diag = diag.with_label(s, format!("nginx's workers run as {}", u.user));
                }
            }
            diag = diag.with_note(
                "connecting to a unix socket needs write permission on the socket file: nginx logs `[crit] … \
                 connect() to unix:… failed (13: Permission denied)` and answers 502 to every request (observed: \
                 testdata/observed/backends.md, case 30)",
            );
            for a in p.assumptions.iter().chain(users.assumed.iter()) {
                diag = diag.with_note(a.clone());
            }
            if p.mode & 0o020 != 0 {
                diag = diag.with_note(format!("assuming {who} is not a member of group root"));
            }
            diag = diag.with_help(help(b, &group));
            cx.report(diag);
        }
    }
}

/// The label on the text that decides the mode, with the defaults that
/// share its span (the program word: systemd's default user and umask).
fn mode_label(p: &SocketPerm) -> String {
    let mut text = format!("{}: mode {:04o}", p.mode_how, p.mode);
    let mut hows: Vec<&str> = Vec::new();
    for w in [&p.owner, &p.group].into_iter().flatten() {
        if w.span == p.mode_span
            && let Some(how) = &w.how
            && !hows.contains(&how.as_str())
        {
            hows.push(how);
        }
    }
    for how in hows {
        text.push_str("; ");
        text.push_str(how);
    }
    text
}

/// "gunicorn (systemd unit app)", or the server alone when it is its own
/// config file.
fn describe(b: &Backend) -> String {
    if b.origin.is_empty() {
        b.server.to_owned()
    } else {
        format!("{} ({})", b.server, b.origin)
    }
}
