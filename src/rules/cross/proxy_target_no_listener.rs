//! X001: nginx sends requests to a port where no backend of the deployment
//! listens.

use crate::diagnostic::{Edit, Fix, FixSide, Severity};
use crate::discover::FileKind;
use crate::model::address;
use crate::model::address::Bind;
use crate::model::nginx::Endpoint;
use crate::rules::cross::{Verdict, candidates, connects, judge_tcp, listener_text, target_text};
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "X001",
    name: "proxy-target-no-listener",
    group: Group::Correctness,
    severity: Severity::Error,
    summary: "nginx proxies to a port where no backend listens: every request ends in 502",
    inputs: &[FileKind::Nginx],
    doc: include_str!("../../../lints/X001.md"),
};

pub fn check(cx: &mut Checker) {
    let d = cx.model;
    for c in connects(d) {
        let Endpoint::Tcp { host, port } = c.endpoint else {
            continue;
        };
        let cands = candidates(d, host);
        let Verdict::NoListener(b, l) = judge_tcp(&cands, host, *port) else {
            continue;
        };
        let listen = l
            .bind
            .as_ref()
            .map(address::describe)
            .unwrap_or_else(|| l.address.clone());
        let mut diag = cx
            .diagnostic(
                c.span,
                "nothing listens here",
                format!(
                    "{} sends to {}, but no backend listens there; {}",
                    c.directive,
                    target_text(host, *port),
                    listener_text(cx.db, b, l)
                ),
            )
            .with_label(l.span, format!("{} listens on {listen}", b.server));
        for (why, span) in l.decided_by.iter().skip(1) {
            diag = diag.with_label(*span, why.clone());
        }
        let port_hint = match &l.bind {
            Some(address::Bind::Tcp { port: p, .. }) if p != port => format!("did you mean port {p}? "),
            _ => String::new(),
        };
        if let Some(Bind::Tcp { port: backend_port, .. }) = &l.bind
            && backend_port != port
        {
            // `--fix --fix-side nginx`: point nginx at the backend's port;
            // `--fix-side backend`: make the backend bind nginx's port (only
            // where the bind is written; a default cannot be edited).
            if let Some(e) = port_edit(cx.db, c.span, *port, *backend_port) {
                diag = diag.with_fix(Fix {
                    title: format!("{}: use port {backend_port}", c.directive),
                    side: Some(FixSide::Nginx),
                    edits: vec![e],
                });
            }
            if !l.default
                && let Some(e) = port_edit(cx.db, l.span, *backend_port, *port)
            {
                diag = diag.with_fix(Fix {
                    title: format!("{}: listen on port {port}", b.server),
                    side: Some(FixSide::Backend),
                    edits: vec![e],
                });
            }
        }
        diag = diag
            .with_note("nginx's connect() fails with (111: Connection refused) and it answers 502 Bad Gateway (observed: testdata/observed/backends.md, case 1)")
            .with_help(format!("{port_hint}make the nginx target and the backend's bind name the same address"));
        cx.report(diag);
    }
}

/// An edit that changes port `from` to `to` in the text of `span`: the text
/// is the port itself, or holds exactly one `:from` not followed by a digit
/// (`http://127.0.0.1:8000/`, `"0.0.0.0:8000"`, `--bind=:8000`). Anything else
/// (a port written twice, a variable) gets no fix.
fn port_edit(db: &crate::source::SourceDb, span: crate::source::Span, from: u16, to: u16) -> Option<Edit> {
    let f = db.get(span.file);
    if f.lossy {
        return None;
    }
    let text = f.text.get(span.start as usize..span.end as usize)?;
    let from_s = from.to_string();
    let bare = text.trim_matches(|c| c == '"' || c == '\'');
    let at = if bare == from_s {
        text.find(&from_s)?
    } else {
        let needle = format!(":{from_s}");
        let hits: Vec<usize> = text
            .match_indices(&needle)
            .map(|(i, _)| i + 1)
            .filter(|&i| !text[i + from_s.len()..].starts_with(|c: char| c.is_ascii_digit()))
            .collect();
        let [one] = hits.as_slice() else { return None };
        *one
    };
    let start = span.start as usize + at;
    Some(Edit {
        span: crate::source::Span::new(span.file, start, start + from_s.len()),
        text: to.to_string(),
    })
}
