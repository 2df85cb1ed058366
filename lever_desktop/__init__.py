"""Lever Desktop: review AI-drafted interview feedback and submit it to Lever exactly once."""

__version__ = "0.1.0"
APP_NAME = "Lever Desktop"
APP_ID = "lever-desktop"
