// Starts Swagger UI at /docs (no inline script: the content security policy forbids it).
// A signed-in browser session must repeat its CSRF token on writes; /v1/me tells it.
"use strict";
(function () {
  var csrf = null;
  fetch("/v1/me", { credentials: "same-origin" })
    .then(function (answer) { return answer.ok ? answer.json() : null; })
    .then(function (me) { csrf = me && me.csrf_token ? me.csrf_token : null; })
    .catch(function () { csrf = null; });
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: false, // a deep link is an anchor inside each operation's button (axe: nested-interactive)
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    requestInterceptor: function (request) {
      if (csrf && !request.headers.Authorization) {
        request.headers["X-CSRF-Token"] = csrf;
      }
      return request;
    },
  });
})();
