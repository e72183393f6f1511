import os

import stripe
from flask import Blueprint, jsonify

bp = Blueprint("payments", __name__)
stripe.api_key = os.environ.get("STRIPE_KEY", "")


@bp.post("/checkout")
def checkout():
    session = stripe.checkout.Session.create(mode="payment")
    return jsonify(id=session.id)
