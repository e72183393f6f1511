bind = "127.0.0.1:8443"
certfile = "/etc/ssl/app/cert.pem"
keyfile = "/etc/ssl/app/key.pem"
workers = 2
