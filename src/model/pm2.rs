//! PM2 apps as PM2 reads them from an ecosystem file's exported value
//! (`crate::parse::pm2`). The facts come from PM2 7.0.3 (Unitech/pm2 @31adee8):
//!
//! - `API._startJson` (lib/API.js): the app list is `config.apps` if truthy,
//!   else `config.pm2`, else the whole value; a single object becomes a list
//!   of one. `deploy` is read beside it.
//! - `Common.verifyConfs` (lib/Common.js): `cmd`, then `command`, stand in
//!   for a missing `script`.
//! - `Config.validateJSON` (lib/tools/Config.js): every schema key also
//!   answers to its aliases (schema `alias`, and the camelCase form of the
//!   key); the key itself wins when its value is truthy. Keys outside the
//!   schema are dropped silently. `args` and `node_args` given as a string are
//!   split by [`split_args`].
//! - `Common.prepareAppConf`: a truthy `port` sets `env.PORT`;
//!   `Common.mergeEnvironmentVariables`: with `--env <name>`, `env_<name>`
//!   is merged over `env` (so over `port` too).

use crate::model::value::{Spanned, Value};
use crate::source::Span;

/// The app keys PM2 knows: the properties of `lib/API/schema.json` (PM2
/// 7.0.3), except the pattern `^env_\S*$` (see [`is_env_variant_key`]).
pub const APP_KEYS: &[&str] = &[
    "script",
    "name",
    "name_prefix",
    "filter_env",
    "namespace",
    "install_url",
    "cwd",
    "args",
    "exec_interpreter",
    "node_args",
    "out_file",
    "error_file",
    "log_file",
    "disable_logs",
    "log_type",
    "log_date_format",
    "time",
    "env",
    "max_memory_restart",
    "pid_file",
    "restart_delay",
    "exp_backoff_restart_delay",
    "source_map_support",
    "disable_source_map_support",
    "wait_ready",
    "instances",
    "kill_timeout",
    "shutdown_with_message",
    "listen_timeout",
    "cron_restart",
    "merge_logs",
    "vizion",
    "autostart",
    "autorestart",
    "stop_exit_codes",
    "watch_delay",
    "watch",
    "ignore_watch",
    "watch_options",
    "min_uptime",
    "max_restarts",
    "execute_command",
    "exec_mode",
    "force",
    "append_env_to_name",
    "post_update",
    "trace",
    "disable_trace",
    "v8",
    "event_loop_inspector",
    "deep_monitoring",
    "increment_var",
    "instance_var",
    "pmx",
    "automation",
    "treekill",
    "port",
    "username",
    "uid",
    "gid",
    "windowsHide",
    "kill_retry_time",
    "write",
    "io",
];

/// Other names PM2 accepts for an app key: `(alias, key)`, in the order
/// `Config.schema` tries them (schema aliases, then the camelCase form).
pub const APP_KEY_ALIASES: &[(&str, &str)] = &[
    ("exec", "script"),
    ("namePrefix", "name_prefix"),
    ("filterEnv", "filter_env"),
    ("installUrl", "install_url"),
    ("interpreter", "exec_interpreter"),
    ("execInterpreter", "exec_interpreter"),
    ("interpreter_args", "node_args"),
    ("interpreterArgs", "node_args"),
    ("nodeArgs", "node_args"),
    ("out_log", "out_file"),
    ("output", "out_file"),
    ("out", "out_file"),
    ("outFile", "out_file"),
    ("err_log", "error_file"),
    ("err_file", "error_file"),
    ("err", "error_file"),
    ("error", "error_file"),
    ("errorFile", "error_file"),
    ("log", "log_file"),
    ("logFile", "log_file"),
    ("disableLogs", "disable_logs"),
    ("logType", "log_type"),
    ("logDateFormat", "log_date_format"),
    ("maxMemoryRestart", "max_memory_restart"),
    ("pid", "pid_file"),
    ("pidFile", "pid_file"),
    ("restartDelay", "restart_delay"),
    ("expBackoffRestartDelay", "exp_backoff_restart_delay"),
    ("sourceMapSupport", "source_map_support"),
    ("disableSourceMapSupport", "disable_source_map_support"),
    ("waitReady", "wait_ready"),
    ("killTimeout", "kill_timeout"),
    ("shutdownWithMessage", "shutdown_with_message"),
    ("listenTimeout", "listen_timeout"),
    ("cron", "cron_restart"),
    ("cronRestart", "cron_restart"),
    ("combine_logs", "merge_logs"),
    ("mergeLogs", "merge_logs"),
    ("stopExitCodes", "stop_exit_codes"),
    ("watchDelay", "watch_delay"),
    ("ignoreWatch", "ignore_watch"),
    ("watchOptions", "watch_options"),
    ("minUptime", "min_uptime"),
    ("maxRestarts", "max_restarts"),
    ("executeCommand", "execute_command"),
    ("execMode", "exec_mode"),
    ("appendEnvToName", "append_env_to_name"),
    ("postUpdate", "post_update"),
    ("disableTrace", "disable_trace"),
    ("eventLoopInspector", "event_loop_inspector"),
    ("deepMonitoring", "deep_monitoring"),
    ("incrementVar", "increment_var"),
    ("instanceVar", "instance_var"),
    ("user", "uid"),
    ("killRetryTime", "kill_retry_time"),
    // Common.verifyConfs: stand-ins for a missing `script`.
    ("cmd", "script"),
    ("command", "script"),
];

/// `env_<name>`: PM2's schema pattern `^env_\S*$` (the name may be empty).
pub fn is_env_variant_key(key: &str) -> bool {
    key.strip_prefix("env_")
        .is_some_and(|rest| !rest.chars().any(char::is_whitespace))
}

/// Whether PM2 knows this app key (a schema key, an alias or `env_<name>`).
pub fn is_app_key(key: &str) -> bool {
    APP_KEYS.contains(&key) || APP_KEY_ALIASES.iter().any(|(a, _)| *a == key) || is_env_variant_key(key)
}

/// An option given as a string or a list (`args`, `node_args`).
#[derive(Debug, Clone, PartialEq)]
pub struct Args {
    /// The value as written.
    pub raw: Spanned<Value>,
    /// The arguments PM2 passes, when known: a string split as PM2 splits it
    /// ([`split_args`]), or a list's strings (numbers and booleans as
    /// JavaScript prints them). `None` when any part is unknown. Spans are
    /// each argument's own text when the string has no escapes, else the
    /// whole string's span.
    pub list: Option<Vec<Spanned<String>>>,
}

/// `env_<name>`: the variables applied with `pm2 start … --env <name>`.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvVariant {
    /// The variant's name (`production` for `env_production`); the span is
    /// the whole key.
    pub name: Spanned<String>,
    /// The value (a map, normally).
    pub env: Spanned<Value>,
}

/// An app key PM2 does not know (it drops it silently).
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownKey {
    pub key: Spanned<String>,
    /// The nearest known key, when it is close enough to be a typo.
    pub suggestion: Option<&'static str>,
}

/// One app of an ecosystem file. Each option keeps the span of its value;
/// an option given under an alias is found under its PM2 name.
#[derive(Debug, Clone, PartialEq)]
pub struct Pm2App {
    /// The app's whole object.
    pub span: Span,
    /// The app's object as written (for options not listed here).
    pub value: Spanned<Value>,
    pub name: Option<Spanned<Value>>,
    /// `script`, else `cmd`, else `command`, else `exec`.
    pub script: Option<Spanned<Value>>,
    /// The key `script` was read from.
    pub script_key: Option<Spanned<String>>,
    pub args: Option<Args>,
    /// `exec_interpreter`, or its alias `interpreter`.
    pub interpreter: Option<Spanned<Value>>,
    /// `interpreter_args` (an alias of `node_args`: PM2 uses `node_args`
    /// when it is truthy, else this).
    pub interpreter_args: Option<Args>,
    pub node_args: Option<Args>,
    pub cwd: Option<Spanned<Value>>,
    pub exec_mode: Option<Spanned<Value>>,
    pub instances: Option<Spanned<Value>>,
    /// The `env` value (a map, normally).
    pub env: Option<Spanned<Value>>,
    /// `env_<name>` entries, in source order.
    pub env_variants: Vec<EnvVariant>,
    /// `port`: PM2 copies a truthy `port` into `env.PORT`.
    pub port: Option<Spanned<Value>>,
    pub autorestart: Option<Spanned<Value>>,
    pub max_restarts: Option<Spanned<Value>>,
    pub min_uptime: Option<Spanned<Value>>,
    pub restart_delay: Option<Spanned<Value>>,
    pub exp_backoff_restart_delay: Option<Spanned<Value>>,
    pub watch: Option<Spanned<Value>>,
    /// Keys PM2 does not know, in source order.
    pub unknown_keys: Vec<UnknownKey>,
}

impl Pm2App {
    /// The entry for `key` exactly as written (key and value).
    pub fn entry(&self, key: &str) -> Option<(&Spanned<String>, &Spanned<Value>)> {
        match &self.value.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k.value == key).map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// The interpreter arguments PM2 uses: `node_args` when truthy, else
    /// `interpreter_args`.
    pub fn effective_interpreter_args(&self) -> Option<&Args> {
        match &self.node_args {
            Some(a) if truthy(&a.raw.value) => Some(a),
            _ => self.interpreter_args.as_ref().or(self.node_args.as_ref()),
        }
    }
}

/// Where the apps were found.
#[derive(Debug, Clone, PartialEq)]
pub enum Layout {
    /// Under `apps` (or PM2's older `pm2` key): the key.
    Key(Spanned<String>),
    /// The exported value is a list of apps.
    List,
    /// The exported value is one app (PM2 wraps it in a list).
    Single,
    /// The exported value is neither a map nor a list (unknown, a string…).
    Unreadable,
}

/// What an ecosystem file declares.
#[derive(Debug, Clone, PartialEq)]
pub struct Pm2File {
    pub apps: Vec<Pm2App>,
    /// The `deploy` section.
    pub deploy: Option<Spanned<Value>>,
    /// App keys at the top level beside `apps`: PM2 ignores them there
    /// (`restart_delay` next to `apps` instead of inside an app).
    pub top_level_app_keys: Vec<Spanned<String>>,
    pub layout: Layout,
    /// Entries where an app was expected but no object literal is visible
    /// (a spread, a `require(…)`, a variable from elsewhere): PM2 may start
    /// apps lint502 cannot see.
    pub unread: Vec<Spanned<Value>>,
}

/// JavaScript truthiness where the value is known; unknown values count as
/// truthy (they are present).
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Int(i) => *i != 0,
        Value::Float(f) => *f != 0.0 && !f.is_nan(),
        Value::Str(s) => !s.is_empty(),
        _ => true,
    }
}

/// The program PM2 runs a script with, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Interpreter {
    /// `interpreter` / `exec_interpreter` as written (`none`: the script is
    /// executed itself).
    Given(String),
    /// From the script's extension (PM2's lib/API/interpreter.json: `.py`
    /// python, `.sh` bash, `.js` node, `.rb` ruby, `.php`, `.pl`, `.coffee`,
    /// `.ls`, `.ts`/`.tsx` bun or node).
    ByExtension(&'static str),
    /// No interpreter and no known extension: node, unless the file is
    /// binary (a NUL byte in its first 512 bytes). A console script such as
    /// `venv/bin/gunicorn` is text with a `#!` line, so node runs it.
    NodeByDefault,
    /// A script with spaces: PM2 runs `bash -c "<script>"` (a binary: no
    /// interpreter).
    Bash,
}

/// PM2 7.0.4 `Common.sink.resolveInterpreter` (lib/Common.js:415-486) and
/// `verifyConfs` (lib/Common.js:744-764), for a script known as a string.
pub fn interpreter(app: &Pm2App) -> Option<Interpreter> {
    let script = app.script.as_ref()?.value.as_str()?;
    if script.contains(' ') {
        return Some(Interpreter::Bash);
    }
    if let Some(i) = &app.interpreter {
        return match &i.value {
            Value::Str(s) if !s.is_empty() => Some(Interpreter::Given(s.clone())),
            Value::Null | Value::Str(_) => by_extension(script),
            _ => None,
        };
    }
    by_extension(script)
}

fn by_extension(script: &str) -> Option<Interpreter> {
    let name = script.rsplit('/').next().unwrap_or(script);
    let ext = name.rsplit_once('.').map(|(_, e)| e);
    Some(match ext {
        Some("py") => Interpreter::ByExtension("python"),
        Some("sh") => Interpreter::ByExtension("bash"),
        Some("js") => Interpreter::ByExtension("node"),
        Some("rb") => Interpreter::ByExtension("ruby"),
        Some("php") => Interpreter::ByExtension("php"),
        Some("pl") => Interpreter::ByExtension("perl"),
        Some("coffee") => Interpreter::ByExtension("coffee"),
        Some("ls") => Interpreter::ByExtension("lsc"),
        Some("ts" | "tsx") => Interpreter::ByExtension("bun"),
        _ => Interpreter::NodeByDefault,
    })
}

impl Interpreter {
    /// Whether node (or bun) runs the script.
    pub fn is_node(&self) -> bool {
        match self {
            Interpreter::Given(s) => {
                let base = s.rsplit('/').next().unwrap_or(s);
                base == "node" || base.ends_with("node") || base == "bun" || base.ends_with("bun")
            }
            Interpreter::ByExtension(i) => matches!(*i, "node" | "bun"),
            Interpreter::NodeByDefault => true,
            Interpreter::Bash => false,
        }
    }
}

/// Whether PM2 runs the app in cluster mode: `exec_mode` as written
/// (`cluster`, `cluster_mode`), else PM2's default, cluster for a node/bun
/// interpreter when `instances` is given (`Common.sink.determineExecMode`,
/// lib/Common.js:339-356). None when `exec_mode` is not a known string.
pub fn cluster_mode(app: &Pm2App) -> Option<bool> {
    match &app.exec_mode {
        Some(m) => match &m.value {
            Value::Str(s) => Some(s.starts_with("cluster")),
            Value::Null => Some(false),
            _ => None,
        },
        None => {
            let instances = app.instances.as_ref().is_some_and(|i| match &i.value {
                Value::Int(n) => *n >= 1 || *n == 0 || *n == -1,
                Value::Str(s) => s.parse::<i64>().is_ok_and(|n| n >= 1 || n == 0 || n == -1),
                _ => false,
            });
            Some(instances && interpreter(app).is_some_and(|i| i.is_node()))
        }
    }
}

/// The apps of an ecosystem file's exported value, as PM2 finds them.
pub fn read(root: &Spanned<Value>) -> Pm2File {
    let mut file = Pm2File {
        apps: Vec::new(),
        deploy: None,
        top_level_app_keys: Vec::new(),
        layout: Layout::Unreadable,
        unread: Vec::new(),
    };
    match &root.value {
        Value::Map(entries) => {
            file.deploy = root.value.get("deploy").cloned();
            let list = ["apps", "pm2"]
                .iter()
                .find_map(|name| entries.iter().find(|(k, v)| k.value == *name && truthy(&v.value)));
            match list {
                Some((key, apps)) => {
                    file.layout = Layout::Key(key.clone());
                    file.top_level_app_keys = entries
                        .iter()
                        .filter(|(k, _)| is_app_key(&k.value))
                        .map(|(k, _)| k.clone())
                        .collect();
                    match &apps.value {
                        Value::List(items) => items.iter().for_each(|i| add_app(&mut file, i)),
                        _ => add_app(&mut file, apps),
                    }
                }
                None => {
                    file.layout = Layout::Single;
                    add_app(&mut file, root);
                }
            }
        }
        Value::List(items) => {
            file.layout = Layout::List;
            items.iter().for_each(|i| add_app(&mut file, i));
        }
        _ => file.unread.push(root.clone()),
    }
    file
}

fn add_app(file: &mut Pm2File, v: &Spanned<Value>) {
    match app(v) {
        Some(a) => file.apps.push(a),
        None => file.unread.push(v.clone()),
    }
}

/// The first of `names` (PM2's order) with a truthy value, else the first
/// present.
fn pick<'a>(
    entries: &'a [(Spanned<String>, Spanned<Value>)],
    names: &[&str],
) -> Option<&'a (Spanned<String>, Spanned<Value>)> {
    let present: Vec<&(Spanned<String>, Spanned<Value>)> = names
        .iter()
        .filter_map(|n| entries.iter().find(|(k, _)| k.value == *n))
        .collect();
    present
        .iter()
        .find(|(_, v)| truthy(&v.value))
        .or(present.first())
        .copied()
}

fn app(v: &Spanned<Value>) -> Option<Pm2App> {
    let Value::Map(entries) = &v.value else {
        return None;
    };
    let get = |names: &[&str]| pick(entries, names).map(|(_, v)| v.clone());
    let args = |names: &[&str]| pick(entries, names).map(|(_, v)| args_of(v));
    let script_entry = pick(entries, &["script", "cmd", "command", "exec"]);
    let env_variants = entries
        .iter()
        .filter(|(k, _)| is_env_variant_key(&k.value))
        .map(|(k, v)| EnvVariant {
            name: Spanned::new(k.value["env_".len()..].to_string(), k.span),
            env: v.clone(),
        })
        .collect();
    let unknown_keys = entries
        .iter()
        .filter(|(k, _)| !is_app_key(&k.value))
        .map(|(k, _)| UnknownKey {
            key: k.clone(),
            suggestion: suggest(&k.value),
        })
        .collect();
    Some(Pm2App {
        span: v.span,
        value: v.clone(),
        name: get(&["name"]),
        script: script_entry.map(|(_, v)| v.clone()),
        script_key: script_entry.map(|(k, _)| k.clone()),
        args: args(&["args"]),
        interpreter: get(&["exec_interpreter", "interpreter", "execInterpreter"]),
        interpreter_args: args(&["interpreter_args", "interpreterArgs"]),
        node_args: args(&["node_args", "nodeArgs"]),
        cwd: get(&["cwd"]),
        exec_mode: get(&["exec_mode", "execMode"]),
        instances: get(&["instances"]),
        env: get(&["env"]),
        env_variants,
        port: get(&["port"]),
        autorestart: get(&["autorestart"]),
        max_restarts: get(&["max_restarts", "maxRestarts"]),
        min_uptime: get(&["min_uptime", "minUptime"]),
        restart_delay: get(&["restart_delay", "restartDelay"]),
        exp_backoff_restart_delay: get(&["exp_backoff_restart_delay", "expBackoffRestartDelay"]),
        watch: get(&["watch"]),
        unknown_keys,
    })
}

/// The value of an environment variable for an app started with
/// `--env <variant>` (or without, when `variant` is None), as PM2 builds the
/// environment: `env_<variant>` over `port` (for `PORT`) over `env`. Values
/// PM2 inherits from the shell, `deploy.<variant>.env` and entries hidden in
/// a spread (`...process.env`, shown as a key starting with `...`) are not
/// seen.
pub fn env_value<'a>(app: &'a Pm2App, variant: Option<&str>, key: &str) -> Option<&'a Spanned<Value>> {
    if let Some(name) = variant
        && let Some(found) = app
            .env_variants
            .iter()
            .find(|e| e.name.value == name)
            .and_then(|e| e.env.value.get(key))
    {
        return Some(found);
    }
    if key == "PORT"
        && let Some(port) = &app.port
        && truthy(&port.value)
    {
        return Some(port);
    }
    app.env.as_ref().and_then(|e| e.value.get(key))
}

/// Split an argument string as PM2 does (`Config._valid`, lib/tools/Config.js):
/// tokens match `[^\s"'=]+="[^"]*"`, `[^\s"'=]+='[^']*'`, `"[^"]*"`,
/// `'[^']*'` or `\S+`, in that order; a token wholly in quotes loses them;
/// empty tokens are dropped. No shell expansion: `$PORT` stays as written.
/// Returns each argument with its byte range in `s`.
pub fn split_args(s: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let b = s.as_bytes();
    let is_ws = |i: usize| s[i..].chars().next().is_some_and(char::is_whitespace);
    let char_len = |i: usize| s[i..].chars().next().map_or(1, char::len_utf8);
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if is_ws(i) {
            i += char_len(i);
            continue;
        }
        let start = i;
        // A run of characters other than white space, quotes and `=`.
        let mut run = i;
        while run < b.len() && !is_ws(run) && !matches!(b[run], b'"' | b'\'' | b'=') {
            run += char_len(run);
        }
        let closing = |q: u8, from: usize| s.get(from..).and_then(|r| r.find(q as char)).map(|k| from + k);
        let end = if run > i
            && b.get(run) == Some(&b'=')
            && let Some(&q) = b.get(run + 1).filter(|q| matches!(q, b'"' | b'\''))
            && let Some(close) = closing(q, run + 2)
        {
            close + 1
        } else if matches!(b[i], b'"' | b'\'')
            && let Some(close) = closing(b[i], i + 1)
        {
            close + 1
        } else {
            let mut j = i;
            while j < b.len() && !is_ws(j) {
                j += char_len(j);
            }
            j
        };
        let token = &s[start..end];
        let unquoted = if token.len() >= 2
            && ((token.starts_with('"') && token.ends_with('"')) || (token.starts_with('\'') && token.ends_with('\'')))
        {
            &token[1..token.len() - 1]
        } else if token == "\"" || token == "'" {
            ""
        } else {
            token
        };
        if !unquoted.trim().is_empty() {
            out.push((unquoted.to_string(), start..end));
        }
        i = end;
    }
    out
}

/// Where the text of a string value starts inside its span, when the span
/// holds the value verbatim (no escapes): 0 for bare text, 1 inside quotes.
fn verbatim_offset(v: &Spanned<String>) -> Option<usize> {
    let len = (v.span.end - v.span.start) as usize;
    if len == v.value.len() {
        Some(0)
    } else if len == v.value.len() + 2 {
        Some(1)
    } else {
        None
    }
}

fn args_of(v: &Spanned<Value>) -> Args {
    let list = match &v.value {
        Value::Str(s) => {
            let sv = Spanned::new(s.clone(), v.span);
            let offset = verbatim_offset(&sv);
            Some(
                split_args(s)
                    .into_iter()
                    .map(|(a, r)| {
                        let span = match offset {
                            Some(o) => Span {
                                file: v.span.file,
                                start: v.span.start + (o + r.start) as u32,
                                end: v.span.start + (o + r.end) as u32,
                            },
                            None => v.span,
                        };
                        Spanned::new(a, span)
                    })
                    .collect(),
            )
        }
        Value::List(items) => items
            .iter()
            .map(|i| {
                let s = match &i.value {
                    Value::Str(s) => s.clone(),
                    Value::Int(n) => n.to_string(),
                    Value::Float(f) => f.to_string(),
                    Value::Bool(b) => b.to_string(),
                    Value::Null => "null".into(),
                    _ => return None,
                };
                Some(Spanned::new(s, i.span))
            })
            .collect(),
        _ => None,
    };
    Args { raw: v.clone(), list }
}

/// The known key nearest to `key`, if within a third of its length (at
/// least 1): `intances` → `instances`, `scirpt` → `script`.
pub fn suggest(key: &str) -> Option<&'static str> {
    let limit = (key.chars().count() / 3).max(1);
    let mut near = crate::text::Near::new(key);
    APP_KEYS
        .iter()
        .copied()
        .chain(APP_KEY_ALIASES.iter().map(|(a, _)| *a))
        .filter_map(|k| Some((near.distance_within(k, limit)?, k)))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::pm2::{Pm2Format, parse};
    use crate::source::FileId;

    fn file(text: &str, format: Pm2Format) -> Pm2File {
        match parse(FileId(0), text, format) {
            Ok(v) => read(&v),
            Err(e) => panic!("{text:?}: {}", e.message),
        }
    }

    fn js(text: &str) -> Pm2File {
        file(text, Pm2Format::Js)
    }

    fn one(text: &str) -> Pm2App {
        let mut f = js(text);
        assert_eq!(f.apps.len(), 1, "{f:?}");
        f.apps.remove(0)
    }

    fn val(v: &Option<Spanned<Value>>) -> Option<Value> {
        v.as_ref().map(|v| v.value.clone())
    }

    fn slice(text: &str, s: Span) -> &str {
        &text[s.range()]
    }

    #[test]
    fn the_known_keys_are_the_schema_properties() {
        assert_eq!(APP_KEYS.len(), 64);
        for (alias, key) in APP_KEY_ALIASES {
            assert!(APP_KEYS.contains(key), "{alias} -> {key}");
            assert!(!APP_KEYS.contains(alias), "{alias}");
        }
    }

    #[test]
    fn apps_under_apps_pm2_a_list_or_alone() {
        let f = js("module.exports = { apps: [{ script: 'a.js' }, { script: 'b.js' }], deploy: { production: {} } }");
        assert_eq!(f.apps.len(), 2);
        assert!(matches!(&f.layout, Layout::Key(k) if k.value == "apps"));
        assert!(f.deploy.is_some());
        let f = js("module.exports = { pm2: [{ script: 'a.js' }] }");
        assert!(matches!(&f.layout, Layout::Key(k) if k.value == "pm2"));
        assert_eq!(f.apps.len(), 1);
        // `apps` wins over `pm2`, but only when truthy.
        let f = js("module.exports = { apps: null, pm2: [{ script: 'p.js' }] }");
        assert_eq!(val(&f.apps[0].script), Some(Value::Str("p.js".into())));
        let f = file("[{\"script\": \"a.js\"}, {\"script\": \"b.js\"}]", Pm2Format::Json);
        assert_eq!((f.layout, f.apps.len()), (Layout::List, 2));
        let f = js("module.exports = { script: 'unknown.js' }");
        assert_eq!((f.layout.clone(), f.apps.len()), (Layout::Single, 1));
        assert_eq!(val(&f.apps[0].script), Some(Value::Str("unknown.js".into())));
        // `apps` holding one object: PM2 wraps it.
        let f = file(
            "{\"apps\": {\"script\": \"x.js\", \"treekill\": false}}",
            Pm2Format::Json,
        );
        assert_eq!(f.apps.len(), 1);
        let f = file("- script: ./index.js\n  name: custom-actions\n", Pm2Format::Yaml);
        assert_eq!((f.layout, f.apps.len()), (Layout::List, 1));
    }

    #[test]
    fn entries_that_are_not_objects_are_unread() {
        let f = js("module.exports = { apps: [...require('./more'), { script: 'a.js' }, base] }");
        assert_eq!(f.apps.len(), 1);
        assert_eq!(f.unread.len(), 2);
        let f = js("module.exports = require('./apps')");
        assert_eq!((f.layout, f.apps.len(), f.unread.len()), (Layout::Unreadable, 0, 1));
    }

    #[test]
    fn app_keys_at_the_top_level_are_reported() {
        let text = "module.exports = { apps: [{ script: 'a.js' }], restart_delay: 10000, max_restarts: 3, \
                    deploy: {}, name: 'x' }";
        let f = js(text);
        let keys: Vec<&str> = f.top_level_app_keys.iter().map(|k| k.value.as_str()).collect();
        assert_eq!(keys, ["restart_delay", "max_restarts", "name"]);
        assert_eq!(slice(text, f.top_level_app_keys[0].span), "restart_delay");
        // Without `apps`, the whole value is the app: nothing is misplaced.
        assert!(
            js("module.exports = { script: 'a.js', restart_delay: 1 }")
                .top_level_app_keys
                .is_empty()
        );
    }

    #[test]
    fn fields_keep_their_spans() {
        let text = "module.exports = { apps: [{ name: 'api', script: 'venv/bin/gunicorn', interpreter: 'none', \
                    cwd: '/srv/api', exec_mode: 'fork', instances: 4, port: 8000, autorestart: false, \
                    max_restarts: 10, min_uptime: '5s', restart_delay: 100, exp_backoff_restart_delay: 150, \
                    watch: ['src'] }] }";
        let a = one(text);
        let s = |v: &Option<Spanned<Value>>| slice(text, v.as_ref().expect("present").span);
        assert_eq!(s(&a.name), "'api'");
        assert_eq!(s(&a.script), "'venv/bin/gunicorn'");
        assert_eq!(a.script_key.as_ref().map(|k| k.value.as_str()), Some("script"));
        assert_eq!(s(&a.interpreter), "'none'");
        assert_eq!(s(&a.cwd), "'/srv/api'");
        assert_eq!(s(&a.exec_mode), "'fork'");
        assert_eq!(val(&a.instances), Some(Value::Int(4)));
        assert_eq!(s(&a.port), "8000");
        assert_eq!(val(&a.autorestart), Some(Value::Bool(false)));
        assert_eq!(val(&a.max_restarts), Some(Value::Int(10)));
        assert_eq!(val(&a.min_uptime), Some(Value::Str("5s".into())));
        assert_eq!(val(&a.restart_delay), Some(Value::Int(100)));
        assert_eq!(val(&a.exp_backoff_restart_delay), Some(Value::Int(150)));
        assert_eq!(s(&a.watch), "['src']");
        assert!(slice(text, a.span).starts_with("{ name: 'api'"));
        assert!(a.unknown_keys.is_empty());
        assert_eq!(a.entry("port").map(|(k, _)| slice(text, k.span)), Some("port"));
    }

    #[test]
    fn aliases_as_pm2_resolves_them() {
        let a =
            one("module.exports = { apps: [{ cmd: 'echo.py', exec_interpreter: 'python3', interpreter: 'node' }] }");
        assert_eq!(val(&a.script), Some(Value::Str("echo.py".into())));
        assert_eq!(a.script_key.as_ref().map(|k| k.value.as_str()), Some("cmd"));
        assert_eq!(val(&a.interpreter), Some(Value::Str("python3".into())));
        // `script` wins over `cmd` when truthy; a falsy `exec_interpreter` yields to `interpreter`.
        let a = one("module.exports = { script: 'a.js', cmd: 'b.js', exec_interpreter: '', interpreter: 'bash' }");
        assert_eq!(val(&a.script), Some(Value::Str("a.js".into())));
        assert_eq!(val(&a.interpreter), Some(Value::Str("bash".into())));
        let a = one("module.exports = { command: 'x', execMode: 'cluster', maxRestarts: 2 }");
        assert_eq!(val(&a.script), Some(Value::Str("x".into())));
        assert_eq!(val(&a.exec_mode), Some(Value::Str("cluster".into())));
        assert_eq!(val(&a.max_restarts), Some(Value::Int(2)));
        assert!(a.unknown_keys.is_empty());
    }

    #[test]
    fn interpreter_args_and_node_args() {
        let a = one("module.exports = { script: 'a', interpreter_args: '-u', node_args: '' }");
        assert_eq!(
            a.interpreter_args
                .as_ref()
                .and_then(|x| x.list.clone())
                .map(|l| l.len()),
            Some(1)
        );
        assert_eq!(
            a.effective_interpreter_args().map(|x| x.raw.value.clone()),
            Some(Value::Str("-u".into()))
        );
        let a = one("module.exports = { script: 'a', interpreter_args: '-u', node_args: '--harmony' }");
        assert_eq!(
            a.effective_interpreter_args().map(|x| x.raw.value.clone()),
            Some(Value::Str("--harmony".into()))
        );
    }

    #[test]
    fn args_string_split_with_spans() {
        let text = "module.exports = { script: 'venv/bin/gunicorn', args: '-k uvicorn.workers.UvicornWorker \
                    main:app --bind \"0.0.0.0:$PORT\"' }";
        let a = one(text);
        let args = a.args.expect("args");
        let list = args.list.expect("known");
        let got: Vec<(&str, &str)> = list.iter().map(|s| (s.value.as_str(), slice(text, s.span))).collect();
        assert_eq!(
            got,
            [
                ("-k", "-k"),
                ("uvicorn.workers.UvicornWorker", "uvicorn.workers.UvicornWorker"),
                ("main:app", "main:app"),
                ("--bind", "--bind"),
                ("0.0.0.0:$PORT", "\"0.0.0.0:$PORT\""),
            ]
        );
        // With escapes the spans fall back to the whole string.
        let text = "module.exports = { script: 'x', args: 'a\\'b c' }";
        let a = one(text);
        let list = a.args.and_then(|x| x.list).expect("known");
        assert_eq!(list.iter().map(|s| s.value.as_str()).collect::<Vec<_>>(), ["a'b", "c"]);
        assert_eq!(slice(text, list[1].span), "'a\\'b c'");
    }

    #[test]
    fn args_list_and_unknown() {
        let text = "module.exports = { script: 'x', args: ['--port', 8000, true] }";
        let a = one(text);
        let list = a.args.and_then(|x| x.list).expect("known");
        let got: Vec<(&str, &str)> = list.iter().map(|s| (s.value.as_str(), slice(text, s.span))).collect();
        assert_eq!(got, [("--port", "'--port'"), ("8000", "8000"), ("true", "true")]);
        let a = one("module.exports = { script: 'x', args: ['--port', process.env.PORT] }");
        assert_eq!(a.args.map(|x| x.list), Some(None));
        let a = one("module.exports = { script: 'x', args: process.argv.slice(2) }");
        assert_eq!(a.args.map(|x| x.list), Some(None));
    }

    #[test]
    fn yaml_args_spans() {
        let text = "apps:\n  - script: gunicorn\n    args: -w 4 app:app\n    instances: 4,\n";
        let f = file(text, Pm2Format::Yaml);
        let a = &f.apps[0];
        let list = a.args.as_ref().and_then(|x| x.list.clone()).expect("known");
        let got: Vec<&str> = list.iter().map(|s| slice(text, s.span)).collect();
        assert_eq!(got, ["-w", "4", "app:app"]);
        assert_eq!(val(&a.instances), Some(Value::Str("4,".into())));
    }

    #[test]
    fn split_args_matches_pm2() {
        // Expected lists produced by PM2's own regex and filters (lib/tools/Config.js) in node.
        let cases: &[(&str, &[&str])] = &[
            (
                "-k uvicorn.workers.UvicornWorker main:app --bind 0.0.0.0:$PORT",
                &[
                    "-k",
                    "uvicorn.workers.UvicornWorker",
                    "main:app",
                    "--bind",
                    "0.0.0.0:$PORT",
                ],
            ),
            ("--name=\"a b\" c", &["--name=\"a b\"", "c"]),
            ("\"quoted arg\" x", &["quoted arg", "x"]),
            ("'single q' y", &["single q", "y"]),
            ("a=\"unterminated b", &["a=\"unterminated", "b"]),
            ("\"\" x \"\"", &["x"]),
            (
                "['--toto=heya coco', '-d', ' 1']",
                &["['--toto=heya", "coco',", "-d", ",", " 1", "]"],
            ),
            ("  lead  trail  ", &["lead", "trail"]),
            ("a=b=c \"x\"y", &["a=b=c", "x", "y"]),
            ("\u{e9} \u{fc}", &["\u{e9}", "\u{fc}"]),
            ("\"a\"\"b\"", &["a", "b"]),
        ];
        for (input, want) in cases {
            let got: Vec<String> = split_args(input).into_iter().map(|(a, _)| a).collect();
            assert_eq!(&got, want, "{input:?}");
        }
        let ranges: Vec<_> = split_args("a \"b c\"").into_iter().map(|(_, r)| r).collect();
        assert_eq!(ranges, [0..1, 2..7]);
    }

    #[test]
    fn env_and_variants() {
        let text = "module.exports = { apps: [{ script: 'a', port: 9000, env: { PORT: 8000, NODE_ENV: 'dev' }, \
                    env_production: { PORT: 80 }, env_file: '.env' }] }";
        let a = &js(text).apps[0];
        let names: Vec<&str> = a.env_variants.iter().map(|v| v.name.value.as_str()).collect();
        assert_eq!(names, ["production", "file"]);
        assert_eq!(slice(text, a.env_variants[0].name.span), "env_production");
        let get = |variant: Option<&str>, key: &str| env_value(a, variant, key).map(|v| slice(text, v.span));
        // `port` overrides env.PORT; env_<variant> overrides both.
        assert_eq!(get(None, "PORT"), Some("9000"));
        assert_eq!(get(Some("production"), "PORT"), Some("80"));
        assert_eq!(get(Some("staging"), "PORT"), Some("9000"));
        assert_eq!(get(Some("production"), "NODE_ENV"), Some("'dev'"));
        assert_eq!(get(None, "MISSING"), None);
        let a = one("module.exports = { script: 'a', port: 0, env: { PORT: 8000 } }");
        assert_eq!(
            env_value(&a, None, "PORT").map(|v| v.value.clone()),
            Some(Value::Int(8000))
        );
        let a = one("module.exports = { script: 'a', env: { PORT: process.env.PORT || 3000 } }");
        assert!(matches!(
            env_value(&a, None, "PORT").map(|v| &v.value),
            Some(Value::Env { name, default: Some(_) }) if name == "PORT"
        ));
    }

    #[test]
    fn unknown_keys_with_suggestions() {
        let text = "module.exports = { script: 'a', intances: 4, scirpt: 'b', health_check_grace_period: 3000, \
                    exec_mod: 'fork', env_file: '.env', 'max memory': 1 }";
        let a = one(text);
        let got: Vec<(&str, Option<&str>)> = a
            .unknown_keys
            .iter()
            .map(|k| (slice(text, k.key.span), k.suggestion))
            .collect();
        assert_eq!(
            got,
            [
                ("intances", Some("instances")),
                ("scirpt", Some("script")),
                ("health_check_grace_period", None),
                ("exec_mod", Some("exec_mode")),
                ("'max memory'", None),
            ]
        );
        assert_eq!(suggest("interpeter"), Some("interpreter"));
        assert_eq!(suggest("max"), None);
        assert!(is_env_variant_key("env_") && !is_env_variant_key("env") && !is_env_variant_key("env_a b"));
    }

    #[test]
    fn truthiness() {
        for (v, t) in [
            (Value::Null, false),
            (Value::Bool(false), false),
            (Value::Int(0), false),
            (Value::Float(f64::NAN), false),
            (Value::Str(String::new()), false),
            (Value::Str("0".into()), true),
            (Value::List(vec![]), true),
            (Value::Unknown("x".into()), true),
        ] {
            assert_eq!(truthy(&v), t, "{v:?}");
        }
    }
}
