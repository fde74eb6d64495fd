"""`python -m trdnav.cli`: the same command line as `trdnav`."""

from trdnav.cli import app

app()
