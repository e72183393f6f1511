import httpx
from fastapi import APIRouter

router = APIRouter()


@router.get("/upstream")
async def upstream():
    async with httpx.AsyncClient() as client:
        return (await client.get("https://example.com")).status_code
