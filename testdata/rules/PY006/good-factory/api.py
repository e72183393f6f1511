from fastapi import FastAPI


def build() -> FastAPI:
    return FastAPI()
