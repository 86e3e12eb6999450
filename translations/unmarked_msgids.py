"""Msgids the application translates at runtime via gettext(variable) but does not mark for extraction.

Never imported; it exists only so `pybabel extract` keeps these msgids in the catalogs.
Delete an entry here once its source is wrapped in N_() / lazy_gettext():
  - app/errors.py        TITLES values and the "Error" fallback   -> gettext(TITLES.get(status, "Error"))
  - app/domain/roles.py  ROLE_LABELS values                       -> gettext(RoleCode(code).label)
"""


def N_(message: str) -> str:
    return message


ERROR_TITLES = (
    N_("Bad request"),
    N_("Log in required"),
    N_("Access denied"),
    N_("Page not found"),
    N_("Method not allowed"),
    N_("Conflict"),
    N_("The rules forbid this"),
    N_("Service temporarily unavailable"),
    N_("Something went wrong"),
    N_("Error"),
)

ROLE_LABELS = (
    N_("Administrator"),
    N_("Reception"),
    N_("Sales manager"),
    N_("Service advisor"),
    N_("Service administrator"),
    N_("Call-centre manager"),
    N_("Supervisor"),
)
