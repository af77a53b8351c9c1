// Starts Swagger UI on /api/docs. A static file, not an inline script, so the page works
// under the site's Content-Security-Policy; the schema's URL comes from a data attribute.
"use strict";
(function () {
  const root = document.getElementById("swagger-ui");
  const csrfToken = root.dataset.csrfToken;
  window.SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    domNode: root,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    validatorUrl: null, // the default sends the schema to validator.swagger.io
    // "Try it out" from a signed-in session: unsafe methods need the CSRF token.
    requestInterceptor: function (request) {
      if (csrfToken) {
        request.headers["X-CSRFToken"] = csrfToken;
      }
      return request;
    },
  });
})();
