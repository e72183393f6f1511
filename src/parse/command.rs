//! Server command lines (owned by the command-line work; placeholder).
