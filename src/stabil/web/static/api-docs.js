// Starts Swagger UI on /docs. A file rather than an inline script, so that the page's
// Content-Security-Policy can forbid inline scripts.
"use strict";

(function () {
  const root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    domNode: root,
    deepLinking: true,
    // Tokens pasted into "Authorize" stay in this tab's memory, never in localStorage.
    persistAuthorization: false,
    // Never send the schema to the public validator service.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
    layout: "BaseLayout",
  });
})();
