bind = "unix:/run/app/gunicorn.sock"
workers = 3
