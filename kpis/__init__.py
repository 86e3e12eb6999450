"""KPIs: the front office's figures over the wings' facts (SPEC §3.5): «Показатели» and `GET /api/v1/kpis`."""


def register(app) -> None:
    """The KPI API and the «Показатели» page."""
    from flask_babel import lazy_gettext as _l

    from app.admin.menu import MenuEntry, add_admin_views
    from app.api import add_api_blueprint
    from app.home import add_home_panels
    from kpis.api import blp
    from kpis.home import HOME_PANELS
    from kpis.service import TIMER_HANDLERS, ensure_rollup_timer
    from kpis.views import KpiView

    timers = app.extensions["timers"]
    timers.add_handlers(TIMER_HANDLERS)
    timers.add_periodic(ensure_rollup_timer)
    add_api_blueprint(app, blp)
    add_home_panels(app, HOME_PANELS)
    add_admin_views(app, [MenuEntry(650, lambda: KpiView(name=_l("KPIs"), endpoint="kpis", url="/admin/kpis"))])
