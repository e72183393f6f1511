#!/bin/sh
cd /var/www/site && git pull && sudo systemctl reload site
