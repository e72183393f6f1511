#!/bin/bash
# Restart only (no code change): nothing new to install.
npm ci
pm2 restart all
# git pull && pm2 restart all
