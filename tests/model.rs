//! The Nginx model: effective settings through inheritance and includes, and
//! `*_pass` targets resolved into endpoints.

mod common;

use lint502::check::{Options, check};
use lint502::model::nginx::{Endpoint, TargetKind};

fn write(dir: &std::path::Path, path: &str, text: &str) {
    let p = dir.join(path);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

#[test]
fn settings_inherit_http_server_location_through_includes() {
    let dir = common::temp_dir("model-inherit");
    write(
        &dir,
        "nginx/nginx.conf",
        "events {}\nhttp {\n    proxy_read_timeout 90s;\n    proxy_set_header Host $host;\n    include conf.d/*.conf;\n}\n",
    );
    write(
        &dir,
        "nginx/snippets/headers.conf",
        "proxy_set_header X-Real-IP $remote_addr;\nproxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n",
    );
    write(
        &dir,
        "nginx/conf.d/app.conf",
        "server {\n    listen 80;\n    server_name example.com www.example.com;\n    proxy_connect_timeout 5s;\n    location / {\n        include snippets/headers.conf;\n        proxy_pass http://127.0.0.1:8000;\n    }\n    location /slow {\n        proxy_read_timeout 300s;\n        proxy_pass http://unix:/run/app.sock:/slow;\n    }\n}\n",
    );
    let out = check(std::slice::from_ref(&dir), &Options::default());
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    let m = &out.deployment.nginx;
    assert_eq!(m.servers.len(), 1);
    let s = &m.servers[0];
    assert_eq!(s.listens.iter().map(|l| l.value.as_str()).collect::<Vec<_>>(), ["80"]);
    assert_eq!(
        s.names.iter().map(|n| n.0.as_str()).collect::<Vec<_>>(),
        ["example.com", "www.example.com"]
    );
    assert_eq!(s.locations.len(), 2);
    let root = &m.locations[s.locations[0]];
    let slow = &m.locations[s.locations[1]];
    assert_eq!(root.path, "/");
    let value = |l: &lint502::model::nginx::Location, name: &str| -> Vec<Vec<String>> {
        l.settings
            .get(name)
            .map(|s| s.values.iter().map(|(a, _)| a.clone()).collect())
            .unwrap_or_default()
    };
    // Inherited from http and server.
    assert_eq!(value(root, "proxy_read_timeout"), [["90s"]]);
    assert_eq!(value(root, "proxy_connect_timeout"), [["5s"]]);
    assert_eq!(value(slow, "proxy_read_timeout"), [["300s"]]);
    // A level that sets proxy_set_header replaces what it inherits (the
    // include counts as the location's own).
    assert_eq!(
        value(root, "proxy_set_header"),
        [
            vec!["X-Real-IP".to_string(), "$remote_addr".into()],
            vec!["X-Forwarded-For".into(), "$proxy_add_x_forwarded_for".into()]
        ]
    );
    assert_eq!(value(slow, "proxy_set_header"), [["Host", "$host"]]);
    // The span of an inherited setting points at the file that set it.
    let span = root.settings["proxy_read_timeout"].values[0].1;
    assert!(out.db.get(span.file).display.ends_with("nginx/nginx.conf"));
}

#[test]
fn targets_resolve_to_upstreams_and_endpoints() {
    let dir = common::temp_dir("model-targets");
    write(
        &dir,
        "nginx/sites-available/app.conf",
        "server {\n    location / { proxy_pass http://backend; }\n    location /s { proxy_pass https://api.example.com/v1/; }\n    location /u { uwsgi_pass unix:/run/uwsgi.sock; }\n    location /v { proxy_pass http://$upstream_host; }\n    location /g { grpc_pass grpc://127.0.0.1:50051; }\n    location /f { fastcgi_pass 127.0.0.1:9000; }\n}\nupstream backend {\n    server 127.0.0.1:8000;\n    server unix:/run/gunicorn.sock;\n    server [::1]:8001;\n}\n",
    );
    let out = check(std::slice::from_ref(&dir), &Options::default());
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    let m = &out.deployment.nginx;
    let kinds: Vec<&TargetKind> = m.targets.iter().map(|t| &t.kind).collect();
    assert_eq!(kinds[0], &TargetKind::Upstream(0));
    assert_eq!(
        kinds[1],
        &TargetKind::Direct(Endpoint::Tcp {
            host: "api.example.com".into(),
            port: 443
        })
    );
    assert_eq!(
        kinds[2],
        &TargetKind::Direct(Endpoint::Unix {
            path: "/run/uwsgi.sock".into()
        })
    );
    assert_eq!(kinds[3], &TargetKind::Direct(Endpoint::Variable));
    assert_eq!(
        kinds[4],
        &TargetKind::Direct(Endpoint::Tcp {
            host: "127.0.0.1".into(),
            port: 50051
        })
    );
    assert_eq!(
        kinds[5],
        &TargetKind::Direct(Endpoint::Tcp {
            host: "127.0.0.1".into(),
            port: 9000
        })
    );
    let ups: Vec<&Endpoint> = m.upstreams[0].servers.iter().map(|s| &s.endpoint).collect();
    assert_eq!(
        ups,
        [
            &Endpoint::Tcp {
                host: "127.0.0.1".into(),
                port: 8000
            },
            &Endpoint::Unix {
                path: "/run/gunicorn.sock".into()
            },
            &Endpoint::Tcp {
                host: "::1".into(),
                port: 8001
            },
        ]
    );
    // Every target remembers its location.
    assert!(m.targets.iter().all(|t| t.location.is_some()));
}

#[test]
fn absolute_includes_map_to_the_folder_that_plays_etc_nginx() {
    let dir = common::temp_dir("model-prefix");
    write(
        &dir,
        "deploy/nginx/nginx.conf",
        "events {}\nhttp {\n    include /etc/nginx/sites-enabled/*;\n}\n",
    );
    write(
        &dir,
        "deploy/nginx/sites-enabled/app",
        "server {\n    include /etc/nginx/snippets/missing.conf;\n}\n",
    );
    let out = check(std::slice::from_ref(&dir), &Options::default());
    let m = &out.deployment.nginx;
    assert_eq!(m.prefix_map.len(), 1, "{:?}", m.prefix_map);
    assert_eq!(m.prefix_map[0].0, std::path::Path::new("/etc/nginx"));
    assert_eq!(m.prefix_map[0].1, dir.join("deploy/nginx"));
    // Only /etc/nginx is mapped: certbot's file under /etc/letsencrypt is
    // outside the repository and not judged.
    let codes: Vec<&str> = out.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["NGX001"]);
}
