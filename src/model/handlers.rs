//! Route handlers of the ASGI frameworks in the app's modules: the
//! functions FastAPI, Starlette and Quart call for requests, with the app or
//! router they are registered on.
//!
//! A function is a handler when
//! - a decorator registers it on an app or a router: `@app.get("/")`,
//!   `@router.post(…)`, `@app.route(…)`, `@app.websocket(…)`,
//!   `@router.api_route(…)`, where the receiver is made by `FastAPI()`,
//!   `APIRouter()`, `Starlette()`, `Router()`, `Quart()` or quart's
//!   `Blueprint()` (in the same module, or imported from another module of
//!   the app: `from .routers import router`);
//! - or a module-level call registers it by name: `Route("/", endpoint=f)`,
//!   `WebSocketRoute(…)`, `app.add_api_route("/", f)`, `app.add_route(…)`,
//!   `app.add_url_rule(…, view_func=f)`.
//!
//! Only the files the dependency model reads are searched: those reached
//! from the launchers' entrypoints (every non-test file when no entrypoint
//! is known), see [`crate::model::deps`].

use crate::model::pyapp::{PyApp, Reach};
use crate::parse::python::{BindingKind, Function, Import, ImportContext, ImportKind, Module};
use crate::source::{FileId, SourceDb, Span};

/// A function a framework calls for requests.
#[derive(Debug, Clone)]
pub struct Handler {
    pub file: FileId,
    /// The module's dotted name, when an import root holds the file.
    pub module: Option<String>,
    pub reach: Option<Reach>,
    /// `FastAPI`, `Starlette` or `Quart`.
    pub framework: &'static str,
    /// What registers it: the decorator (`app.get("/")`), or the call
    /// (`Route("/", endpoint=home)`).
    pub route: Span,
    /// The app or router variable (`app`, `router`); None for `Route(…)`.
    pub receiver: Option<String>,
    /// What makes that app or router, by dotted path
    /// (`fastapi.APIRouter`); for `Route(…)`, the route class.
    pub constructor: String,
    pub function: Function,
}

/// The framework of an app or router constructor (their own documentation:
/// FastAPI "Bigger Applications", Starlette "Routing", Quart "Blueprints").
pub fn framework_of(constructor: &str) -> Option<&'static str> {
    Some(match constructor {
        "fastapi.FastAPI" | "fastapi.applications.FastAPI" | "fastapi.APIRouter" | "fastapi.routing.APIRouter" => {
            "FastAPI"
        }
        "starlette.applications.Starlette" | "starlette.routing.Router" => "Starlette",
        "quart.Quart" | "quart.app.Quart" | "quart.Blueprint" | "quart.blueprints.Blueprint" => "Quart",
        _ => return None,
    })
}

/// Decorator methods that register a route.
const ROUTE_METHODS: &[&str] = &[
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "trace",
    "route",
    "websocket",
    "api_route",
    "websocket_route",
];

/// Route classes that take an endpoint: (dotted path, framework).
const ROUTE_CLASSES: &[(&str, &str)] = &[
    ("starlette.routing.Route", "Starlette"),
    ("starlette.routing.WebSocketRoute", "Starlette"),
    ("fastapi.routing.APIRoute", "FastAPI"),
    ("fastapi.routing.APIWebSocketRoute", "FastAPI"),
];

/// Where a registering call takes its endpoint: (method or class, the
/// positional index, the keyword).
fn endpoint_arg(name: &str) -> Option<(usize, &'static str)> {
    Some(match name {
        "Route"
        | "WebSocketRoute"
        | "APIRoute"
        | "APIWebSocketRoute"
        | "add_api_route"
        | "add_websocket_route"
        | "add_api_websocket_route" => (1, "endpoint"),
        "add_route" => (1, "route"),
        "add_url_rule" => (2, "view_func"),
        _ => return None,
    })
}

/// What makes a top-level variable: the last unconditional assignment to
/// it, when its value is a call of an imported name (`APIRouter(prefix=…)`
/// → `fastapi.APIRouter`).
pub fn constructor_of(module: &Module, text: &str, variable: &str) -> Option<String> {
    let a = module
        .assignments
        .iter()
        .rfind(|a| a.target.value == variable && !a.conditional)?;
    let expr = text.get(a.value.span.range())?;
    let callee = expr.split('(').next()?.trim();
    if callee.is_empty() || callee.len() == expr.trim().len() {
        return None;
    }
    if !callee
        .split('.')
        .all(|p| !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || c == '_'))
    {
        return None;
    }
    let (head, rest) = match callee.split_once('.') {
        Some((h, r)) => (h, Some(r)),
        None => (callee, None),
    };
    let path = module.bindings.iter().rev().find_map(|b| match &b.kind {
        BindingKind::Import(p) if b.name.value == head && !b.conditional => Some(p.clone()),
        _ => None,
    })?;
    Some(match rest {
        Some(r) => format!("{path}.{r}"),
        None => path,
    })
}

/// A handler whose receiver is imported from another module.
struct Pending {
    handler: Handler,
    from: usize,
    path: String,
}

/// The route handlers of the given files (indices into `app.files`, with
/// how each is reached).
pub fn collect(app: &mut PyApp, db: &mut SourceDb, files: &[(usize, Option<Reach>)]) -> Vec<Handler> {
    let mut out = Vec::new();
    let mut pending = Vec::new();
    for &(i, reach) in files {
        let module_name = app.module_of(i);
        let Some((file, module)) = app.parsed(db, i) else {
            continue;
        };
        let file = *file;
        let text = db.get(file).text.as_str();
        of_module(file, module, text, module_name, reach, i, &mut out, &mut pending);
    }
    // Receivers imported from another module of the app.
    for p in pending {
        let level = p.path.chars().take_while(|c| *c == '.').count();
        let dotted = &p.path[level..];
        let (module, variable) = match dotted.rsplit_once('.') {
            Some((m, v)) => (m.to_owned(), v.to_owned()),
            None => (String::new(), dotted.to_owned()),
        };
        let imp = Import {
            module,
            level: u32::try_from(level).unwrap_or(u32::MAX),
            names: Vec::new(),
            kind: ImportKind::From,
            span: p.handler.route,
            statement: p.handler.route,
            context: ImportContext::default(),
        };
        let Some(&target) = app.targets(p.from, &imp).first() else {
            continue;
        };
        let Some((file, module)) = app.parsed(db, target) else {
            continue;
        };
        let text = db.get(*file).text.as_str();
        let Some(constructor) = constructor_of(module, text, &variable) else {
            continue;
        };
        if let Some(framework) = framework_of(&constructor) {
            out.push(Handler {
                framework,
                constructor,
                ..p.handler
            });
        }
    }
    out.sort_by_key(|h| (h.file, h.function.header.start));
    out
}

#[allow(clippy::too_many_arguments)]
fn of_module(
    file: FileId,
    module: &Module,
    text: &str,
    module_name: Option<String>,
    reach: Option<Reach>,
    index: usize,
    out: &mut Vec<Handler>,
    pending: &mut Vec<Pending>,
) {
    let make = |f: &Function, route: Span, receiver: Option<String>, framework, constructor| Handler {
        file,
        module: module_name.clone(),
        reach,
        framework,
        route,
        receiver,
        constructor,
        function: f.clone(),
    };
    // Decorators.
    for f in &module.functions {
        for d in &f.decorators {
            let method = d.text.rsplit('.').next().unwrap_or("");
            if !d.call || !ROUTE_METHODS.contains(&method) || d.receiver.is_none() {
                continue;
            }
            let receiver_path = d
                .callee
                .as_deref()
                .and_then(|c| c.strip_suffix(method))
                .and_then(|c| c.strip_suffix('.'));
            // `app = FastAPI()` here: the parser names the call.
            if let Some(ctor) = receiver_path.and_then(|r| r.strip_suffix("()"))
                && !ctor.contains("()")
                && let Some(fw) = framework_of(ctor)
            {
                out.push(make(f, d.span, d.receiver.clone(), fw, ctor.to_owned()));
                continue;
            }
            // A variable of this module lint502 could not fold (its
            // constructor's arguments): read the assignment's text.
            let receiver = d.receiver.as_deref().unwrap_or("");
            if d.text.matches('.').count() == 1 {
                if let Some(ctor) = constructor_of(module, text, receiver)
                    && let Some(fw) = framework_of(&ctor)
                {
                    out.push(make(f, d.span, d.receiver.clone(), fw, ctor));
                    continue;
                }
                // Imported from another module of the app.
                if let Some(path) = receiver_path.filter(|r| !r.contains("()") && *r != receiver) {
                    pending.push(Pending {
                        handler: make(f, d.span, d.receiver.clone(), "", String::new()),
                        from: index,
                        path: path.to_owned(),
                    });
                }
            }
        }
    }
    // Registering calls at module level.
    for c in &module.module_calls {
        let Some(callee) = c.callee.as_deref() else { continue };
        let name = callee.rsplit('.').next().unwrap_or("");
        let Some((pos, keyword)) = endpoint_arg(name) else {
            continue;
        };
        let (framework, constructor, receiver) =
            if let Some((path, fw)) = ROUTE_CLASSES.iter().find(|(p, _)| *p == callee) {
                (*fw, (*path).to_owned(), None)
            } else {
                let recv = &callee[..callee.len() - name.len()];
                let recv = recv.strip_suffix('.').unwrap_or(recv);
                let Some(ctor) = recv.strip_suffix("()").filter(|c| !c.contains("()")) else {
                    continue;
                };
                let Some(fw) = framework_of(ctor) else { continue };
                let written = c.text(text);
                let receiver = written.rsplit_once('.').map(|(r, _)| r.to_owned());
                (fw, ctor.to_owned(), receiver)
            };
        let positional: Vec<_> = c
            .args
            .iter()
            .filter(|a| a.keyword_span.is_none() && a.star == 0)
            .collect();
        let arg = c
            .args
            .iter()
            .find(|a| a.is_keyword(text, keyword))
            .or_else(|| positional.get(pos).copied());
        let Some(endpoint) = arg.and_then(|a| a.name(text)) else {
            continue;
        };
        if let Some(f) = module
            .functions
            .iter()
            .rfind(|f| f.class.is_none() && f.name.value == endpoint)
        {
            out.push(make(f, c.span, receiver, framework, constructor));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::python::parse_module;

    fn handlers(src: &str) -> Vec<(String, &'static str, String)> {
        let m = parse_module(FileId(0), src);
        let mut out = Vec::new();
        let mut pending = Vec::new();
        of_module(FileId(0), &m, src, None, None, 0, &mut out, &mut pending);
        out.into_iter()
            .map(|h| (h.function.name.value, h.framework, h.constructor))
            .collect()
    }

    #[test]
    fn decorators_and_route_calls() {
        let src = "\
from fastapi import FastAPI, APIRouter
from starlette.routing import Route
import flask

app = FastAPI(lifespan=lambda a: None)
router = APIRouter()
fl = flask.Flask(__name__)


@app.get(\"/\")
async def a(): ...


@router.post(\"/x\")
def b(): ...


@fl.get(\"/\")
async def c(): ...


@app.middleware(\"http\")
async def d(request, call_next): ...


async def e(request): ...


def f(request): ...

routes = [Route(\"/e\", endpoint=e), Route(\"/f\", f)]
app.add_api_route(\"/g\", e)
";
        assert_eq!(
            handlers(src),
            vec![
                ("a".into(), "FastAPI", "fastapi.FastAPI".into()),
                ("b".into(), "FastAPI", "fastapi.APIRouter".into()),
                ("e".into(), "Starlette", "starlette.routing.Route".into()),
                ("f".into(), "Starlette", "starlette.routing.Route".into()),
                ("e".into(), "FastAPI", "fastapi.FastAPI".into()),
            ]
        );
    }
}
