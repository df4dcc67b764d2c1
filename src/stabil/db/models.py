"""Imports every domain's tables, so that the metadata knows them all."""

from stabil.catalog import models as catalog_models

__all__ = ["catalog_models"]
