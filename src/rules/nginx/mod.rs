//! Rules that need only Nginx configuration.
pub mod block_directive_mismatch;
pub mod buffer_size_below_default;
pub mod connect_timeout_too_long;
pub mod directive_not_allowed_here;
pub mod include_cycle;
pub mod include_not_found;
pub mod invalid_argument_count;
pub mod proxy_buffers_rejected;
pub mod unknown_directive;
pub mod upstream_all_down;
pub mod upstream_host_not_found;
pub mod upstream_keepalive_unused;
pub mod variable_pass_without_resolver;
