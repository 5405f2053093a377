/* The article form's safety net (articles/admin/drafting.py).
 *
 * - Every data-ping-seconds (30 s), the form pings the server: it keeps the edit lock,
 *   and, when something was typed since the last ping, sends the form as an autosaved
 *   draft (stored apart, never published).
 * - Leaving the page with changes not saved asks first (the browser's own warning);
 *   saving the form does not. The draft is also sent on leaving, in case.
 */
(function () {
  "use strict";
  var config = document.getElementById("article-drafting");
  var form = config && config.closest("form");
  if (!form) return;
  var url = config.dataset.autosaveUrl;
  var seconds = Number(config.dataset.pingSeconds) || 30;
  var status = document.getElementById("article-drafting-status");
  var changedSinceLoad = false; // not saved with the form
  var changedSincePing = false; // not autosaved yet
  var submitting = false;

  function changed() {
    changedSinceLoad = true;
    changedSincePing = true;
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  form.addEventListener("submit", function (event) {
    // The preview opens in another tab: this page stays, with its changes.
    if (event.submitter && event.submitter.getAttribute("formtarget") === "_blank") return;
    submitting = true;
  });

  window.addEventListener("beforeunload", function (event) {
    if (!changedSinceLoad || submitting) return;
    event.preventDefault();
    event.returnValue = "";
  });

  function body(withForm) {
    if (withForm) return new FormData(form);
    var data = new FormData();
    data.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    return data;
  }

  var inflight = Promise.resolve();

  function ping() {
    if (submitting) return Promise.resolve(); // the save forgets the draft: send none
    var withForm = changedSincePing;
    changedSincePing = false;
    inflight = fetch(url, {
      method: "POST",
      body: body(withForm),
      credentials: "same-origin",
      // A logged-out session answers with a redirect to the login page: a failure too.
      redirect: "manual",
      headers: { "X-Requested-With": "XMLHttpRequest" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (answer) {
        var notices = [answer.lock, answer.saved].filter(Boolean);
        if (notices.length && status) status.textContent = notices.join(" ");
      })
      .catch(function () {
        changedSincePing = changedSincePing || withForm; // try again on the next ping
        // Never leave an older "saved at" in view when this one was not saved.
        if (withForm && status) status.textContent = config.dataset.failed || "";
      });
    return inflight;
  }

  var timer = window.setInterval(ping, seconds * 1000);
  window.addEventListener("pagehide", function () {
    if (changedSincePing && !submitting && navigator.sendBeacon) {
      navigator.sendBeacon(url, body(true));
    }
  });
  // For the browser tests and the curious: send now rather than at the next tick.
  form.articleDraftingPing = ping;
  // Stop pinging and send nothing on leaving (the browser tests, before their database
  // is emptied); resolves once the ping in flight, if any, is answered.
  form.articleDraftingStop = function () {
    submitting = true;
    window.clearInterval(timer);
    return inflight.catch(function () {});
  };
})();
