from stabil.cli.main import app

app(prog_name="stabil")
