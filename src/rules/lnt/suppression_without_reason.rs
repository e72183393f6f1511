//! LNT002: a suppression that does not say why.

use crate::diagnostic::Severity;
use crate::rules::{Checker, Group, RuleMeta};
use crate::suppress::Suppression;

pub const META: RuleMeta = RuleMeta {
    code: "LNT002",
    name: "suppression-without-reason",
    group: Group::Tool,
    severity: Severity::Warning,
    summary: "an inline suppression gives no reason after `--`",
    inputs: super::SUPPRESSION_INPUTS,
    doc: include_str!("../../../lints/LNT002.md"),
};

/// Reported by `crate::suppress::apply` once the other rules have run (it
/// needs their findings); nothing to do from the model.
pub fn check(_cx: &mut Checker) {}

pub fn report(cx: &mut Checker, s: &Suppression) {
    let leader = if cx
        .db
        .get(s.span.file)
        .text
        .get(s.span.range())
        .is_some_and(|t| t.starts_with("//"))
    {
        "//"
    } else {
        "#"
    };
    let d = cx
        .diagnostic(
            s.span,
            "no reason given",
            format!(
                "suppression `{}` gives no reason, expected `-- reason` after it",
                s.directive
            ),
        )
        .with_note(
            "the finding is still suppressed; the reason tells the next reader whether the suppression still holds",
        )
        .with_help(format!(
            "say why the finding is accepted: `{leader} lint502: {} -- <why this finding is accepted>`",
            s.directive
        ));
    cx.report(d);
}
