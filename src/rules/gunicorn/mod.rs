//! Rules that need only Gunicorn configuration.
pub mod misspelled_setting;
