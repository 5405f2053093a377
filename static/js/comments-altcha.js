// Register the proof-of-work worker for the ALTCHA widget (strict-CSP build): the worker
// is a file served by the site itself, so the CSP needs no blob: worker and no inline code.
const setup = document.querySelector("[data-pbkdf2-worker]");
const workerUrl = setup && setup.dataset.pbkdf2Worker;
if (workerUrl && globalThis.$altcha) {
  for (const algorithm of ["PBKDF2/SHA-256", "PBKDF2/SHA-384", "PBKDF2/SHA-512"]) {
    globalThis.$altcha.algorithms.set(algorithm, () => new Worker(workerUrl));
  }
}

// Check the form in the browser before it goes: a reader who forgot to tick « Je ne suis
// pas un robot » is told here, beside the box, with no round trip and nothing lost. When
// the widget cannot run (its script blocked, the challenge unreachable), the form goes
// as it is and the server offers the no-JavaScript question instead.
const form = document.querySelector("form.comment-form");
const widget = form && form.querySelector("altcha-widget");
const captchaError = document.getElementById("comment-captcha-error");
if (form && widget && captchaError) {
  let state = "unverified";
  widget.addEventListener("statechange", (event) => {
    state = (event.detail && event.detail.state) || state;
    if (state === "verified") captchaError.hidden = true;
  });
  form.addEventListener("submit", (event) => {
    // The reader's own fields first (the browser's message, in the reader's language).
    for (const field of [form.elements.name, form.elements.comment]) {
      if (field && !field.checkValidity()) {
        event.preventDefault();
        field.reportValidity();
        return;
      }
    }
    if (!customElements.get("altcha-widget") || state === "error") return;
    const payload = form.querySelector("input[name=altcha]");
    const answer = form.querySelector("input[name=question_answer]");
    if ((payload && payload.value) || (answer && answer.value.trim())) return;
    event.preventDefault();
    captchaError.hidden = false;
    captchaError.scrollIntoView({ block: "center" });
    const box = widget.querySelector("input[type=checkbox]");
    if (box) box.focus({ preventScroll: true });
  });
}
