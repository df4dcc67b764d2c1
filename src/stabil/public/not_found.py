"""The page that answers an address of the public site that has no page, in both languages.

Written once here, it is published with the site (`status/404.html`, for a web server's
`error_page`) and answered by `stabil serve` alike. A visitor may come from an old link to a
message or a month, so it says what happened and where the current status is.
"""

from __future__ import annotations

from stabil.public.site import HTML, PublicFile

PATH = "status/404.html"

PAGE = """<!doctype html>
<html lang="da">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  <title>Siden findes ikke / Page not found</title>
  <link rel="stylesheet" href="/static/stabil.css">
</head>
<body>
  <main id="main" class="container">
    <h1>Siden findes ikke</h1>
    <p>Der er ingen side på denne adresse. Måske er linket gammelt, eller der er en
    stavefejl i adressen.</p>
    <p><a href="/status">Se driftsstatus for alle tjenester</a></p>
    <section lang="en" aria-labelledby="english">
      <h2 id="english">Page not found</h2>
      <p>There is no page at this address. The link may be old, or the address may be
      mistyped.</p>
      <p><a href="/en/status" hreflang="en">See the status of every service</a></p>
    </section>
  </main>
</body>
</html>
"""

BODY = PAGE.encode()


def not_found_files() -> list[PublicFile]:
    return [PublicFile(PATH, BODY, HTML)]
