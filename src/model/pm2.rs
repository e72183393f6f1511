//! PM2 apps (owned by the PM2 work; placeholder).
