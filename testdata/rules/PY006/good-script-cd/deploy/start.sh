#!/bin/sh
set -e
cd "$(dirname "$0")/.."
exec venv/bin/gunicorn --bind 127.0.0.1:8000 app.main:app
