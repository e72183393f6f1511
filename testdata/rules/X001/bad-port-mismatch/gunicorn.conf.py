bind = "127.0.0.1:8001"
workers = 3
wsgi_app = "app:app"
