//! PM2 ecosystem files (owned by the PM2 work; placeholder).
