//! Typed effective settings of nginx's upstream modules (proxy, uwsgi,
//! fastcgi, scgi, grpc) in one location, read from [`Location::settings`]
//! (already merged http → server → location), with nginx's own unit parsing.
//!
//! Sources (nginx 1.31.5 source tree; the same logic in release-1.22.1, which
//! `testdata/observed/nginx-buffers.tsv` was observed with):
//! - `src/core/ngx_parse.c`: `ngx_parse_size` (suffixes `k K m M`),
//!   `ngx_parse_offset` (also `g G`), `ngx_parse_time` (`y M w d h m s ms`,
//!   combined like `1m30s`, no unit = seconds).
//! - `src/core/ngx_conf_file.c`: `ngx_conf_set_size_slot` (size),
//!   `ngx_conf_set_msec_slot` (time in ms), `ngx_conf_set_bufs_slot`
//!   (`number size`, both must be > 0), `ngx_conf_set_flag_slot` (`on`/`off`,
//!   any case). Each slot refuses a second value at the same level
//!   (`is duplicate`).
//! - `src/http/modules/ngx_http_{proxy,uwsgi,fastcgi,scgi,grpc}_module.c`:
//!   the `ngx_command_t` tables and `*_merge_loc_conf`. All five size
//!   directives here (`*_buffer_size`, `*_busy_buffers_size`,
//!   `*_temp_file_write_size`, and also `*_max_temp_file_size`) use
//!   `ngx_conf_set_size_slot`, so none accepts a `g` suffix.
//! - grpc has only `grpc_buffer_size` and the three timeouts: its module sets
//!   `buffering = 0` and zero busy/temp-file sizes in `create_loc_conf` and
//!   has no `grpc_buffers`, `grpc_busy_buffers_size`,
//!   `grpc_temp_file_write_size`, `grpc_max_temp_file_size` or
//!   `grpc_buffering` directive, so no buffer constraint applies to it.
//!
//! Assumption: a memory page is 4 KiB (x86-64 Linux), so the default
//! `*_buffer_size` is `4k` and the default `*_buffers` is `8 4k`; on a
//! 16 KiB-page system (some arm64 kernels) nginx uses `16k` and `8 16k`.
//!
//! [`Location::settings`]: crate::model::nginx::Location::settings

use std::fmt;

use crate::model::nginx::{NginxModel, Settings};
use crate::source::Span;

/// The memory page size assumed for nginx's defaults (x86-64 Linux).
pub const PAGE_SIZE: u64 = 4096;

/// The largest value of `ssize_t`/`off_t`/`ngx_int_t` on a 64-bit build.
const MAX_VALUE: u64 = i64::MAX as u64;

/// One of nginx's upstream modules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    Proxy,
    Uwsgi,
    Fastcgi,
    Scgi,
    Grpc,
}

/// The suffixes [`effective_in`] reads, and their full names per family (in
/// [`Family`]'s order, which `Family as usize` indexes).
const SUFFIXES: [&str; 9] = [
    "connect_timeout",
    "send_timeout",
    "read_timeout",
    "buffer_size",
    "buffering",
    "buffers",
    "busy_buffers_size",
    "temp_file_write_size",
    "max_temp_file_size",
];

macro_rules! family_names {
    ($($p:literal),*) => {
        [$([
            concat!($p, "_connect_timeout"),
            concat!($p, "_send_timeout"),
            concat!($p, "_read_timeout"),
            concat!($p, "_buffer_size"),
            concat!($p, "_buffering"),
            concat!($p, "_buffers"),
            concat!($p, "_busy_buffers_size"),
            concat!($p, "_temp_file_write_size"),
            concat!($p, "_max_temp_file_size"),
        ]),*]
    };
}

static NAMES: [[&str; 9]; 5] = family_names!("proxy", "uwsgi", "fastcgi", "scgi", "grpc");

impl Family {
    pub const ALL: [Family; 5] = [
        Family::Proxy,
        Family::Uwsgi,
        Family::Fastcgi,
        Family::Scgi,
        Family::Grpc,
    ];

    /// The directive prefix with the underscore: `proxy_`, `uwsgi_`, …
    pub fn underscored(self) -> &'static str {
        match self {
            Family::Proxy => "proxy_",
            Family::Uwsgi => "uwsgi_",
            Family::Fastcgi => "fastcgi_",
            Family::Scgi => "scgi_",
            Family::Grpc => "grpc_",
        }
    }

    /// The directive prefix without the underscore: `proxy`, `uwsgi`, …
    pub fn prefix(self) -> &'static str {
        match self {
            Family::Proxy => "proxy",
            Family::Uwsgi => "uwsgi",
            Family::Fastcgi => "fastcgi",
            Family::Scgi => "scgi",
            Family::Grpc => "grpc",
        }
    }

    /// The full directive name for `suffix` (`buffer_size` → `proxy_buffer_size`).
    pub fn directive(self, suffix: &str) -> String {
        self.name(suffix).into_owned()
    }

    /// [`Family::directive`] without an allocation for the suffixes
    /// [`effective_in`] reads (it runs for every location and family: on a
    /// 1.33 MB config, formatting the names was half of the whole check).
    pub fn name(self, suffix: &str) -> std::borrow::Cow<'static, str> {
        match SUFFIXES.iter().position(|s| *s == suffix) {
            Some(i) => std::borrow::Cow::Borrowed(NAMES[self as usize][i]),
            None => std::borrow::Cow::Owned(format!("{}_{suffix}", self.prefix())),
        }
    }

    /// Whether the module has the response-buffering directives
    /// (`*_buffers`, `*_busy_buffers_size`, temp files, `*_buffering`).
    pub fn has_buffering(self) -> bool {
        self != Family::Grpc
    }
}

/// A value and the directive that set it (None: nginx's default, or derived
/// from other values as nginx derives it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Value<T> {
    pub value: T,
    pub span: Option<Span>,
}

impl<T> Value<T> {
    fn default(value: T) -> Value<T> {
        Value { value, span: None }
    }
}

/// `*_buffers number size`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bufs {
    pub num: u64,
    pub size: u64,
}

/// The response-buffering settings (every family but grpc).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Buffering {
    /// `*_buffering`, default on.
    pub buffering: Value<bool>,
    /// `*_buffers`, default `8` × one page.
    pub buffers: Value<Bufs>,
    /// `*_busy_buffers_size`; default (span None) twice [`Effective::max_buffer`].
    pub busy_buffers_size: Value<u64>,
    /// `*_temp_file_write_size`; default (span None) twice [`Effective::max_buffer`].
    pub temp_file_write_size: Value<u64>,
    /// `*_max_temp_file_size`, default 1024m; 0 disables temporary files.
    pub max_temp_file_size: Value<u64>,
}

/// A family's effective settings in one location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effective {
    pub family: Family,
    /// `*_connect_timeout` in milliseconds, default 60s.
    pub connect_timeout: Value<u64>,
    /// `*_send_timeout` in milliseconds, default 60s.
    pub send_timeout: Value<u64>,
    /// `*_read_timeout` in milliseconds, default 60s.
    pub read_timeout: Value<u64>,
    /// `*_buffer_size`, default one page.
    pub buffer_size: Value<u64>,
    /// None for grpc (see the module documentation).
    pub buffering: Option<Buffering>,
}

impl Effective {
    /// nginx's `size` in `*_merge_loc_conf`: the larger of `*_buffer_size`
    /// and one of the `*_buffers`, with the directive that decides it (the
    /// buffer size on a tie).
    pub fn max_buffer(&self) -> Value<u64> {
        match &self.buffering {
            Some(b) if b.buffers.value.size > self.buffer_size.value => Value {
                value: b.buffers.value.size,
                span: b.buffers.span,
            },
            _ => self.buffer_size,
        }
    }
}

/// Why a value could not be read: nginx stops on it before merging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidValue {
    pub directive: String,
    pub span: Span,
    /// nginx's wording: `invalid value`, `is duplicate`, …
    pub reason: &'static str,
}

/// Why a unit string is not a number nginx accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitError;

impl fmt::Display for UnitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid value")
    }
}

/// Decimal digits only, not empty, at most `i64::MAX` (`ngx_atosz`,
/// `ngx_atoof`, `ngx_atoi` in src/core/ngx_string.c).
fn digits(s: &str) -> Result<u64, UnitError> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(UnitError);
    }
    let mut n: u64 = 0;
    for b in s.bytes() {
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(u64::from(b - b'0')))
            .filter(|n| *n <= MAX_VALUE)
            .ok_or(UnitError)?;
    }
    Ok(n)
}

fn scaled(s: &str, allow_g: bool) -> Result<u64, UnitError> {
    let (number, scale) = match s.as_bytes().last() {
        Some(b'k' | b'K') => (&s[..s.len() - 1], 1u64 << 10),
        Some(b'm' | b'M') => (&s[..s.len() - 1], 1 << 20),
        Some(b'g' | b'G') if allow_g => (&s[..s.len() - 1], 1 << 30),
        _ => (s, 1),
    };
    let n = digits(number)?;
    if n > MAX_VALUE / scale {
        return Err(UnitError);
    }
    Ok(n * scale)
}

/// `ngx_parse_size`: bytes, with an optional `k`/`K` or `m`/`M` suffix.
pub fn parse_size(s: &str) -> Result<u64, UnitError> {
    scaled(s, false)
}

/// `ngx_parse_offset`: like [`parse_size`], also with `g`/`G`.
pub fn parse_offset(s: &str) -> Result<u64, UnitError> {
    scaled(s, true)
}

/// `ngx_parse_time(…, is_sec = 0)` as used by `ngx_conf_set_msec_slot`: the
/// duration in milliseconds. Parts go from the largest unit to the smallest
/// (`w d h m s ms`; `y` and `M` only in seconds mode), each unit at most
/// once, in that order (`1m30s`, `1h 5m`); a trailing number without a unit
/// is seconds.
pub fn parse_msec(s: &str) -> Result<u64, UnitError> {
    parse_time(s, false)
}

/// `ngx_parse_time(…, is_sec = 1)` as used by `ngx_conf_set_sec_slot`: the
/// duration in seconds; `ms` is refused.
pub fn parse_sec(s: &str) -> Result<u64, UnitError> {
    parse_time(s, true)
}

fn parse_time(s: &str, is_sec: bool) -> Result<u64, UnitError> {
    // Units by rank: a part's unit must rank after every earlier part's unit.
    // 0 = nothing yet; 1 y, 2 M, 3 w, 4 d, 5 h, 6 m, 7 s, 8 ms, 9 after a space.
    // In milliseconds mode nginx starts at rank 2, so `y` and `M` are refused.
    const YEAR: u64 = 60 * 60 * 24 * 365;
    let mut rank = if is_sec { 0 } else { 2 };
    let mut valid = false;
    let mut value: u64 = 0;
    let mut total: u64 = 0;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        i += 1;
        if c.is_ascii_digit() {
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(c - b'0')))
                .filter(|v| *v <= MAX_VALUE)
                .ok_or(UnitError)?;
            valid = true;
            continue;
        }
        // (new rank, seconds per unit; 0 = milliseconds)
        let (new_rank, secs) = match c {
            b'y' if rank == 0 => (1, YEAR),
            b'M' if rank < 2 => (2, 60 * 60 * 24 * 30),
            b'w' if rank < 3 => (3, 60 * 60 * 24 * 7),
            b'd' if rank < 4 => (4, 60 * 60 * 24),
            b'h' if rank < 5 => (5, 60 * 60),
            b'm' if bytes.get(i) == Some(&b's') => {
                if is_sec || rank >= 8 {
                    return Err(UnitError);
                }
                i += 1;
                (8, 0)
            }
            b'm' if rank < 6 => (6, 60),
            b's' if rank < 7 => (7, 1),
            b' ' if rank < 7 => (9, 1),
            _ => return Err(UnitError),
        };
        rank = new_rank;
        let scale = match (secs, is_sec) {
            (0, _) => 1,
            (s, true) => s,
            (s, false) => s * 1000,
        };
        if value > MAX_VALUE / scale {
            return Err(UnitError);
        }
        value *= scale;
        if total > MAX_VALUE - value {
            return Err(UnitError);
        }
        total += value;
        value = 0;
        while bytes.get(i) == Some(&b' ') {
            i += 1;
        }
    }
    if !valid {
        return Err(UnitError);
    }
    if !is_sec {
        if value > MAX_VALUE / 1000 {
            return Err(UnitError);
        }
        value *= 1000;
    }
    if total > MAX_VALUE - value {
        return Err(UnitError);
    }
    Ok(total + value)
}

/// `ngx_conf_set_flag_slot`: `on` or `off`, in any case.
pub fn parse_flag(s: &str) -> Result<bool, UnitError> {
    if s.eq_ignore_ascii_case("on") {
        Ok(true)
    } else if s.eq_ignore_ascii_case("off") {
        Ok(false)
    } else {
        Err(UnitError)
    }
}

/// Read one directive with `args` arguments through `parse`; None when it is
/// not set. A second occurrence at the same level is nginx's `is duplicate`.
fn read<T>(
    settings: &Settings,
    name: &str,
    args: usize,
    parse: impl Fn(&[String]) -> Result<T, UnitError>,
) -> Result<Option<Value<T>>, InvalidValue> {
    let Some(setting) = settings.get(name) else {
        return Ok(None);
    };
    let Some((first, span)) = setting.values.first() else {
        return Ok(None);
    };
    let invalid = |reason| InvalidValue {
        directive: name.to_owned(),
        span: *span,
        reason,
    };
    if let Some((_, dup)) = setting.values.get(1) {
        return Err(InvalidValue {
            directive: name.to_owned(),
            span: *dup,
            reason: "is duplicate",
        });
    }
    if first.len() != args {
        return Err(invalid("invalid number of arguments"));
    }
    let value = parse(first).map_err(|_| invalid("invalid value"))?;
    Ok(Some(Value {
        value,
        span: Some(*span),
    }))
}

fn one<T>(parse: fn(&str) -> Result<T, UnitError>) -> impl Fn(&[String]) -> Result<T, UnitError> {
    move |args| args.first().map_or(Err(UnitError), |a| parse(a))
}

fn bufs(args: &[String]) -> Result<Bufs, UnitError> {
    let [num, size] = args else { return Err(UnitError) };
    let num = digits(num)?;
    let size = parse_size(size)?;
    if num == 0 || size == 0 {
        return Err(UnitError);
    }
    Ok(Bufs { num, size })
}

/// The effective settings of `family` in `settings` (a location's, or any
/// level's merged settings), with nginx's defaults and derived values.
/// An unreadable value is returned as the error nginx stops on first.
pub fn effective_in(settings: &Settings, family: Family) -> Result<Effective, InvalidValue> {
    // Most levels set nothing of most families: one ordered lookup for the
    // family's prefix (`proxy_`) instead of nine by name (the rules ask for
    // every location and family: 48,000 times on the 1.33 MB config).
    let empty = Settings::new();
    let from = (
        std::ops::Bound::Included(family.underscored()),
        std::ops::Bound::Unbounded,
    );
    let settings = match settings.range::<str, _>(from).next() {
        Some((k, _)) if k.starts_with(family.underscored()) => settings,
        _ => &empty,
    };
    let d = |suffix: &str| family.name(suffix);
    let timeout = |suffix: &str| -> Result<Value<u64>, InvalidValue> {
        Ok(read(settings, &d(suffix), 1, one(parse_msec))?.unwrap_or(Value::default(60_000)))
    };
    let connect_timeout = timeout("connect_timeout")?;
    let send_timeout = timeout("send_timeout")?;
    let read_timeout = timeout("read_timeout")?;
    let buffer_size = read(settings, &d("buffer_size"), 1, one(parse_size))?.unwrap_or(Value::default(PAGE_SIZE));
    let mut eff = Effective {
        family,
        connect_timeout,
        send_timeout,
        read_timeout,
        buffer_size,
        buffering: None,
    };
    if !family.has_buffering() {
        return Ok(eff);
    }
    let buffering = read(settings, &d("buffering"), 1, one(parse_flag))?.unwrap_or(Value::default(true));
    let buffers = read(settings, &d("buffers"), 2, bufs)?.unwrap_or(Value::default(Bufs {
        num: 8,
        size: PAGE_SIZE,
    }));
    let busy = read(settings, &d("busy_buffers_size"), 1, one(parse_size))?;
    let write = read(settings, &d("temp_file_write_size"), 1, one(parse_size))?;
    let max_temp = read(settings, &d("max_temp_file_size"), 1, one(parse_size))?;
    eff.buffering = Some(Buffering {
        buffering,
        buffers,
        busy_buffers_size: Value::default(0),
        temp_file_write_size: Value::default(0),
        max_temp_file_size: max_temp.unwrap_or(Value::default(1024 << 20)),
    });
    // Derived defaults: twice the larger of the buffer size and one buffer
    // (`*_merge_loc_conf`); `size_t` arithmetic, so wrapping as in C.
    let twice = Value::default(eff.max_buffer().value.wrapping_mul(2));
    if let Some(b) = eff.buffering.as_mut() {
        b.busy_buffers_size = busy.unwrap_or(twice);
        b.temp_file_write_size = write.unwrap_or(twice);
    }
    Ok(eff)
}

/// The effective settings of `family` in location `loc` of `model` (None
/// when there is no such location).
pub fn effective(model: &NginxModel, loc: usize, family: Family) -> Option<Result<Effective, InvalidValue>> {
    model.locations.get(loc).map(|l| effective_in(&l.settings, family))
}

/// How a location talks HTTP to its upstream, for keep-alive: the
/// protocol version and the `Connection` header nginx sends.
#[derive(Debug, Clone, PartialEq)]
pub struct UpstreamHttp {
    /// `proxy_http_version`: "1.0" or "1.1" (or "2"); the default depends
    /// on the nginx version (1.1 from 1.29.7).
    pub http_version: Value<String>,
    /// The `Connection` header nginx sends: `Some("")` (none, what
    /// keep-alive needs), `Some("close")`, another literal, or None when
    /// it comes from a variable (decided per request). Its span is the
    /// `proxy_set_header` statement, or None for nginx's default.
    pub connection: Value<Option<String>>,
}

impl UpstreamHttp {
    /// Whether nginx can return the connection to an upstream's keep-alive
    /// cache: HTTP/1.1 (or 2) and no `Connection: close`
    /// (ngx_http_proxy_module: a request sent with `Connection: close`, or
    /// over HTTP/1.0, is not kept). None when a variable decides.
    pub fn keeps_connections(&self) -> Option<bool> {
        let v11 = self.http_version.value != "1.0";
        match &self.connection.value {
            Some(c) => Some(v11 && !c.eq_ignore_ascii_case("close")),
            None if v11 => None,
            None => Some(false),
        }
    }
}

/// The protocol settings of the proxy module in `settings`, for an nginx
/// that does (`modern`: 1.29.7 or later) or does not default to HTTP/1.1
/// without `Connection: close`.
pub fn upstream_http(settings: &Settings, modern: bool) -> UpstreamHttp {
    let http_version = settings
        .get("proxy_http_version")
        .and_then(|s| s.values.last())
        .and_then(|(args, span)| {
            args.first().map(|a| Value {
                value: a.clone(),
                span: Some(*span),
            })
        })
        .unwrap_or_else(|| Value::default(if modern { "1.1" } else { "1.0" }.to_owned()));
    let set = settings.get("proxy_set_header").and_then(|s| {
        s.values
            .iter()
            .rev()
            .find(|(args, _)| args.first().is_some_and(|h| h.eq_ignore_ascii_case("connection")))
    });
    let connection = match set {
        Some((args, span)) => {
            let v = args.get(1).cloned().unwrap_or_default();
            Value {
                value: (!v.contains('$')).then_some(v),
                span: Some(*span),
            }
        }
        None => Value::default(Some(if modern { "" } else { "close" }.to_owned())),
    };
    UpstreamHttp {
        http_version,
        connection,
    }
}

/// An upstream block's keep-alive cache (ngx_http_upstream_keepalive_module;
/// defaults from its documentation: `keepalive_timeout 60s`,
/// `keepalive_requests 1000`).
#[derive(Debug, Clone, PartialEq)]
pub struct UpstreamKeepalive {
    /// Idle connections cached per worker; 0: no cache. The default is 0
    /// before nginx 1.29.7 and 32 from it (then its span is None).
    pub connections: Value<u64>,
    /// How long nginx keeps an idle upstream connection (ms).
    pub timeout: Value<u64>,
    pub requests: Value<u64>,
}

/// The keep-alive settings of an upstream block, from its directives.
pub fn upstream_keepalive(directives: &[(String, Vec<String>, Span)], modern: bool) -> UpstreamKeepalive {
    let find = |name: &str| directives.iter().rev().find(|(n, _, _)| n == name);
    let connections = match find("keepalive") {
        Some((_, args, span)) => Value {
            value: args.first().and_then(|a| digits(a).ok()).unwrap_or(0),
            span: Some(*span),
        },
        None => Value::default(if modern { 32 } else { 0 }),
    };
    let timeout = find("keepalive_timeout")
        .and_then(|(_, args, span)| {
            let v = parse_msec(args.first()?).ok()?;
            Some(Value {
                value: v,
                span: Some(*span),
            })
        })
        .unwrap_or(Value::default(60_000));
    let requests = find("keepalive_requests")
        .and_then(|(_, args, span)| {
            Some(Value {
                value: digits(args.first()?).ok()?,
                span: Some(*span),
            })
        })
        .unwrap_or(Value::default(1000));
    UpstreamKeepalive {
        connections,
        timeout,
        requests,
    }
}

/// A time in milliseconds as a person would say it: `60 s`, `1.5 s`,
/// `500 ms`.
pub fn format_msec(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else if ms > 1000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else {
        format!("{ms} ms")
    }
}

/// A size as nginx's configuration would write it: `16k`, `1024m`, `100`.
pub fn format_size(n: u64) -> String {
    if n != 0 && n.is_multiple_of(1 << 20) {
        format!("{}m", n >> 20)
    } else if n != 0 && n.is_multiple_of(1 << 10) {
        format!("{}k", n >> 10)
    } else {
        n.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The prefix shortcut in `effective_in` reads a family's settings
    /// whatever sorts around them, and gives the defaults when there are none.
    #[test]
    fn effective_in_reads_each_family_among_the_others() {
        let set = |pairs: &[(&str, &str)]| -> Settings {
            pairs
                .iter()
                .map(|(k, v)| {
                    let s = crate::model::nginx::Setting::of(vec![(vec![v.to_string()], Span::default())]);
                    (k.to_string(), s)
                })
                .collect()
        };
        let s = set(&[
            ("fastcgi_read_timeout", "5s"),
            ("proxy", "x"),
            ("proxy_read_timeout", "7s"),
            ("proxyz_read_timeout", "9s"),
            ("scgi_read_timeout", "11s"),
        ]);
        let t = |f: Family| effective_in(&s, f).expect("valid").read_timeout.value;
        assert_eq!(t(Family::Fastcgi), 5_000);
        assert_eq!(t(Family::Proxy), 7_000);
        assert_eq!(t(Family::Scgi), 11_000);
        assert_eq!(t(Family::Uwsgi), 60_000);
        assert_eq!(t(Family::Grpc), 60_000);
        let only_other = set(&[("uwsgi_read_timeout", "3s")]);
        assert_eq!(
            effective_in(&only_other, Family::Proxy)
                .expect("valid")
                .read_timeout
                .value,
            60_000
        );
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("4k"), Ok(4096));
        assert_eq!(parse_size("4K"), Ok(4096));
        assert_eq!(parse_size("1m"), Ok(1 << 20));
        assert_eq!(parse_size("100"), Ok(100));
        assert_eq!(parse_size("0"), Ok(0));
        assert_eq!(parse_size("1g"), Err(UnitError));
        assert_eq!(parse_offset("1g"), Ok(1 << 30));
        assert_eq!(parse_offset("2G"), Ok(2 << 30));
        for bad in ["", "k", "4kb", "-1", "1.5k", " 4k", "4 k", "99999999999999999999"] {
            assert_eq!(parse_size(bad), Err(UnitError), "{bad:?}");
        }
        assert_eq!(parse_size("9223372036854775807"), Ok(MAX_VALUE));
        assert_eq!(parse_size("9007199254740992k"), Err(UnitError));
    }

    #[test]
    fn times() {
        assert_eq!(parse_msec("60"), Ok(60_000));
        assert_eq!(parse_msec("60s"), Ok(60_000));
        assert_eq!(parse_msec("500ms"), Ok(500));
        assert_eq!(parse_msec("1m30s"), Ok(90_000));
        assert_eq!(parse_msec("1m 30s"), Ok(90_000));
        assert_eq!(parse_msec("1h"), Ok(3_600_000));
        assert_eq!(parse_msec("1d2h"), Ok((24 + 2) * 3_600_000));
        assert_eq!(parse_msec("1w"), Ok(7 * 86_400_000));
        assert_eq!(parse_msec("1s500ms"), Ok(1_500));
        assert_eq!(parse_msec("1m30"), Ok(90_000));
        // a space ends the units: what follows counts as seconds
        assert_eq!(parse_msec("1 1"), Ok(2_000));
        // y and M are refused by the millisecond parser, accepted by the second one.
        assert_eq!(parse_msec("1y"), Err(UnitError));
        assert_eq!(parse_msec("1M"), Err(UnitError));
        assert_eq!(parse_sec("1y"), Ok(365 * 86_400));
        assert_eq!(parse_sec("1M"), Ok(30 * 86_400));
        assert_eq!(parse_sec("5ms"), Err(UnitError));
        for bad in ["", "s", "30s1m", "1s1s", "1x", "1.5s", "-1s"] {
            assert_eq!(parse_msec(bad), Err(UnitError), "{bad:?}");
        }
    }

    #[test]
    fn flags_and_format() {
        assert_eq!(parse_flag("ON"), Ok(true));
        assert_eq!(parse_flag("off"), Ok(false));
        assert_eq!(parse_flag("yes"), Err(UnitError));
        assert_eq!(format_size(16 << 10), "16k");
        assert_eq!(format_size(1 << 30), "1024m");
        assert_eq!(format_size(1000), "1000");
        assert_eq!(format_size(0), "0");
    }

    #[test]
    fn defaults() {
        for f in Family::ALL {
            for suffix in SUFFIXES {
                assert_eq!(f.name(suffix), format!("{}_{suffix}", f.prefix()));
            }
        }
        let e = effective_in(&Settings::new(), Family::Proxy).expect("defaults");
        assert_eq!(e.read_timeout, Value::default(60_000));
        assert_eq!(e.buffer_size.value, 4096);
        let b = e.buffering.expect("proxy buffers");
        assert!(b.buffering.value);
        assert_eq!(b.buffers.value, Bufs { num: 8, size: 4096 });
        assert_eq!(b.busy_buffers_size.value, 8192);
        assert_eq!(b.temp_file_write_size.value, 8192);
        assert_eq!(b.max_temp_file_size.value, 1 << 30);
        let g = effective_in(&Settings::new(), Family::Grpc).expect("defaults");
        assert!(g.buffering.is_none());
    }
}
