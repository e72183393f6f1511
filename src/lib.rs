//! lint502: finds the disagreements between Nginx and the Python/Node
//! backends behind it that end in 502 Bad Gateway.

pub mod parse;
pub mod source;
pub mod diagnostic;
pub mod model;
pub mod discover;
pub mod rules;
pub mod report;
pub mod check;
pub mod cli;
pub mod parse_json;
