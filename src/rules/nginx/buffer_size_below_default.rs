//! NGX013: `proxy_buffer_size` (or the uwsgi/fastcgi/scgi/grpc one) set
//! below nginx's default of one memory page (4k on x86-64). The buffer holds
//! the whole response header; a header that does not fit is nginx's "upstream
//! sent too big header", a 502.

use std::collections::BTreeSet;

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::proxy::{Family, PAGE_SIZE, format_size, parse_size};
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "NGX013",
    name: "buffer-size-below-default",
    group: Group::Suspicious,
    severity: Severity::Warning,
    summary: "`proxy_buffer_size` below nginx's default 4k: responses with larger headers (cookies, CSP) end in 502",
    inputs: &[FileKind::Nginx],
    doc: include_str!("../../../lints/NGX013.md"),
};

pub fn check(cx: &mut Checker) {
    let d = cx.model;
    let mut seen = BTreeSet::new();
    for loc in &d.nginx.locations {
        for family in Family::ALL {
            let name = family.directive("buffer_size");
            let Some(setting) = loc.settings.get(&name) else {
                continue;
            };
            for (args, span) in &setting.values {
                let Some(size) = args.first().and_then(|a| parse_size(a).ok()) else {
                    continue;
                };
                if size >= PAGE_SIZE || !seen.insert(*span) {
                    continue;
                }
                let diag = cx
                    .diagnostic(*span, format!("{} for the whole response header", format_size(size)), format!(
                        "`{name}` is {}, below nginx's default of {}: a response whose status line and headers exceed {} bytes (a session cookie, a Content-Security-Policy) ends in 502",
                        format_size(size),
                        format_size(PAGE_SIZE),
                        size
                    ))
                    .with_note("nginx logs \"upstream sent too big header while reading response header from upstream\" (observed with `proxy_buffer_size 1k`: a 900-byte cookie gave 502, testdata/observed/backends.md, case 34)")
                    .with_help(format!("remove the line (the default is one page, {}), or raise it to 8k or 16k for apps with large cookies", format_size(PAGE_SIZE)));
                cx.report(diag);
            }
        }
    }
}
