#!/usr/bin/env bash
# Deploy the latest main to the server.
set -euo pipefail
ssh deploy@app.example.com 'cd /srv/app && git fetch origin && git reset --hard origin/main && sudo systemctl restart app.service'
ssh deploy@app.example.com 'sudo systemctl reload nginx'
