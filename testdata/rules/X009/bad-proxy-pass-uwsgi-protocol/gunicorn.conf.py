bind = "127.0.0.1:9000"
protocol = "uwsgi"
workers = 2
