import time

from flask import Flask

app = Flask(__name__)


@app.route("/reports/monthly")
def monthly_report():
    # about 45 s of work: longer than gunicorn's 30 s heartbeat timeout, which
    # a gthread worker keeps refreshing while a thread runs the request
    time.sleep(45)
    return "done"
