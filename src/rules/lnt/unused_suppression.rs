//! LNT004: a suppressed code that matched no finding.

use crate::diagnostic::Severity;
use crate::rules::{Checker, Group, RuleMeta};
use crate::suppress::{SuppressedCode, Suppression};

pub const META: RuleMeta = RuleMeta {
    code: "LNT004",
    name: "unused-suppression",
    group: Group::Tool,
    severity: Severity::Warning,
    summary: "an inline suppression matches no finding",
    inputs: super::SUPPRESSION_INPUTS,
    doc: include_str!("../../../lints/LNT004.md"),
};

/// Reported by `crate::suppress::apply`; nothing to do from the model.
pub fn check(_cx: &mut Checker) {}

/// `ran`: whether the suppressed rule ran for this file at all.
pub fn report(cx: &mut Checker, s: &Suppression, c: &SuppressedCode, ran: bool) {
    let code = c.rule.map_or(c.text.as_str(), |m| m.code);
    let written = if c.text == code {
        format!("`{code}`")
    } else {
        format!("`{}` ({code})", c.text)
    };
    let mut d = cx.diagnostic(
        c.span,
        "suppresses nothing",
        format!("suppression of {written} matches no finding {}", s.place()),
    );
    d = if ran {
        d.with_note(format!(
            "{code} found nothing there: the problem was fixed, or the comment is in the wrong place"
        ))
    } else {
        d.with_note(format!(
            "{code} did not run for this file (not selected, ignored or turned off by the configuration)"
        ))
    };
    let help = if s.codes.len() > 1 {
        format!("remove `{}` from the suppression", c.text)
    } else {
        "remove the comment".to_owned()
    };
    cx.report(d.with_help(help));
}
