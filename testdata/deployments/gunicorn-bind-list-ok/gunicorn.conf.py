bind = ["unix:/run/app/gunicorn.sock", "127.0.0.1:8000"]
