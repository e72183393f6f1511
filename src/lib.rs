//! lint502: finds the disagreements between Nginx and the Python/Node
//! backends behind it that end in 502 Bad Gateway.

pub mod parse;
pub mod source;
