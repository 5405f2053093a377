// reCAPTCHA v3: ask Google for a fresh token when the reader sends the comment form,
// put it in the hidden field, then send the form. Tokens live two minutes, so the token
// is fetched at submit time, never at page load.
(function () {
  const field = document.querySelector("input[data-recaptcha-site-key]");
  if (!field) return;
  const form = field.form;
  let sending = false;
  form.addEventListener("submit", function (event) {
    if (sending || !window.grecaptcha) return;
    event.preventDefault();
    window.grecaptcha.ready(function () {
      window.grecaptcha
        .execute(field.dataset.recaptchaSiteKey, { action: field.dataset.recaptchaAction })
        .then(function (token) {
          field.value = token;
          sending = true;
          form.requestSubmit();
        });
    });
  });
})();
