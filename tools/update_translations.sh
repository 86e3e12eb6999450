#!/usr/bin/env bash
# Refresh the catalogs: extract msgids, merge them into ru and en, compile the .mo files.
# Then translate new/fuzzy entries in translations/ru (and copy new ngettext plurals in translations/en).
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-.venv/bin/pybabel}"

"$PYBABEL" extract -F babel.cfg -k _l -k lazy_gettext -k N_ -k gettext -k ngettext:1,2 \
    -o translations/messages.pot app admin_views appeals catalogs clients desk documents kpis leads tasks seed templates traffic
for lang in ru en; do
    "$PYBABEL" update -i translations/messages.pot -d translations -l "$lang"
done
"$PYBABEL" compile -d translations --statistics
