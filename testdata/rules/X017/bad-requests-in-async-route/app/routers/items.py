import requests as http
from fastapi import APIRouter

router = APIRouter(prefix="/items")
session = http.Session()

PRICES = "http://prices.internal/api"


@router.get("/{item_id}")
async def read_item(item_id: int):
    price = http.get(f"{PRICES}/{item_id}", timeout=30).json()
    return {"id": item_id, "price": price}


@router.post("/{item_id}/sync")
async def sync_item(item_id: int):
    r = session.post(f"{PRICES}/{item_id}/sync")
    return {"status": r.status_code}
