//! lint502: finds the disagreements between Nginx and the Python/Node
//! backends behind it that end in 502 Bad Gateway.

pub mod check;
pub mod cli;
pub mod config;
pub mod contain;
pub mod diagnostic;
pub mod discover;
pub mod fix;
pub mod graph;
pub mod lsp;
pub mod model;
pub mod parse;
pub mod parse_json;
pub mod report;
pub mod rules;
pub mod source;
pub mod suppress;
pub mod text;
pub mod timing;
