//! `lint502 graph`: the request path of a deployment as a Mermaid flowchart
//! or a Graphviz DOT digraph.
//!
//! Each nginx `server` (its `server_name` and `listen`) leads to its
//! locations; a location's `*_pass` leads to an upstream or straight to a
//! backend listener; a listener belongs to a backend (the server program and
//! what starts it), which loads an app (`module:variable`, when known). A
//! `*_pass` or upstream `server` that reaches no listener leads to a node
//! saying so ("nothing listens on 127.0.0.1:8000").
//!
//! Findings mark edges: an edge is drawn red and dashed, and labelled with
//! the codes of the diagnostics whose primary or secondary spans fall on
//! what the edge stands for (the `*_pass` argument, the upstream `server`
//! address, the backend listener's text, the app spec).
//!
//! The output is deterministic: nodes are numbered per kind in source order
//! (file shown, then offset), and edges are sorted by their ends.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::Diagnostic;
use crate::model::Deployment;
use crate::model::address::{self, Bind};
use crate::model::nginx::{Endpoint, TargetKind};
use crate::rules::cross;
use crate::source::{SourceDb, Span};

/// The output syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    Mermaid,
    Dot,
}

/// What a node stands for, in drawing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NodeKind {
    Server,
    Location,
    Upstream,
    Listener,
    Backend,
    App,
    /// A `*_pass` or upstream `server` that reaches no backend listener.
    Unreached,
}

impl NodeKind {
    fn prefix(self) -> &'static str {
        match self {
            NodeKind::Server => "server",
            NodeKind::Location => "location",
            NodeKind::Upstream => "upstream",
            NodeKind::Listener => "listener",
            NodeKind::Backend => "backend",
            NodeKind::App => "app",
            NodeKind::Unreached => "unreached",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// `server1`, `location2`, … (ASCII letters and digits only).
    pub id: String,
    pub kind: NodeKind,
    /// The text shown, unescaped.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// Indices into [`Graph::nodes`].
    pub from: usize,
    pub to: usize,
    /// The directive it follows (`proxy_pass`, `server`), or empty.
    pub label: String,
    /// Codes of the findings on this edge, sorted.
    pub codes: Vec<&'static str>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

/// A node before numbering: its kind and a key that orders it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    kind: NodeKind,
    file: String,
    start: u32,
    text: String,
    /// Tie-breaker: the model's index.
    index: (usize, usize),
}

struct Builder<'a> {
    db: &'a SourceDb,
    diagnostics: &'a [Diagnostic],
    nodes: BTreeSet<Key>,
    edges: Vec<(Key, Key, String, Vec<&'static str>)>,
}

impl Builder<'_> {
    fn key(&self, kind: NodeKind, span: Option<Span>, text: String, index: (usize, usize)) -> Key {
        let (file, start) = match span {
            Some(s) if (s.file.0 as usize) < self.db.len() => (self.db.get(s.file).display.clone(), s.start),
            _ => (String::new(), 0),
        };
        Key {
            kind,
            file,
            start,
            text,
            index,
        }
    }

    fn node(&mut self, k: &Key) {
        self.nodes.insert(k.clone());
    }

    fn edge(&mut self, from: &Key, to: &Key, label: &str, anchors: &[Span]) {
        self.node(from);
        self.node(to);
        let codes = codes_on(self.db, self.diagnostics, anchors);
        self.edges.push((from.clone(), to.clone(), label.to_owned(), codes));
    }
}

/// Whether a diagnostic span falls on an anchor: they overlap, and the
/// diagnostic is not a whole block around it (a `server {…}` or `location
/// {…}` span covers every target inside).
fn falls_on(db: &SourceDb, d: Span, a: Span) -> bool {
    if d.file != a.file {
        return false;
    }
    let overlap = if d.start == d.end || a.start == a.end {
        d.start >= a.start && d.start <= a.end || a.start >= d.start && a.start <= d.end
    } else {
        d.start < a.end && a.start < d.end
    };
    if !overlap {
        return false;
    }
    let wider = d.start < a.start || d.end > a.end;
    if wider && (d.file.0 as usize) < db.len() {
        let text = db.get(d.file).text.get(d.range()).unwrap_or("");
        if text.contains('{') {
            return false;
        }
    }
    true
}

fn codes_on(db: &SourceDb, diagnostics: &[Diagnostic], anchors: &[Span]) -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = diagnostics
        .iter()
        .filter(|d| {
            std::iter::once(&d.primary)
                .chain(d.labels.iter())
                .any(|l| anchors.iter().any(|a| falls_on(db, l.span, *a)))
        })
        .map(|d| d.code)
        .collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

fn server_text(s: &crate::model::nginx::Server) -> String {
    let names: Vec<&str> = s.names.iter().map(|(n, _)| n.as_str()).collect();
    let listens: Vec<&str> = s.listens.iter().map(|l| l.value.as_str()).collect();
    let mut t = String::from("server");
    if !names.is_empty() {
        t.push(' ');
        t.push_str(&names.join(" "));
    }
    if !listens.is_empty() {
        t.push_str(&format!(" (listen {})", listens.join(", ")));
    }
    t
}

fn location_text(l: &crate::model::nginx::Location) -> String {
    match &l.modifier {
        Some(m) => format!("location {m} {}", l.path),
        None => format!("location {}", l.path),
    }
}

fn listener_text(b: &crate::model::backend::Backend, l: &crate::model::backend::BackendListener) -> String {
    let addr = l
        .bind
        .as_ref()
        .map(address::describe)
        .unwrap_or_else(|| l.address.clone());
    let proto = l.protocol(b);
    if proto == "http" || proto.is_empty() {
        addr
    } else {
        format!("{addr} ({proto})")
    }
}

/// Why an endpoint reaches no listener, as the node says it.
fn unreached_text(d: &Deployment, e: &Endpoint, value: &str) -> String {
    match e {
        Endpoint::Tcp { host, port } => {
            let addr = cross::target_text(host, *port);
            let cands = cross::candidates(d, host);
            match cross::judge_tcp(&cands, host, *port) {
                cross::Verdict::Fine => format!("{addr}: a backend address is computed, not known"),
                cross::Verdict::NoBackend => format!("no backend found for {addr}"),
                cross::Verdict::HostMismatch(..) | cross::Verdict::NoListener(..) => {
                    format!("nothing listens on {addr}")
                }
            }
        }
        Endpoint::Unix { path } => format!("nothing listens on unix:{path}"),
        Endpoint::Variable => format!("decided per request: {value}"),
    }
}

/// The backends and listeners an upstream `server` reaches, matched as
/// [`cross::routes`] matches them (for upstreams no location uses, which
/// `routes` does not visit).
fn reached(d: &Deployment, e: &Endpoint) -> Vec<(usize, usize, Span)> {
    let mut out = Vec::new();
    for (bi, b) in d.backends.backends.iter().enumerate() {
        for (li, l) in b.listeners.iter().enumerate() {
            let hit = match e {
                Endpoint::Tcp { host, port } => {
                    let candidate = cross::is_local(host) || b.service.as_deref() == Some(host.as_str());
                    candidate
                        && l.bind
                            .as_ref()
                            .is_some_and(|bind| matches!(address::reaches(host, *port, bind), address::Reach::Yes))
                }
                Endpoint::Unix { path } => matches!(&l.bind, Some(Bind::Unix { path: p }) if p == path),
                Endpoint::Variable => false,
            };
            if hit {
                out.push((bi, li, l.span));
            }
        }
    }
    out
}

/// The index of a backend / listener by identity.
fn backend_index(d: &Deployment, b: &crate::model::backend::Backend) -> usize {
    d.backends
        .backends
        .iter()
        .position(|x| std::ptr::eq(x, b))
        .unwrap_or(usize::MAX)
}

fn listener_index(b: &crate::model::backend::Backend, l: &crate::model::backend::BackendListener) -> usize {
    b.listeners
        .iter()
        .position(|x| std::ptr::eq(x, l))
        .unwrap_or(usize::MAX)
}

/// Build the request-path graph of a checked deployment.
pub fn build(db: &SourceDb, d: &Deployment, diagnostics: &[Diagnostic]) -> Graph {
    let n = &d.nginx;
    let mut g = Builder {
        db,
        diagnostics,
        nodes: BTreeSet::new(),
        edges: Vec::new(),
    };
    let server_key = |g: &Builder, i: usize| {
        let s = &n.servers[i];
        g.key(NodeKind::Server, Some(s.span), server_text(s), (i, 0))
    };
    let location_key = |g: &Builder, i: usize| {
        let l = &n.locations[i];
        g.key(NodeKind::Location, Some(l.span), location_text(l), (i, 0))
    };
    let upstream_key = |g: &Builder, i: usize| {
        let u = &n.upstreams[i];
        g.key(NodeKind::Upstream, Some(u.span), format!("upstream {}", u.name), (i, 0))
    };
    let listener_key = |g: &Builder, bi: usize, li: usize| {
        let b = &d.backends.backends[bi];
        let l = &b.listeners[li];
        g.key(NodeKind::Listener, Some(l.span), listener_text(b, l), (bi, li))
    };
    let unreached_key =
        |g: &Builder, e: &Endpoint, value: &str| g.key(NodeKind::Unreached, None, unreached_text(d, e, value), (0, 0));

    // Servers and their locations.
    for (si, s) in n.servers.iter().enumerate() {
        let sk = server_key(&g, si);
        g.node(&sk);
        for &li in &s.locations {
            if li < n.locations.len() {
                let lk = location_key(&g, li);
                g.edge(&sk, &lk, "", &[]);
            }
        }
    }

    // Every upstream, used or not.
    for ui in 0..n.upstreams.len() {
        let uk = upstream_key(&g, ui);
        g.node(&uk);
    }

    // What each `*_pass` in a location reaches.
    let routes = cross::routes(d);
    for t in &n.targets {
        let Some(li) = t.location.filter(|li| *li < n.locations.len()) else {
            continue;
        };
        let lk = location_key(&g, li);
        match &t.kind {
            TargetKind::Upstream(ui) if *ui < n.upstreams.len() => {
                let uk = upstream_key(&g, *ui);
                g.edge(&lk, &uk, &t.directive, &[t.span]);
            }
            TargetKind::Upstream(_) => {}
            TargetKind::Direct(e) => {
                let mut any = false;
                for r in routes
                    .iter()
                    .filter(|r| std::ptr::eq(r.target, t) && r.upstream.is_none())
                {
                    let bi = backend_index(d, r.backend);
                    let lsi = listener_index(r.backend, r.listener);
                    if bi == usize::MAX || lsi == usize::MAX {
                        continue;
                    }
                    any = true;
                    let k = listener_key(&g, bi, lsi);
                    g.edge(&lk, &k, &t.directive, &[t.span, r.listener.span]);
                }
                if !any {
                    let k = unreached_key(&g, e, &t.value);
                    g.edge(&lk, &k, &t.directive, &[t.span]);
                }
            }
        }
    }

    // What each upstream `server` reaches (`down` servers take no traffic).
    for (ui, u) in n.upstreams.iter().enumerate() {
        let uk = upstream_key(&g, ui);
        for s in u.servers.iter().filter(|s| !s.params.iter().any(|p| p == "down")) {
            let mut hits: Vec<(usize, usize, Span)> = routes
                .iter()
                .filter(|r| r.upstream == Some(ui) && r.endpoint_span == s.span)
                .map(|r| {
                    (
                        backend_index(d, r.backend),
                        listener_index(r.backend, r.listener),
                        r.listener.span,
                    )
                })
                .filter(|(b, l, _)| *b != usize::MAX && *l != usize::MAX)
                .collect();
            if !routes.iter().any(|r| r.upstream == Some(ui)) {
                hits = reached(d, &s.endpoint);
            }
            hits.sort();
            hits.dedup();
            if hits.is_empty() {
                let k = unreached_key(&g, &s.endpoint, &s.value);
                g.edge(&uk, &k, "server", &[s.span]);
            }
            for (bi, li, lspan) in hits {
                let k = listener_key(&g, bi, li);
                g.edge(&uk, &k, "server", &[s.span, lspan]);
            }
        }
    }

    // Backends, their listeners and the apps they load.
    let served = crate::model::entry::served(&d.backends);
    for (bi, b) in d.backends.backends.iter().enumerate() {
        let bk = g.key(
            NodeKind::Backend,
            Some(b.span),
            format!("{} ({})", b.server, b.origin),
            (bi, 0),
        );
        g.node(&bk);
        for (li, l) in b.listeners.iter().enumerate() {
            let k = listener_key(&g, bi, li);
            g.edge(&k, &bk, "", &[l.span]);
        }
        let app_span = b.command.as_deref().and_then(|c| c.args.app.as_ref()).map(|w| w.span);
        if let Some(s) = app_span.and_then(|span| served.iter().find(|s| s.span == span)) {
            let ak = g.key(
                NodeKind::App,
                Some(s.span),
                format!("{}:{}", s.module, s.variable),
                (bi, 0),
            );
            g.edge(&bk, &ak, "loads", &[s.span]);
        }
    }

    number(g.nodes, g.edges)
}

/// Number the nodes per kind in key order and sort the edges.
fn number(keys: BTreeSet<Key>, raw: Vec<(Key, Key, String, Vec<&'static str>)>) -> Graph {
    let mut index: BTreeMap<Key, usize> = BTreeMap::new();
    let mut per_kind: BTreeMap<NodeKind, usize> = BTreeMap::new();
    let mut nodes = Vec::new();
    // Unreached nodes have no span: equal texts are one node (two `*_pass`
    // to the same missing address).
    for k in keys {
        let c = per_kind.entry(k.kind).or_insert(0);
        *c += 1;
        let i = nodes.len();
        nodes.push(Node {
            id: format!("{}{}", k.kind.prefix(), c),
            kind: k.kind,
            text: k.text.clone(),
        });
        index.insert(k, i);
    }
    let mut edges: Vec<Edge> = raw
        .into_iter()
        .filter_map(|(f, t, label, codes)| {
            Some(Edge {
                from: *index.get(&f)?,
                to: *index.get(&t)?,
                label,
                codes,
            })
        })
        .collect();
    edges.sort_by(|a, b| (a.from, a.to, &a.label, &a.codes).cmp(&(b.from, b.to, &b.label, &b.codes)));
    // The same edge found twice (two targets in one location naming the same
    // upstream): keep one, with every code.
    let mut merged: Vec<Edge> = Vec::new();
    for e in edges {
        match merged.last_mut() {
            Some(last) if last.from == e.from && last.to == e.to && last.label == e.label => {
                last.codes.extend(e.codes);
                last.codes.sort_unstable();
                last.codes.dedup();
            }
            _ => merged.push(e),
        }
    }
    Graph { nodes, edges: merged }
}

fn edge_text(e: &Edge) -> String {
    match (e.label.is_empty(), e.codes.is_empty()) {
        (_, true) => e.label.clone(),
        (true, false) => e.codes.join(", "),
        (false, false) => format!("{}: {}", e.label, e.codes.join(", ")),
    }
}

/// Text for a Mermaid quoted string: `"` and `#` become Mermaid's entity
/// codes (`#quot;`, `#35;`), as do the characters its HTML labels would
/// read as markup; line breaks become spaces.
pub fn mermaid_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '`' => out.push_str("#96;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A DOT double-quoted string: `"` and `\` are escaped (a backslash alone
/// would start an escape such as `\n` or `\N` in a label), and `&` is
/// written `&amp;` (Graphviz reads entities such as `&#1;` in labels).
pub fn dot_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            // Graphviz decodes HTML entities (`&amp;`, `&#1;`) in labels.
            '&' => out.push_str("&amp;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The Mermaid flowchart.
pub fn mermaid(g: &Graph) -> String {
    let mut s = String::from("flowchart LR\n");
    for n in &g.nodes {
        let t = mermaid_escape(&n.text);
        let shape = match n.kind {
            NodeKind::Server | NodeKind::Location | NodeKind::Listener => format!("[\"{t}\"]"),
            NodeKind::Upstream => format!("[[\"{t}\"]]"),
            NodeKind::Backend => format!("(\"{t}\")"),
            NodeKind::App => format!("([\"{t}\"])"),
            NodeKind::Unreached => format!("{{{{\"{t}\"}}}}"),
        };
        s.push_str(&format!("    {}{shape}\n", n.id));
    }
    let mut marked = Vec::new();
    for (i, e) in g.edges.iter().enumerate() {
        let (Some(from), Some(to)) = (g.nodes.get(e.from), g.nodes.get(e.to)) else {
            continue;
        };
        let arrow = if e.codes.is_empty() { "-->" } else { "-.->" };
        let text = edge_text(e);
        if text.is_empty() {
            s.push_str(&format!("    {} {arrow} {}\n", from.id, to.id));
        } else {
            s.push_str(&format!(
                "    {} {arrow}|\"{}\"| {}\n",
                from.id,
                mermaid_escape(&text),
                to.id
            ));
        }
        if !e.codes.is_empty() {
            marked.push(i.to_string());
        }
    }
    let unreached: Vec<&str> = g
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Unreached)
        .map(|n| n.id.as_str())
        .collect();
    if !unreached.is_empty() {
        s.push_str("    classDef unreached stroke:red,color:red\n");
        s.push_str(&format!("    class {} unreached\n", unreached.join(",")));
    }
    if !marked.is_empty() {
        s.push_str(&format!("    linkStyle {} stroke:red,color:red\n", marked.join(",")));
    }
    s
}

/// The Graphviz DOT digraph.
pub fn dot(g: &Graph) -> String {
    let mut s = String::from("digraph lint502 {\n    rankdir=LR;\n    node [shape=box];\n");
    for n in &g.nodes {
        let attrs = match n.kind {
            NodeKind::Server | NodeKind::Location | NodeKind::Listener => "",
            NodeKind::Upstream => ", shape=box3d",
            NodeKind::Backend => ", style=rounded",
            NodeKind::App => ", shape=ellipse",
            NodeKind::Unreached => ", shape=octagon, color=red, fontcolor=red",
        };
        s.push_str(&format!(
            "    {} [label={}{attrs}];\n",
            dot_quote(&n.id),
            dot_quote(&n.text)
        ));
    }
    for e in &g.edges {
        let (Some(from), Some(to)) = (g.nodes.get(e.from), g.nodes.get(e.to)) else {
            continue;
        };
        let mut attrs = Vec::new();
        let text = edge_text(e);
        if !text.is_empty() {
            attrs.push(format!("label={}", dot_quote(&text)));
        }
        if !e.codes.is_empty() {
            attrs.push("color=red, fontcolor=red, style=dashed".to_owned());
        }
        let attrs = if attrs.is_empty() {
            String::new()
        } else {
            format!(" [{}]", attrs.join(", "))
        };
        s.push_str(&format!(
            "    {} -> {}{attrs};\n",
            dot_quote(&from.id),
            dot_quote(&to.id)
        ));
    }
    s.push_str("}\n");
    s
}

pub fn render(g: &Graph, format: GraphFormat) -> String {
    match format {
        GraphFormat::Mermaid => mermaid(g),
        GraphFormat::Dot => dot(g),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mermaid_escapes_quotes_and_hashes() {
        assert_eq!(mermaid_escape(r#"PM2 app "web" #1"#), "PM2 app #quot;web#quot; #35;1");
        assert_eq!(mermaid_escape("a<b>&`c`"), "a#lt;b#gt;#amp;#96;c#96;");
        assert_eq!(mermaid_escape("two\nlines"), "two lines");
    }

    #[test]
    fn dot_quotes_and_escapes() {
        assert_eq!(dot_quote(r#"PM2 app "web""#), r#""PM2 app \"web\"""#);
        assert_eq!(dot_quote(r"location ~ \.php$"), r#""location ~ \\.php$""#);
        assert_eq!(dot_quote("a&#1;b"), r#""a&amp;#1;b""#);
    }

    #[test]
    fn empty_graph_renders() {
        let g = Graph::default();
        assert_eq!(mermaid(&g), "flowchart LR\n");
        assert_eq!(
            dot(&g),
            "digraph lint502 {\n    rankdir=LR;\n    node [shape=box];\n}\n"
        );
    }
}
