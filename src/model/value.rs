//! Values read statically from configuration that is code or data (PM2
//! ecosystem files, gunicorn.conf.py, YAML, JSON): never executed, folded
//! where the text alone decides the value, "unknown" where it does not.

use crate::source::Span;

/// A value with the span of the text it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Spanned<T> {
        Spanned { value, span }
    }
}

/// A statically known (or knowingly unknown) value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Null,
    List(Vec<Spanned<Value>>),
    /// Keys in source order.
    Map(Vec<(Spanned<String>, Spanned<Value>)>),
    /// An environment lookup: `process.env.PORT || 3000`,
    /// `os.environ.get("PORT", "8000")`, `${PORT:-8000}`. The value is the
    /// default when the environment does not set it (None: no default).
    Env {
        name: String,
        default: Option<Box<Spanned<Value>>>,
    },
    /// Known in shape but decided at run time on the target machine, e.g.
    /// `multiprocessing.cpu_count() * 2 + 1` (the text, normalised).
    Symbolic(String),
    /// Not decidable from the text (a function call, a `require(...)`, a
    /// spread…): the reason, for messages and `--verbose`.
    Unknown(String),
}

impl Value {
    /// The string, if this is a known string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
    /// The integer, if known (a string of digits counts: `PORT: "8000"`).
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
    /// Look a key up in a map.
    pub fn get(&self, key: &str) -> Option<&Spanned<Value>> {
        match self {
            Value::Map(entries) => entries.iter().find(|(k, _)| k.value == key).map(|(_, v)| v),
            _ => None,
        }
    }
}
