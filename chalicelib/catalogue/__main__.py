"""Seed the packaged catalogue into the stage's table: `python -m chalicelib.catalogue`.

Never overwrites an item staff have edited (see seed.py)."""

from chalicelib.aws import client
from chalicelib.catalogue.seed import seed_catalogue
from chalicelib.settings import get_settings

if __name__ == "__main__":
    table = get_settings().table_name
    written = seed_catalogue(client("dynamodb"), table)
    print(f"{written} catalogue items written to {table}")
