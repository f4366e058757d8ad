"""``python -m gateway.cli`` runs the ``govgate`` command."""

from . import main

main(prog_name="govgate")
