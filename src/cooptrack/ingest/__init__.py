"""Bringing records in from outside: CSV/XLSX files, IATI activity files, press releases."""
