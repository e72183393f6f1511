#!/bin/sh
set -e
cd /srv/app
git pull origin main
. venv/bin/activate && python -m pip install -r requirements.txt
sudo systemctl restart app
