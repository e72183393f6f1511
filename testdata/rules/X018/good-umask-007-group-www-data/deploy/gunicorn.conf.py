bind = "unix:/run/app/gunicorn.sock"
workers = 3
umask = 0o007
group = "www-data"
