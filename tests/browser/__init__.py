"""The browser tests are a package (`browser`), so its conftest is `browser.conftest` to pytest and
mypy alike and never collides with tests/conftest.py."""
