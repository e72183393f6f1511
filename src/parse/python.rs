//! Python, statically (owned by the gunicorn work; placeholder).
