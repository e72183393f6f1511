from flask import Flask, send_file

app = Flask(__name__)


@app.route("/report.pdf")
def report():
    from weasyprint import HTML

    return send_file(HTML(string="<h1>report</h1>").write_pdf())
