"""The web face: the FastAPI app that serves the REST API and the HTML pages."""
