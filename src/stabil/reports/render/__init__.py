"""A compliance report in the formats people pass around: HTML in the app's look, PDF from
that same HTML, XLSX with the rows behind every figure, CSV for machines, and the JSON
contract. `formats.render` is the one call the command line and the API make; a desk page
includes `reports/_report_body.html` with `html.body_context`."""
