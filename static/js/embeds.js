// Click-to-load embeds of the article body (templates/articles/includes/body_embed.html).
// Nothing is requested from the provider until the reader presses « Charger le contenu »:
// only then is the player's iframe created, with the address the server wrote on the
// button. The page's CSP lets frames come from the origins of this article's embeds
// only (docs/security.md), whatever the button says.
(function () {
  "use strict";
  var ALLOWED = /^https:\/\//;
  function load(button) {
    var src = button.getAttribute("data-player") || "";
    if (!ALLOWED.test(src)) return;
    var placeholder = button.closest(".body-embed-placeholder");
    var frame = document.createElement("iframe");
    frame.src = src;
    frame.title = button.getAttribute("data-title") || "";
    frame.className = "body-embed-frame";
    frame.setAttribute("allow", "fullscreen; picture-in-picture; encrypted-media");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-popups allow-presentation");
    var box = document.createElement("div");
    box.className = "body-embed-player " + Array.prototype.filter.call(
      placeholder.classList, function (c) { return c.indexOf("ratio-") === 0; }).join(" ");
    box.appendChild(frame);
    placeholder.replaceWith(box);
    frame.focus();
  }
  document.querySelectorAll(".body-embed-load").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { load(button); });
  });
})();
