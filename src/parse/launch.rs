//! Files that launch servers: Procfile, systemd, Dockerfile, compose, supervisor (placeholder).
