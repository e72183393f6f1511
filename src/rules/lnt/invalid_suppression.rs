//! LNT003: a suppression that names no rule, or a `lint502:` comment that is
//! not a suppression.

use crate::diagnostic::Severity;
use crate::rules::{Checker, Group, RuleMeta};
use crate::suppress::{Invalid, SuppressedCode};

pub const META: RuleMeta = RuleMeta {
    code: "LNT003",
    name: "invalid-suppression",
    group: Group::Tool,
    severity: Severity::Warning,
    summary: "an inline suppression names an unknown rule, or a `lint502:` comment is not a suppression",
    inputs: super::SUPPRESSION_INPUTS,
    doc: include_str!("../../../lints/LNT003.md"),
};

/// Reported by `crate::suppress::apply`; nothing to do from the model.
pub fn check(_cx: &mut Checker) {}

/// A code or name no rule has.
pub fn report_unknown(cx: &mut Checker, c: &SuppressedCode) {
    let is_prefix = crate::config::is_known_selector(&c.text);
    let message = if is_prefix {
        format!(
            "suppression names `{}`, a prefix of several rules, expected one whole code or name",
            c.text
        )
    } else {
        format!("suppression names `{}`, but no rule has that code or name", c.text)
    };
    let mut d = cx
        .diagnostic(c.span, "no such rule", message)
        .with_note("nothing is suppressed for this entry");
    d = match crate::config::rule_suggestion(&c.text).filter(|_| !is_prefix) {
        Some(s) => d.with_help(format!("did you mean `{s}`?")),
        None => d.with_help("`lint502 rules` lists the codes and names"),
    };
    cx.report(d);
}

/// A `lint502:` comment that lint502 cannot read as a suppression.
pub fn report_invalid(cx: &mut Checker, inv: &Invalid) {
    let mut d = cx
        .diagnostic(inv.span, "not read as a suppression", inv.message.clone())
        .with_note("nothing is suppressed by this comment");
    if let Some(h) = &inv.help {
        d = d.with_help(h.clone());
    }
    cx.report(d);
}
