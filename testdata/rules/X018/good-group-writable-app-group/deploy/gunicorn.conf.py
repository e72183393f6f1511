bind = "unix:/run/app/gunicorn.sock"
workers = 3
# www-data is a member of the app group (usermod -aG app www-data)
umask = 0o007
