//! Who may connect to a backend's unix socket: the mode and owner the
//! server gives the socket file, and the users nginx's workers run as.
//!
//! Connecting to a unix socket needs write permission on the socket file
//! (unix(7)); nginx's workers connect as the `user` of nginx.conf's main
//! context. Facts, each read from the servers' source and observed
//! (testdata/observed/backends.md, case 30):
//! - gunicorn (sock.py `UnixSocket.bind`) binds under `os.umask(umask)`
//!   (default 0: mode 0777) and chowns the file to its `user`/`group`
//!   settings (default: the process's euid/egid). On the command line and in
//!   `GUNICORN_CMD_ARGS` the value goes through `auto_int` (`077` is read as
//!   `0o77`); in a config file an int is taken as is and a string through
//!   `int(value, 0)` (`"0o077"`; `"077"` is an error and gunicorn stops);
//! - uvicorn `--uds` chmods the socket 0666 after bind (config.py,
//!   server.py);
//! - waitress chmods it to `unix_socket_perms`, read as octal (default 600);
//! - uWSGI (core/socket.c `bind_to_unix`): `chmod-socket` alone or `1` gives
//!   0666, three octal digits that mode; without it the process umask
//!   decides (uWSGI's own `umask` option, else the inherited one: systemd's
//!   default `UMask=0022`, supervisord's default umask 022). Without
//!   `chown-socket` uWSGI drops to `uid`/`gid` before binding (core/uwsgi.c),
//!   so the file belongs to them; with it, the file is chowned.
//!
//! A value the text does not decide is unknown, and nothing is judged.

use crate::model::backend::{Backend, BackendModel, value_string};
use crate::model::gunicorn::GunicornConfig;
use crate::model::nginx::{NginxModel, Role};
use crate::model::pm2::Pm2App;
use crate::model::value::Value;
use crate::parse::command::{self, Args, ServerCommand, ServerKind, UwsgiConfig};
use crate::parse::launch::{Launch, LaunchSource};
use crate::source::{SourceDb, Span};

/// A user or group, with where it was decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Who {
    /// As written: a name or a numeric id.
    pub name: String,
    pub span: Span,
    /// Why, when the span does not show the value itself (a default):
    /// "systemd runs this unit as root (no `User=`)".
    pub how: Option<String>,
}

/// The permission bits and ownership of a backend's socket file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocketPerm {
    /// Permission bits (0o7777 at most).
    pub mode: u32,
    pub mode_span: Span,
    /// How the mode was decided: "`--umask 0o077` on the command line".
    pub mode_how: String,
    /// None: not known from the text.
    pub owner: Option<Who>,
    pub group: Option<Who>,
    /// What was assumed on the way (for notes).
    pub assumptions: Vec<String>,
}

/// A user nginx's workers may run as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NginxUser {
    pub user: String,
    pub group: String,
    /// The `user` directive, when written.
    pub span: Option<Span>,
}

/// The users nginx's workers may run as, and whether that is assumed
/// (no main configuration in the repository). Empty: not known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NginxUsers {
    pub users: Vec<NginxUser>,
    /// Set when the repository holds no main nginx.conf: the assumption.
    pub assumed: Option<String>,
}

/// Distribution defaults when no main nginx.conf is in the repository:
/// Debian/Ubuntu `user www-data;`, the nginx.org packages and RHEL `user
/// nginx;`, nginx's compiled-in default `nobody` (group `nogroup` on
/// Debian, observed), Arch `http`.
const DISTRO_USERS: &[(&str, &str)] = &[
    ("www-data", "www-data"),
    ("nginx", "nginx"),
    ("nobody", "nogroup"),
    ("http", "http"),
];

/// The users nginx's workers run as: the `user` directive of each main
/// configuration in the repository (nginx's default `nobody` when a main
/// configuration has none), else the distributions' defaults (assumed).
pub fn nginx_users(n: &NginxModel) -> NginxUsers {
    let mut out = NginxUsers::default();
    let push = |u: NginxUser, out: &mut NginxUsers| {
        if !out.users.iter().any(|x| x.user == u.user && x.group == u.group) {
            out.users.push(u);
        }
    };
    let mains: Vec<_> = n.files.iter().filter(|f| f.role == Role::Main).collect();
    for f in &mains {
        match &f.user {
            Some((args, span)) => {
                let Some(u) = args.first() else { continue };
                // `user name;`: the group of the same name (nginx docs).
                let g = args.get(1).unwrap_or(u);
                push(
                    NginxUser {
                        user: u.to_owned(),
                        group: g.to_owned(),
                        span: Some(*span),
                    },
                    &mut out,
                );
            }
            None => {
                // Compiled-in default (auto/options `NGX_USER=nobody`);
                // the nginx.org packages are built with `--user=nginx`.
                push(
                    NginxUser {
                        user: "nobody".into(),
                        group: "nogroup".into(),
                        span: None,
                    },
                    &mut out,
                );
                push(
                    NginxUser {
                        user: "nginx".into(),
                        group: "nginx".into(),
                        span: None,
                    },
                    &mut out,
                );
            }
        }
    }
    if mains.is_empty() && !n.files.is_empty() {
        for (u, g) in DISTRO_USERS {
            push(
                NginxUser {
                    user: (*u).into(),
                    group: (*g).into(),
                    span: None,
                },
                &mut out,
            );
        }
        out.assumed = Some(
            "the repository holds no main nginx.conf: assuming nginx's workers run as a distribution's \
             default user (www-data, nginx, nobody or http)"
                .into(),
        );
    }
    out
}

/// The same user or group: equal names, equal numeric ids, or `root` and 0.
/// None when a name other than root is compared with a number other than 0
/// (the mapping is unknown).
fn same(a: &str, b: &str) -> Option<bool> {
    let id = |s: &str| -> Option<u64> { if s == "root" { Some(0) } else { s.parse().ok() } };
    if a == b {
        return Some(true);
    }
    match (id(a), id(b)) {
        (Some(x), Some(y)) => Some(x == y),
        (None, None) => Some(false),
        // Only root has id 0: a name other than root is someone else.
        (Some(0), None) | (None, Some(0)) => Some(false),
        _ => None,
    }
}

fn is_root(s: &str) -> bool {
    same(s, "root") == Some(true)
}

/// Whether nginx's workers running as `u` cannot connect to a socket with
/// these permissions. Conservative: false whenever it could work.
/// - root connects to anything;
/// - write for "other" lets everyone connect;
/// - the owner must be known and not be `u` (an owner with write access
///   connects);
/// - with write for the group, `u` may belong to the group through a
///   supplementary group (nginx calls initgroups): denied only when the
///   group is root (assumed: nginx's user is not in group root);
/// - without write for the group, whether `u` is in the group or not, it
///   falls to a class without write.
pub fn denied(p: &SocketPerm, u: &NginxUser) -> bool {
    if is_root(&u.user) || p.mode & 0o002 != 0 {
        return false;
    }
    let Some(owner) = &p.owner else { return false };
    if same(&owner.name, &u.user) != Some(false) {
        return false;
    }
    if p.mode & 0o020 != 0 {
        return p
            .group
            .as_ref()
            .is_some_and(|g| is_root(&g.name) && same(&u.group, "root") == Some(false));
    }
    true
}

/// Python's `int(s, 0)`: `0o`/`0x`/`0b` prefixes, decimal without leading
/// zeros (`"007"` is an error). Underscores are not accepted here (unknown).
pub fn python_int0(s: &str) -> Option<i64> {
    let t = s.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let lower = t.to_ascii_lowercase();
    let (radix, digits) = if let Some(r) = lower.strip_prefix("0o") {
        (8, r)
    } else if let Some(r) = lower.strip_prefix("0x") {
        (16, r)
    } else if let Some(r) = lower.strip_prefix("0b") {
        (2, r)
    } else {
        if lower.len() > 1 && lower.starts_with('0') && lower.chars().any(|c| c != '0') {
            return None;
        }
        (10, lower.as_str())
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let v = i64::from_str_radix(digits, radix).ok()?;
    Some(if neg { -v } else { v })
}

/// gunicorn's `auto_int` (command line and `GUNICORN_CMD_ARGS`): a leading
/// `0` followed by a digit is read as octal, then `int(x, 0)`.
pub fn gunicorn_auto_int(s: &str) -> Option<i64> {
    let t = s.trim();
    let b = t.as_bytes();
    if b.len() >= 2 && b[0] == b'0' && b[1].is_ascii_digit() {
        return python_int0(&format!("0o{}", &t[1..]));
    }
    python_int0(t)
}

/// uWSGI's `uwsgi_mode_t` (the `umask` option): three characters are the
/// octal digits; longer values drop the first (`0022`).
fn uwsgi_mode(s: &str) -> Option<u32> {
    let d = match s.len() {
        3 => s,
        n if n > 3 => s.get(1..4)?,
        _ => return None,
    };
    u32::from_str_radix(d, 8).ok()
}

/// An octal umask as a launcher writes it (`0027`, `027`; supervisor's
/// `umask=022` may have been read as the integer 22).
fn octal(v: &Value) -> Option<u32> {
    let s = match v {
        Value::Str(s) => s.trim().to_owned(),
        Value::Int(i) => i.to_string(),
        _ => return None,
    };
    u32::from_str_radix(&s, 8).ok().filter(|m| *m <= 0o7777)
}

/// What the launcher says about the process it starts.
#[derive(Default)]
struct Process {
    user: Option<Who>,
    group: Option<Who>,
    /// The umask the process starts with.
    umask: Option<(u32, Span, String)>,
    /// Environment the launcher sets.
    env: Vec<(String, String, Span)>,
    assumptions: Vec<String>,
}

impl Process {
    fn env(&self, name: &str) -> Option<(String, Span)> {
        self.env
            .iter()
            .rev()
            .find(|(k, _, _)| k == name)
            .map(|(_, v, s)| (v.clone(), *s))
    }
}

fn contains(outer: Span, inner: Span) -> bool {
    outer.file == inner.file && outer.start <= inner.start && inner.end <= outer.end
}

/// `user[:group]` as Docker, compose and uWSGI's `chown-socket` write it.
fn user_group(text: &str, span: Span) -> (Option<Who>, Option<Who>) {
    let (u, g) = match text.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (text, None),
    };
    let who = |name: &str| {
        (!name.is_empty() && !name.contains('$')).then(|| Who {
            name: name.to_owned(),
            span,
            how: None,
        })
    };
    (who(u), g.and_then(who))
}

fn launch_process(l: &Launch, b: &Backend) -> Process {
    let mut p = Process {
        env: l
            .env
            .iter()
            .filter_map(|(k, v)| value_string(&v.value, &|_| None).map(|s| (k.value.clone(), s, v.span)))
            .collect(),
        ..Process::default()
    };
    let extra_str = |key: &str| {
        l.extra(key)
            .and_then(|v| value_string(&v.value, &|_| None).map(|s| (s, v.span)))
    };
    let named = |key: &str| {
        extra_str(key)
            .filter(|(s, _)| !s.is_empty() && !s.contains('$'))
            .map(|(s, span)| Who {
                name: s,
                span,
                how: None,
            })
    };
    match l.source {
        LaunchSource::Systemd => {
            let prefix = extra_str("exec_prefix").map(|(s, _)| s).unwrap_or_default();
            let dynamic = l.extra("DynamicUser").is_some_and(|v| v.value == Value::Bool(true));
            // `+`/`!` run the command with privileges the unit's User= does
            // not describe.
            if !prefix.contains('+') && !prefix.contains('!') && !dynamic {
                p.user = named("User");
                p.group = named("Group");
                if p.user.is_none() {
                    // systemd.exec(5) User=: "defaults to root".
                    let root = Who {
                        name: "root".into(),
                        span: b.span,
                        how: Some("systemd runs this unit as root (no `User=`)".into()),
                    };
                    if p.group.is_none() {
                        p.group = Some(root.clone());
                    }
                    p.user = Some(root);
                }
            }
            p.umask = match l.extra("UMask") {
                Some(v) => octal(&v.value).map(|m| {
                    let s = value_string(&v.value, &|_| None).unwrap_or_default();
                    (m, v.span, format!("`UMask={s}`"))
                }),
                // systemd.exec(5) UMask=: "Defaults to 0022".
                None => Some((0o022, b.span, "systemd's default `UMask=0022`".into())),
            };
        }
        LaunchSource::Supervisor => {
            p.user = named("user");
            if p.user.is_none() {
                p.user = Some(Who {
                    name: "root".into(),
                    span: b.span,
                    how: Some("supervisord runs this program as its own user, root (no `user=`)".into()),
                });
                p.group = p.user.clone();
                p.assumptions
                    .push("assuming supervisord runs as root, as distribution packages start it".into());
            }
            p.umask = match l.extra("umask") {
                Some(v) => octal(&v.value).map(|m| (m, v.span, format!("`umask={m:03o}`"))),
                // supervisord's `umask` setting defaults to 022; programs
                // inherit it.
                None => Some((0o022, b.span, "supervisord's default umask 022".into())),
            };
        }
        LaunchSource::Dockerfile | LaunchSource::Compose => {
            let key = if l.source == LaunchSource::Dockerfile {
                "USER"
            } else {
                "user"
            };
            if let Some((s, span)) = extra_str(key) {
                let (u, g) = user_group(&s, span);
                p.user = u;
                p.group = g;
            }
            // Docker starts container processes with umask 0022.
            p.umask = Some((0o022, b.span, "Docker's default umask 0022".into()));
        }
        _ => {}
    }
    p
}

fn pm2_process(app: &Pm2App) -> Process {
    let who = |key: &str| {
        let (_, v) = app.entry(key)?;
        let s = value_string(&v.value, &|_| None)?;
        Some(Who {
            name: s,
            span: v.span,
            how: None,
        })
    };
    let mut p = Process {
        user: who("uid").or_else(|| who("user")),
        group: who("gid"),
        ..Process::default()
    };
    if let Some(Value::Map(entries)) = app.env.as_ref().map(|e| &e.value) {
        for (k, v) in entries {
            if let Some(s) = value_string(&v.value, &|_| None) {
                p.env.push((k.value.clone(), s, v.span));
            }
        }
    }
    p
}

/// The launcher's view of a backend's process.
fn process(m: &BackendModel, b: &Backend) -> Process {
    if let Some((_, l)) = m
        .launches
        .iter()
        .find(|(f, l)| *f == b.span.file && l.source != LaunchSource::Uwsgi && contains(l.span, b.span))
    {
        return launch_process(l, b);
    }
    for (f, file) in &m.pm2 {
        if *f != b.span.file {
            continue;
        }
        if let Some(app) = file.apps.iter().find(|a| contains(a.span, b.span)) {
            return pm2_process(app);
        }
    }
    Process::default()
}

/// A gunicorn setting, by the server's precedence: command line >
/// `GUNICORN_CMD_ARGS` > config file. Some((None, …)): set, value unknown.
/// The bool says whether the text came from a config file (parsed with
/// `int(x, 0)` rather than `auto_int`).
type Found = Option<(Option<String>, Span, String, bool)>;

fn gunicorn_setting(
    cmd: Option<&ServerCommand>,
    cmd_args: Option<&Args>,
    config: Option<(&str, &GunicornConfig)>,
    env: &dyn Fn(&str) -> Option<(String, Span)>,
    flag: &str,
    name: &str,
) -> Found {
    if let Some(o) = cmd.and_then(|c| c.args.option(flag))
        && let Some(w) = &o.value
    {
        let (text, _) = command::expand(w, env);
        let known = (!text.contains('$')).then(|| text.clone());
        return Some((known, w.span, format!("`{flag} {text}` on the command line"), false));
    }
    if let Some(o) = cmd_args.and_then(|a| a.option(flag))
        && let Some(w) = &o.value
    {
        return Some((
            Some(w.text.clone()),
            w.span,
            format!("`{flag} {}` in GUNICORN_CMD_ARGS", w.text),
            false,
        ));
    }
    let (file, cfg) = config?;
    let v = cfg.get(name)?;
    if cfg.env_of(name).iter().any(|var| env(var).is_some()) || cfg.is_conditional(name) {
        return Some((None, v.span, format!("`{name}` in {file}"), true));
    }
    if v.value == Value::Null {
        // `user = None`: gunicorn's default.
        return None;
    }
    let (text, how) = match &v.value {
        Value::Int(i) if name == "umask" => (Some(i.to_string()), format!("`{name} = 0o{i:03o}`")),
        Value::Int(i) => (Some(i.to_string()), format!("`{name} = {i}`")),
        Value::Float(_) => (None, format!("`{name}`")),
        other => match value_string(other, env) {
            Some(t) => (Some(t.clone()), format!("`{name} = \"{t}\"`")),
            None => (None, format!("`{name}`")),
        },
    };
    Some((text, v.span, how, true))
}

fn gunicorn_perm(db: &SourceDb, m: &BackendModel, b: &Backend, p: Process) -> Option<SocketPerm> {
    let cmd = b.command.as_deref();
    let env = |name: &str| {
        cmd.and_then(|c| c.env_var(name))
            .map(|e| (e.value.text.clone(), e.value.span))
            .or_else(|| p.env(name))
    };
    let cmd_args = match cmd.and_then(|c| c.env_var("GUNICORN_CMD_ARGS")) {
        Some(e) => command::gunicorn_cmd_args_word(&e.value).ok(),
        None => p
            .env("GUNICORN_CMD_ARGS")
            .and_then(|(v, s)| command::gunicorn_cmd_args(&v, s).ok()),
    };
    let config = b.gunicorn_config.and_then(|f| {
        m.gunicorn
            .iter()
            .find(|(id, _)| *id == f)
            .map(|(id, cfg)| (db.get(*id).display.clone(), cfg))
    });
    let config = config.as_ref().map(|(n, c)| (n.as_str(), *c));
    let umask = gunicorn_setting(cmd, cmd_args.as_ref(), config, &env, "--umask", "umask");
    let (mask, mode_span, how) = match umask {
        Some((text, span, how, from_config)) => {
            let text = text?;
            let v = if from_config {
                python_int0(&text)?
            } else {
                gunicorn_auto_int(&text)?
            };
            (u32::try_from(v).ok()?, span, how)
        }
        None => (0, b.span, "gunicorn's default umask 0".to_owned()),
    };
    let who = |flag: &str, name: &str, fallback: Option<Who>| -> Option<Who> {
        match gunicorn_setting(cmd, cmd_args.as_ref(), config, &env, flag, name) {
            Some((Some(text), span, _, _)) if !text.trim().is_empty() => Some(Who {
                name: text.trim().to_owned(),
                span,
                how: None,
            }),
            Some(_) => None,
            None => fallback,
        }
    };
    let owner = who("--user", "user", p.user.clone());
    let group = who("--group", "group", p.group.clone());
    Some(SocketPerm {
        mode: 0o777 & !mask,
        mode_span,
        mode_how: how,
        owner,
        group,
        assumptions: p.assumptions,
    })
}

fn waitress_perm(b: &Backend, cmd: &ServerCommand, p: Process) -> Option<SocketPerm> {
    let env = |name: &str| p.env(name);
    let (mode, span, how) = match cmd.args.option("--unix-socket-perms").and_then(|o| o.value.as_ref()) {
        Some(w) => {
            let (text, _) = command::expand(w, &env);
            // adjustments.py `asoctal`: int(s, 8).
            let t = text.trim();
            let t = t.strip_prefix("0o").or_else(|| t.strip_prefix("0O")).unwrap_or(t);
            let m = u32::from_str_radix(t, 8).ok()?;
            (m, w.span, format!("`--unix-socket-perms={text}` on the command line"))
        }
        None => (0o600, b.span, "waitress's default `unix_socket_perms` 600".to_owned()),
    };
    Some(SocketPerm {
        mode: mode & 0o7777,
        mode_span: span,
        mode_how: how,
        owner: p.user,
        group: p.group,
        assumptions: p.assumptions,
    })
}

fn uwsgi_perm(cfg: &UwsgiConfig, mut p: Process) -> Option<SocketPerm> {
    let opt = |names: &[&str]| cfg.last(names);
    let (mode, mode_span, mode_how) = match opt(&["chmod-socket", "chmod"]) {
        Some(o) if !o.known => return None,
        Some(o) => {
            let from_cli = o.origin.ends_with("on the command line");
            match o.value.trim() {
                "1" => (0o666, o.span, "`chmod-socket` (0666)".to_owned()),
                "" if from_cli => (0o666, o.span, "`--chmod-socket` (0666)".to_owned()),
                v if v.len() == 3 => (u32::from_str_radix(v, 8).ok()?, o.span, format!("`chmod-socket = {v}`")),
                _ => return None,
            }
        }
        None => {
            // uWSGI's `daemonize` sets umask 0 unless `umask` is given.
            if opt(&["umask"]).is_none() && opt(&["daemonize", "daemonize2"]).is_some() {
                return None;
            }
            let (mask, span, how) = match opt(&["umask"]) {
                Some(o) if !o.known => return None,
                Some(o) => (
                    uwsgi_mode(o.value.trim())?,
                    o.span,
                    format!("`umask = {}`", o.value.trim()),
                ),
                None => p.umask.take()?,
            };
            let mode = 0o777 & !mask;
            (
                mode,
                span,
                format!("no `chmod-socket`, so the umask {mask:04o} applies ({how})"),
            )
        }
    };
    // Owner: `chown-socket`, else `uid`/`gid` (uWSGI drops to them before
    // binding when no `chown-socket` is set), else the process's user.
    let (mut owner, mut group) = (p.user.clone(), p.group.clone());
    let chown = opt(&["chown-socket"]);
    match chown {
        Some(o) if !o.known => return None,
        Some(o) => {
            let (u, g) = user_group(o.value.trim(), o.span);
            owner = u;
            if g.is_some() {
                group = g;
            }
        }
        None => {
            for (name, slot) in [("uid", &mut owner), ("gid", &mut group)] {
                if let Some(o) = opt(&[name]) {
                    *slot = (o.known && !o.value.trim().is_empty()).then(|| Who {
                        name: o.value.trim().to_owned(),
                        span: o.span,
                        how: None,
                    });
                }
            }
            // `uid` without `gid`: the group stays the starting one, which
            // is known only for root.
            if opt(&["uid"]).is_some() && opt(&["gid"]).is_none() && !group.as_ref().is_some_and(|g| is_root(&g.name)) {
                group = None;
            }
        }
    }
    Some(SocketPerm {
        mode,
        mode_span,
        mode_how,
        owner,
        group,
        assumptions: p.assumptions,
    })
}

/// The permissions of the unix sockets a backend creates, when the text
/// decides them. uvicorn (always 0666) and servers not modelled: None.
pub fn socket_perm(db: &SourceDb, m: &BackendModel, b: &Backend) -> Option<SocketPerm> {
    let p = process(m, b);
    if let Some(cfg) = &b.uwsgi {
        return uwsgi_perm(cfg, p);
    }
    match b.command.as_deref().map(|c| c.kind) {
        Some(ServerKind::Gunicorn) => gunicorn_perm(db, m, b, p),
        None if b.server == "gunicorn" && b.gunicorn_config.is_some() => gunicorn_perm(db, m, b, p),
        Some(ServerKind::Waitress) => waitress_perm(b, b.command.as_deref()?, p),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    #[test]
    fn python_int_parsing() {
        assert_eq!(python_int0("0o077"), Some(0o77));
        assert_eq!(python_int0("0x3f"), Some(63));
        assert_eq!(python_int0("63"), Some(63));
        assert_eq!(python_int0("0"), Some(0));
        assert_eq!(python_int0("007"), None);
        assert_eq!(python_int0("0o9"), None);
        assert_eq!(gunicorn_auto_int("077"), Some(0o77));
        assert_eq!(gunicorn_auto_int("007"), Some(0o7));
        assert_eq!(gunicorn_auto_int("0o007"), Some(0o7));
        assert_eq!(gunicorn_auto_int("77"), Some(77));
        assert_eq!(uwsgi_mode("022"), Some(0o22));
        assert_eq!(uwsgi_mode("0027"), Some(0o27));
        assert_eq!(uwsgi_mode("22"), None);
    }

    fn perm(mode: u32, owner: &str, group: Option<&str>) -> SocketPerm {
        let span = Span::new(FileId(0), 0, 0);
        let who = |n: &str| Who {
            name: n.into(),
            span,
            how: None,
        };
        SocketPerm {
            mode,
            mode_span: span,
            mode_how: String::new(),
            owner: Some(who(owner)),
            group: group.map(who),
            assumptions: Vec::new(),
        }
    }

    #[test]
    fn who_may_connect() {
        let www = NginxUser {
            user: "www-data".into(),
            group: "www-data".into(),
            span: None,
        };
        // Observed (case 30): 0700 root:root → denied; 0770 root:www-data → fine;
        // 0770 root:root → denied; 0777 → fine; 0755 www-data:www-data → fine.
        assert!(denied(&perm(0o700, "root", Some("root")), &www));
        assert!(!denied(&perm(0o770, "root", Some("www-data")), &www));
        assert!(denied(&perm(0o770, "root", Some("root")), &www));
        assert!(!denied(&perm(0o777, "root", Some("root")), &www));
        assert!(!denied(&perm(0o755, "www-data", Some("www-data")), &www));
        assert!(denied(&perm(0o755, "app", None), &www));
        // A group-writable socket of another group: www-data may be a member.
        assert!(!denied(&perm(0o770, "app", Some("app")), &www));
        // A numeric owner against a name: unknown.
        assert!(!denied(&perm(0o700, "1000", None), &www));
        let root = NginxUser {
            user: "root".into(),
            group: "root".into(),
            span: None,
        };
        assert!(!denied(&perm(0o700, "app", None), &root));
    }
}
