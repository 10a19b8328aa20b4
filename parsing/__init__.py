"""The bottom floor's text parsers: dates in Chinese text, canonical URLs (used by crawler and rules alike)."""
