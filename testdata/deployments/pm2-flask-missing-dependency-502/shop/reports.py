from flask import Blueprint, Response

reports_bp = Blueprint("reports", __name__)


@reports_bp.get("/reports/monthly.pdf")
def monthly():
    from weasyprint import HTML

    return Response(HTML(string="<h1>Monthly</h1>").write_pdf(), mimetype="application/pdf")
