// The comment form of a page that is the same for every reader (and may come from any
// shared cache) holds no CSRF token, no form stamp and no captcha. When the reader first
// touches the form, fetch their own parts from the never-cached form-parts endpoint,
// then load the captcha widget's code. Without JavaScript (or if this fails), the form
// still posts: the server then asks the reader to confirm on a page of their own.
(function () {
  "use strict";
  const form = document.querySelector("form.comment-form[data-parts-url]");
  if (!form || form.dataset.parts) return; // parts written inline: nothing to fetch
  let loading = null;

  function addScript(script) {
    return new Promise(function (resolve) {
      const element = document.createElement("script");
      if (script.type) element.type = script.type;
      element.src = script.src;
      element.onload = element.onerror = function () {
        resolve();
      };
      document.head.append(element);
    });
  }

  function load() {
    if (loading) return loading;
    form.dataset.parts = "loading";
    loading = fetch(form.dataset.partsUrl, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error("form parts: " + response.status);
        return response.json();
      })
      .then(function (parts) {
        form.elements.csrfmiddlewaretoken.value = parts.csrf_token;
        form.elements.rendered_at.value = parts.rendered_at;
        for (const href of parts.stylesheets) {
          const link = document.createElement("link");
          link.rel = "stylesheet";
          link.href = href;
          document.head.append(link);
        }
        // The site's own markup (comments/captcha/*.html), from the same origin.
        form.querySelector(".comment-captcha-slot").innerHTML = parts.widget;
        // One after the other: each script may need the one before it.
        return parts.scripts.reduce(function (previous, script) {
          return previous.then(function () {
            return addScript(script);
          });
        }, Promise.resolve());
      })
      .then(
        function () {
          form.dataset.parts = "loaded";
        },
        function () {
          form.dataset.parts = "failed"; // the confirmation step will ask instead
        }
      );
    return loading;
  }

  form.addEventListener("focusin", load);
  form.addEventListener("input", load);
  form.addEventListener("submit", function (event) {
    if (form.dataset.parts === "loaded" || form.dataset.parts === "failed") return;
    // Sent before the parts came: wait for them, then send.
    event.preventDefault();
    load().then(function () {
      form.requestSubmit();
    });
  });
})();
