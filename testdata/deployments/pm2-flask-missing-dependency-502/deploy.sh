#!/bin/sh
set -e
cd /srv/shop
git pull --ff-only
python3 -m venv venv
venv/bin/pip install -r requirements.txt
pm2 startOrReload ecosystem.config.js
