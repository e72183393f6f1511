//! NGX010: buffer sizes that `nginx -t` rejects.
//!
//! The five checks of `ngx_http_proxy_merge_loc_conf`
//! (src/http/modules/ngx_http_proxy_module.c) and of the uwsgi, fastcgi and
//! scgi equivalents, in nginx's order; nginx stops at the first one that
//! fails, so this rule reports only the first per family and location. None
//! depends on `*_buffering`: nginx checks them with buffering off too. grpc
//! has no buffer directives to check (see `model::proxy`).
//!
//! nginx merges at every level (each server, then each location, nested
//! ones included; `ngx_http_merge_servers`) and stops at the first level
//! whose merged values fail. This rule evaluates each location's merged
//! settings, then each server's, so a server without locations, or one whose
//! every location overrides the bad value, is judged too. The same bad value
//! inherited by several levels is reported once.

use std::collections::BTreeSet;

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::proxy::{Buffering, Effective, Family, Value, effective_in, format_size};
use crate::rules::{Checker, Group, RuleMeta};
use crate::source::Span;

pub const META: RuleMeta = RuleMeta {
    code: "NGX010",
    name: "proxy-buffers-rejected",
    group: Group::Correctness,
    severity: Severity::Error,
    summary: "proxy/uwsgi/fastcgi buffer sizes that nginx -t rejects: nginx refuses to start",
    inputs: &[FileKind::Nginx],
    doc: include_str!("../../../lints/NGX010.md"),
};

/// One failed check, ready to report.
struct Violation {
    /// Which check (0–4, nginx's order), for de-duplication.
    kind: u8,
    message: String,
    /// nginx's own message.
    nginx: String,
    primary: Option<Span>,
    label: String,
    help: String,
}

pub fn check(cx: &mut Checker) {
    let mut seen = BTreeSet::new();
    // Locations first (the usual place, and the most precise label), then
    // each server: nginx merges and checks that level too, so a bad value
    // there fails even when every location overrides it.
    let levels = cx
        .model
        .nginx
        .locations
        .iter()
        .map(|l| (&l.settings, l.span, "applies in this location"))
        .chain(
            cx.model
                .nginx
                .levels
                .iter()
                .map(|(span, s)| (s, *span, "applies in this server")),
        );
    for (settings, block, applies) in levels {
        for family in Family::ALL {
            // An unreadable value is nginx's `invalid value` / `is duplicate`
            // before any merge: not this rule's finding.
            let Ok(eff) = effective_in(settings, family) else {
                continue;
            };
            let Some(b) = &eff.buffering else { continue };
            let Some(v) = first_violation(&eff, b) else {
                continue;
            };
            let Some(primary) = v.primary.or(b.buffers.span).or(eff.buffer_size.span) else {
                continue;
            };
            if !seen.insert((family, v.kind, primary)) {
                continue;
            }
            let mut d = cx
                .diagnostic(primary, v.label, v.message)
                .with_note(format!("`nginx -t` says: {}", v.nginx))
                .with_note("nginx checks this when it loads the configuration and refuses to start or reload")
                .with_help(v.help);
            for (span, what) in [
                (
                    eff.buffer_size.span,
                    format!("buffer size {}", format_size(eff.buffer_size.value)),
                ),
                (
                    b.buffers.span,
                    format!(
                        "{} buffers of {}",
                        b.buffers.value.num,
                        format_size(b.buffers.value.size)
                    ),
                ),
            ] {
                if let Some(s) = span.filter(|s| *s != primary) {
                    d = d.with_label(s, what);
                }
            }
            if !inside(primary, block) {
                d = d.with_label(block, applies);
            }
            cx.report(d);
        }
    }
}

fn inside(inner: Span, outer: Span) -> bool {
    inner.file == outer.file && inner.start >= outer.start && inner.end <= outer.end
}

/// nginx's checks in nginx's order; the first that fails.
fn first_violation(eff: &Effective, b: &Buffering) -> Option<Violation> {
    let f = eff.family;
    let name = |s: &str| format!("\"{}\"", f.directive(s));
    let bufs = b.buffers.value;
    let max = eff.max_buffer();
    // "the maximum of the value of …" as nginx words it, and as we word it:
    // built only for a violation (this runs for every location and family).
    let of_max = || {
        format!(
            "the maximum of the value of {} and one of the {}",
            name("buffer_size"),
            name("buffers")
        )
    };
    let larger = || {
        format!(
            "the larger of {} ({}) and one of the {} ({})",
            name("buffer_size"),
            format_size(eff.buffer_size.value),
            name("buffers"),
            format_size(bufs.size)
        )
    };
    let why_default = |v: &Value<u64>| match v.span {
        Some(_) => String::new(),
        None => format!(" (by default twice {})", larger()),
    };

    if bufs.num < 2 {
        return Some(Violation {
            kind: 0,
            message: format!("{} has {} buffer, expected at least 2", name("buffers"), bufs.num),
            nginx: format!("there must be at least 2 {}", name("buffers")),
            primary: b.buffers.span,
            label: format!("{} buffer", bufs.num),
            help: format!(
                "use at least 2 buffers, for example `{} 8 {};`",
                f.directive("buffers"),
                format_size(bufs.size)
            ),
        });
    }
    let busy = b.busy_buffers_size;
    if busy.value < max.value {
        return Some(Violation {
            kind: 1,
            message: format!(
                "{} is {}, expected at least {}, {larger}",
                name("busy_buffers_size"),
                format_size(busy.value),
                format_size(max.value),
                larger = larger()
            ),
            nginx: format!(
                "{} must be equal to or greater than {of_max}",
                name("busy_buffers_size"),
                of_max = of_max()
            ),
            primary: busy.span.or(max.span),
            label: format!("{} is less than {}", format_size(busy.value), format_size(max.value)),
            help: format!(
                "raise {} to at least {}, or remove it to get twice that",
                name("busy_buffers_size"),
                format_size(max.value)
            ),
        });
    }
    let all_but_one = (bufs.num - 1).wrapping_mul(bufs.size);
    if busy.value > all_but_one {
        let primary = busy.span.or(max.span);
        let label = match busy.span {
            Some(_) => format!("{} is more than {}", format_size(busy.value), format_size(all_but_one)),
            None => format!(
                "makes the default {} {}",
                name("busy_buffers_size"),
                format_size(busy.value)
            ),
        };
        return Some(Violation {
            kind: 2,
            message: format!(
                "{} is {}{}, expected at most {}, the size of all {} ({} × {}) minus one buffer",
                name("busy_buffers_size"),
                format_size(busy.value),
                why_default(&busy),
                format_size(all_but_one),
                name("buffers"),
                bufs.num,
                format_size(bufs.size)
            ),
            nginx: format!(
                "{} must be less than the size of all {} minus one buffer",
                name("busy_buffers_size"),
                name("buffers")
            ),
            primary,
            label,
            help: format!(
                "set {} between {} and {}, or give {} more or larger buffers",
                name("busy_buffers_size"),
                format_size(max.value),
                format_size(all_but_one),
                name("buffers")
            ),
        });
    }
    let write = b.temp_file_write_size;
    if write.value < max.value {
        return Some(Violation {
            kind: 3,
            message: format!(
                "{} is {}, expected at least {}, {larger}",
                name("temp_file_write_size"),
                format_size(write.value),
                format_size(max.value),
                larger = larger()
            ),
            nginx: format!(
                "{} must be equal to or greater than {of_max}",
                name("temp_file_write_size"),
                of_max = of_max()
            ),
            primary: write.span.or(max.span),
            label: format!("{} is less than {}", format_size(write.value), format_size(max.value)),
            help: format!(
                "raise {} to at least {}, or remove it to get twice that",
                name("temp_file_write_size"),
                format_size(max.value)
            ),
        });
    }
    let temp = b.max_temp_file_size;
    if temp.value != 0 && temp.value < max.value {
        return Some(Violation {
            kind: 4,
            message: format!(
                "{} is {}, expected 0 (no temporary files) or at least {}, {larger}",
                name("max_temp_file_size"),
                format_size(temp.value),
                format_size(max.value),
                larger = larger()
            ),
            nginx: format!(
                "{} must be equal to zero to disable temporary files usage or must be equal to or greater than {of_max}",
                name("max_temp_file_size"),
                of_max = of_max()
            ),
            primary: temp.span.or(max.span),
            label: format!("{} is less than {}", format_size(temp.value), format_size(max.value)),
            help: format!(
                "use `{} 0;` to keep responses in memory only, or at least {}",
                f.directive("max_temp_file_size"),
                format_size(max.value)
            ),
        });
    }
    None
}
