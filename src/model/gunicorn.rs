//! Gunicorn settings (owned by the gunicorn work; placeholder).
