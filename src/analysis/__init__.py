"""Kota Bontang poverty, labour and skill-gap analysis package."""
