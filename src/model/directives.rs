//! nginx's directive table: which directives exist, where they are allowed and
//! how many arguments they take. The data is `data/nginx/directives.tsv`,
//! generated from the `ngx_command_t` arrays of nginx and common third-party
//! modules by `scripts/gen_nginx_directives.py` (see data/nginx/README.md).
//! The checks mirror `ngx_conf_handler` in src/core/ngx_conf_file.c.

use std::sync::OnceLock;

/// `data/nginx/directives.tsv`, split into fields by `build.rs`.
#[allow(clippy::type_complexity)] // generated tuples, documented in build.rs
mod generated {
    include!(concat!(env!("OUT_DIR"), "/nginx_directives.rs"));
}

// Flag values from nginx's headers (ngx_conf_file.h, ngx_http_config.h,
// ngx_event.h, ngx_stream.h, ngx_mail.h).
pub const CONF_NOARGS: u32 = 0x0000_0001;
pub const CONF_TAKE1: u32 = 0x0000_0002;
pub const CONF_ARGS_NUMBER: u32 = 0x0000_00ff;
pub const CONF_BLOCK: u32 = 0x0000_0100;
pub const CONF_FLAG: u32 = 0x0000_0200;
pub const CONF_ANY: u32 = 0x0000_0400;
pub const CONF_1MORE: u32 = 0x0000_0800;
pub const CONF_2MORE: u32 = 0x0000_1000;
pub const CONF_MAX_ARGS: usize = 8;
pub const DIRECT_CONF: u32 = 0x0001_0000;
pub const MAIN_CONF: u32 = 0x0100_0000;
pub const ANY_CONF: u32 = 0xFF00_0000;
/// Shared by EVENT_CONF, HTTP_MAIN_CONF, MAIL_MAIN_CONF, STREAM_MAIN_CONF:
/// the module type tells them apart, as in nginx.
pub const SECOND_CONF: u32 = 0x0200_0000;
pub const HTTP_SRV_CONF: u32 = 0x0400_0000;
pub const HTTP_LOC_CONF: u32 = 0x0800_0000;
pub const HTTP_UPS_CONF: u32 = 0x1000_0000;
pub const HTTP_SIF_CONF: u32 = 0x2000_0000;
pub const HTTP_LIF_CONF: u32 = 0x4000_0000;
pub const HTTP_LMT_CONF: u32 = 0x8000_0000;
pub const STREAM_UPS_CONF: u32 = 0x0800_0000;

/// `argument_number[]` in ngx_conf_file.c: the TAKEn flag for n arguments.
const ARGUMENT_NUMBER: [u32; CONF_MAX_ARGS] = [CONF_NOARGS, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModuleType {
    Core,
    Conf,
    Event,
    Http,
    Mail,
    Stream,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub name: &'static str,
    pub module: &'static str,
    pub module_type: ModuleType,
    pub flags: u32,
    pub origin: &'static str,
}

/// Where a directive stands: nginx's `cf->module_type` and `cf->cmd_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Context {
    pub module_type: ModuleType,
    pub cmd_type: u32,
}

impl Context {
    pub const MAIN: Context = Context {
        module_type: ModuleType::Core,
        cmd_type: MAIN_CONF,
    };
    pub const EVENTS: Context = Context {
        module_type: ModuleType::Event,
        cmd_type: SECOND_CONF,
    };
    pub const HTTP: Context = Context {
        module_type: ModuleType::Http,
        cmd_type: SECOND_CONF,
    };
    pub const SERVER: Context = Context {
        module_type: ModuleType::Http,
        cmd_type: HTTP_SRV_CONF,
    };
    pub const LOCATION: Context = Context {
        module_type: ModuleType::Http,
        cmd_type: HTTP_LOC_CONF,
    };
    pub const UPSTREAM: Context = Context {
        module_type: ModuleType::Http,
        cmd_type: HTTP_UPS_CONF,
    };
    pub const SERVER_IF: Context = Context {
        module_type: ModuleType::Http,
        cmd_type: HTTP_SIF_CONF,
    };
    pub const LOCATION_IF: Context = Context {
        module_type: ModuleType::Http,
        cmd_type: HTTP_LIF_CONF,
    };
    pub const LIMIT_EXCEPT: Context = Context {
        module_type: ModuleType::Http,
        cmd_type: HTTP_LMT_CONF,
    };
    pub const STREAM: Context = Context {
        module_type: ModuleType::Stream,
        cmd_type: SECOND_CONF,
    };
    pub const STREAM_SERVER: Context = Context {
        module_type: ModuleType::Stream,
        cmd_type: HTTP_SRV_CONF,
    };
    pub const STREAM_UPSTREAM: Context = Context {
        module_type: ModuleType::Stream,
        cmd_type: STREAM_UPS_CONF,
    };
    pub const MAIL: Context = Context {
        module_type: ModuleType::Mail,
        cmd_type: SECOND_CONF,
    };
    pub const MAIL_SERVER: Context = Context {
        module_type: ModuleType::Mail,
        cmd_type: HTTP_SRV_CONF,
    };

    /// A short name for messages.
    pub fn describe(&self) -> &'static str {
        use ModuleType::*;
        match (self.module_type, self.cmd_type) {
            (Core, _) => "main",
            (Event, _) => "events",
            (Http, SECOND_CONF) => "http",
            (Http, HTTP_SRV_CONF) => "server",
            (Http, HTTP_LOC_CONF) => "location",
            (Http, HTTP_UPS_CONF) => "upstream",
            (Http, HTTP_SIF_CONF) => "if in server",
            (Http, HTTP_LIF_CONF) => "if in location",
            (Http, HTTP_LMT_CONF) => "limit_except",
            (Stream, SECOND_CONF) => "stream",
            (Stream, HTTP_SRV_CONF) => "stream server",
            (Stream, _) => "stream upstream",
            (Mail, SECOND_CONF) => "mail",
            (Mail, _) => "mail server",
            _ => "unknown",
        }
    }
}

/// How a directive was ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Semicolon,
    Block,
}

/// What `ngx_conf_handler` would say about a directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict<'a> {
    Ok(&'a Command),
    /// `unknown directive "x"`.
    Unknown,
    /// `"x" directive is not allowed here`; the contexts where it is allowed.
    NotAllowed(Vec<&'static str>),
    /// `directive "x" is not terminated by ";"`.
    NotTerminated,
    /// `directive "x" has no opening "{"`.
    NoOpeningBrace,
    /// `invalid number of arguments in "x" directive`.
    InvalidArgs(&'a Command),
    /// A directive older nginx versions accept but the table's version removed.
    Removed(&'static Removed),
}

/// A directive removed from nginx: unknown to the table (generated from
/// current sources), still accepted by the versions that had it.
#[derive(Debug, PartialEq, Eq)]
pub struct Removed {
    pub name: &'static str,
    /// The first nginx release without it (from nginx's git history).
    pub removed_in: &'static str,
    pub advice: &'static str,
}

/// Removed directives lint502 recognises (nginx commits d32f66f1e and
/// 6915d2fb2, both first released in 1.25.1).
pub const REMOVED: &[Removed] = &[
    Removed {
        name: "http2_push",
        removed_in: "1.25.1",
        advice: "HTTP/2 server push was removed; use `Link` preload headers or 103 Early Hints",
    },
    Removed {
        name: "http2_push_preload",
        removed_in: "1.25.1",
        advice: "HTTP/2 server push was removed; drop the directive",
    },
    Removed {
        name: "ssl",
        removed_in: "1.25.1",
        advice: "use `listen 443 ssl;` instead of `ssl on;`",
    },
];

/// The commands sorted by name (stable: rows of one name keep their file
/// order), and each name once. Looked up by binary search: building a hash
/// map of the ~1,260 rows cost more than a whole typical check
/// (811k of 4.25M instructions, callgrind, `testdata/deployments/flask-gunicorn-ok`).
pub struct Table {
    commands: Vec<Command>,
    names: Vec<&'static str>,
}

/// nginx's flag names (`ngx_conf_file.h`, `ngx_http_config.h`, …) and their
/// bits as lint502 models them (`*_MAIN_CONF` of a module type is its second
/// level).
const FLAGS: [(&str, u32); 29] = [
    ("CONF_NOARGS", CONF_NOARGS),
    ("CONF_TAKE1", 0x02),
    ("CONF_TAKE2", 0x04),
    ("CONF_TAKE3", 0x08),
    ("CONF_TAKE4", 0x10),
    ("CONF_TAKE5", 0x20),
    ("CONF_TAKE6", 0x40),
    ("CONF_TAKE7", 0x80),
    ("CONF_BLOCK", CONF_BLOCK),
    ("CONF_FLAG", CONF_FLAG),
    ("CONF_ANY", CONF_ANY),
    ("CONF_1MORE", CONF_1MORE),
    ("CONF_2MORE", CONF_2MORE),
    ("DIRECT_CONF", DIRECT_CONF),
    ("MAIN_CONF", MAIN_CONF),
    ("ANY_CONF", ANY_CONF),
    ("EVENT_CONF", SECOND_CONF),
    ("HTTP_MAIN_CONF", SECOND_CONF),
    ("HTTP_SRV_CONF", HTTP_SRV_CONF),
    ("HTTP_LOC_CONF", HTTP_LOC_CONF),
    ("HTTP_UPS_CONF", HTTP_UPS_CONF),
    ("HTTP_SIF_CONF", HTTP_SIF_CONF),
    ("HTTP_LIF_CONF", HTTP_LIF_CONF),
    ("HTTP_LMT_CONF", HTTP_LMT_CONF),
    ("MAIL_MAIN_CONF", SECOND_CONF),
    ("MAIL_SRV_CONF", HTTP_SRV_CONF),
    ("STREAM_MAIN_CONF", SECOND_CONF),
    ("STREAM_SRV_CONF", HTTP_SRV_CONF),
    ("STREAM_UPS_CONF", STREAM_UPS_CONF),
];

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn flag_bit(name: &str) -> Option<u32> {
    let mut i = 0;
    while i < FLAGS.len() {
        if same(FLAGS[i].0, name) {
            return Some(FLAGS[i].1);
        }
        i += 1;
    }
    None
}

/// One row of `directives.tsv` as a command: evaluated when lint502 is
/// compiled (build.rs writes a call per row into a `static`), so start-up
/// does no string matching. None for a row with an unknown module type or
/// flag: it is skipped rather than trusted.
pub const fn command(
    name: &'static str,
    module: &'static str,
    module_type: &str,
    flags: &[&str],
    origin: &'static str,
) -> Option<Command> {
    const TYPES: [(&str, ModuleType); 6] = [
        ("CORE", ModuleType::Core),
        ("CONF", ModuleType::Conf),
        ("EVENT", ModuleType::Event),
        ("HTTP", ModuleType::Http),
        ("MAIL", ModuleType::Mail),
        ("STREAM", ModuleType::Stream),
    ];
    let mut t = 0;
    while t < TYPES.len() && !same(TYPES[t].0, module_type) {
        t += 1;
    }
    if t == TYPES.len() {
        return None;
    }
    let mut bits = 0;
    let mut i = 0;
    while i < flags.len() {
        match flag_bit(flags[i]) {
            Some(b) => bits |= b,
            None => return None,
        }
        i += 1;
    }
    Some(Command {
        name,
        module,
        module_type: TYPES[t].1,
        flags: bits,
        origin,
    })
}

impl Table {
    /// The table compiled into lint502.
    pub fn get() -> &'static Table {
        static TABLE: OnceLock<Table> = OnceLock::new();
        TABLE.get_or_init(|| Table::from_commands(generated::COMMANDS))
    }

    /// The table of these commands (None: a row [`command`] refused).
    pub fn from_commands(rows: &[Option<Command>]) -> Table {
        let mut commands: Vec<Command> = rows.iter().flatten().cloned().collect();
        // build.rs emits the rows already sorted, which a stable sort only
        // checks (one pass); rows from elsewhere get sorted here.
        commands.sort_by_key(|c| c.name);
        let mut names: Vec<&'static str> = commands.iter().map(|c| c.name).collect();
        names.dedup();
        Table { commands, names }
    }

    pub fn commands(&self, name: &str) -> &[Command] {
        let start = self.commands.partition_point(|c| c.name < name);
        let len = self.commands[start..].partition_point(|c| c.name == name);
        &self.commands[start..start + len]
    }

    pub fn len(&self) -> usize {
        self.commands.len()
    }

    pub fn is_empty(&self) -> bool {
        self.commands.is_empty()
    }

    /// All directive names, sorted (for "did you mean": ties between equally
    /// close names go to the first in this order, the same on every run).
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.names.iter().copied()
    }

    /// `ngx_conf_handler`: find the command for `name` in `cx`, then check how
    /// it was ended and its argument count (`nargs` excludes the name).
    pub fn check(&self, cx: Context, name: &str, nargs: usize, ending: Ending) -> Verdict<'_> {
        let cmds = self.commands(name);
        if cmds.is_empty() {
            if let Some(r) = REMOVED.iter().find(|r| r.name == name) {
                return Verdict::Removed(r);
            }
            return Verdict::Unknown;
        }
        for cmd in cmds {
            if cmd.module_type != ModuleType::Conf && cmd.module_type != cx.module_type {
                continue;
            }
            if cmd.flags & cx.cmd_type == 0 {
                continue;
            }
            let is_block = cmd.flags & CONF_BLOCK != 0;
            if !is_block && ending != Ending::Semicolon {
                return Verdict::NotTerminated;
            }
            if is_block && ending != Ending::Block {
                return Verdict::NoOpeningBrace;
            }
            if !args_ok(cmd.flags, nargs) {
                return Verdict::InvalidArgs(cmd);
            }
            return Verdict::Ok(cmd);
        }
        // Name the places in the same family first (`listen` in a location:
        // server, not mail server).
        let same: Vec<&Command> = cmds.iter().filter(|c| c.module_type == cx.module_type).collect();
        let family: Vec<&Command> = if same.is_empty() { cmds.iter().collect() } else { same };
        let mut places: Vec<&'static str> = family.into_iter().flat_map(allowed_places).collect();
        // The usual home first: server, location, http, … (`if` blocks last).
        const ORDER: &[&str] = &[
            "server",
            "location",
            "http",
            "upstream",
            "main",
            "events",
            "stream",
            "stream server",
            "stream upstream",
            "mail",
            "mail server",
            "limit_except",
            "if in server",
            "if in location",
        ];
        places.sort_by_key(|p| ORDER.iter().position(|o| o == p).unwrap_or(ORDER.len()));
        places.dedup();
        Verdict::NotAllowed(places)
    }
}

/// The argument-count test of ngx_conf_handler; `nargs` excludes the name.
fn args_ok(flags: u32, nargs: usize) -> bool {
    let nelts = nargs + 1;
    if flags & CONF_ANY != 0 {
        return true;
    }
    if flags & CONF_FLAG != 0 {
        return nelts == 2;
    }
    if flags & CONF_1MORE != 0 {
        return nelts >= 2;
    }
    if flags & CONF_2MORE != 0 {
        return nelts >= 3;
    }
    if nelts > CONF_MAX_ARGS {
        return false;
    }
    flags & ARGUMENT_NUMBER[nelts - 1] != 0
}

/// Human names of the places a command may stand, for messages.
fn allowed_places(cmd: &Command) -> Vec<&'static str> {
    use ModuleType::*;
    let f = cmd.flags;
    let mut out = Vec::new();
    let has = |bit: u32| f & bit != 0;
    match cmd.module_type {
        Core | Conf => {
            if has(MAIN_CONF) {
                out.push("main");
            }
        }
        Event => out.push("events"),
        Http => {
            for (bit, name) in [
                (SECOND_CONF, "http"),
                (HTTP_SRV_CONF, "server"),
                (HTTP_LOC_CONF, "location"),
                (HTTP_UPS_CONF, "upstream"),
                (HTTP_SIF_CONF, "if in server"),
                (HTTP_LIF_CONF, "if in location"),
                (HTTP_LMT_CONF, "limit_except"),
            ] {
                if has(bit) {
                    out.push(name);
                }
            }
        }
        Stream => {
            for (bit, name) in [
                (SECOND_CONF, "stream"),
                (HTTP_SRV_CONF, "stream server"),
                (STREAM_UPS_CONF, "stream upstream"),
            ] {
                if has(bit) {
                    out.push(name);
                }
            }
        }
        Mail => {
            for (bit, name) in [(SECOND_CONF, "mail"), (HTTP_SRV_CONF, "mail server")] {
                if has(bit) {
                    out.push(name);
                }
            }
        }
    }
    out
}

/// The context a block directive opens, when nginx parses its body as
/// ordinary directives (`None`: a body lint502 does not check directive by
/// directive — handler blocks like `map`, Lua code, third-party blocks).
pub fn child_context(parent: Context, name: &str) -> Option<Context> {
    use ModuleType::*;
    Some(match (parent.module_type, name) {
        (Core, "http") => Context::HTTP,
        (Core, "events") => Context::EVENTS,
        (Core, "stream") => Context::STREAM,
        (Core, "mail") => Context::MAIL,
        (Http, "server") if parent == Context::HTTP => Context::SERVER,
        (Http, "upstream") if parent == Context::HTTP => Context::UPSTREAM,
        (Http, "location") => Context::LOCATION,
        (Http, "if") if parent == Context::SERVER => Context::SERVER_IF,
        (Http, "if") => Context::LOCATION_IF,
        (Http, "limit_except") => Context::LIMIT_EXCEPT,
        (Stream, "server") if parent == Context::STREAM => Context::STREAM_SERVER,
        (Stream, "upstream") if parent == Context::STREAM => Context::STREAM_UPSTREAM,
        (Mail, "server") if parent == Context::MAIL => Context::MAIL_SERVER,
        _ => return None,
    })
}

/// The argument counts a command accepts, in words ("1 or 2", "at least 1").
pub fn describe_args(flags: u32) -> String {
    if flags & CONF_ANY != 0 {
        return "any number of arguments".into();
    }
    if flags & CONF_FLAG != 0 {
        return "1 argument (on or off)".into();
    }
    if flags & CONF_1MORE != 0 {
        return "at least 1 argument".into();
    }
    if flags & CONF_2MORE != 0 {
        return "at least 2 arguments".into();
    }
    let counts: Vec<usize> = (0..CONF_MAX_ARGS)
        .filter(|n| flags & ARGUMENT_NUMBER[*n] != 0)
        .collect();
    match counts.as_slice() {
        [] => "no arguments".into(),
        [0] => "no arguments".into(),
        [1] => "1 argument".into(),
        [n] => format!("{n} arguments"),
        _ => {
            let (last, rest) = counts.split_last().unwrap_or((&0, &[]));
            let rest: Vec<String> = rest.iter().map(|n| n.to_string()).collect();
            format!("{} or {last} arguments", rest.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row of `data/nginx/directives.tsv` is accepted (a typo in a flag
    /// or module type would silently drop a directive), the rows are sorted
    /// for the binary search, and lookups find every command of a name.
    #[test]
    fn table_rows_are_all_accepted_sorted_and_found() {
        assert!(generated::COMMANDS.len() > 1_000);
        let refused = generated::COMMANDS.iter().filter(|c| c.is_none()).count();
        assert_eq!(refused, 0, "rows refused by directives::command");
        let t = Table::get();
        assert_eq!(t.len(), generated::COMMANDS.len());
        assert!(t.commands.windows(2).all(|w| w[0].name <= w[1].name));
        // `server` is a command of http, stream, mail and upstream.
        let server = t.commands("server");
        assert!(server.len() >= 3, "{server:?}");
        assert!(server.iter().all(|c| c.name == "server"));
        let proxy_pass = t.commands("proxy_pass");
        assert!(!proxy_pass.is_empty());
        assert!(
            proxy_pass
                .iter()
                .all(|c| c.module_type == ModuleType::Http || c.module_type == ModuleType::Stream)
        );
        assert!(t.commands("no_such_directive").is_empty());
        assert!(t.commands("").is_empty());
        assert!(t.commands("zzzz").is_empty());
        assert_eq!(command("x", "m", "HTTP", &["CONF_TAKE1", "NOPE"], "o"), None);
        assert_eq!(command("x", "m", "NOPE", &["CONF_TAKE1"], "o"), None);
        let c = command("x", "m", "HTTP", &["HTTP_LOC_CONF", "CONF_TAKE12"], "o");
        assert_eq!(c, None, "CONF_TAKE12 is not a flag name of the table");
        let c = command("x", "m", "HTTP", &["HTTP_LOC_CONF", "CONF_TAKE1"], "o").expect("valid");
        assert_eq!(c.flags, HTTP_LOC_CONF | 0x02);
    }
}
