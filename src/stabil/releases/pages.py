from fastapi import APIRouter
router = APIRouter(prefix="/desk/releases", include_in_schema=False)
