//! Rules about PM2 apps.
pub mod fork_instances_same_address;
