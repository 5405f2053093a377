// Register the proof-of-work worker for the ALTCHA widget (strict-CSP build): the worker
// is a file served by the site itself, so the CSP needs no blob: worker and no inline code.
const setup = document.querySelector("[data-pbkdf2-worker]");
const workerUrl = setup && setup.dataset.pbkdf2Worker;
if (workerUrl && globalThis.$altcha) {
  for (const algorithm of ["PBKDF2/SHA-256", "PBKDF2/SHA-384", "PBKDF2/SHA-512"]) {
    globalThis.$altcha.algorithms.set(algorithm, () => new Worker(workerUrl));
  }
}
