// Starts Swagger UI on /api/docs with the document the page names (no inline script: CSP).
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    domNode: root,
    deepLinking: true,
    // No calls to the validator service on the Internet: the document is checked in tests.
    validatorUrl: null,
  });
})();
