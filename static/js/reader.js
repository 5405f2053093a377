/* The article page's small helpers for readers (no third party, nothing before a tap).
   - The « Copier le lien » button of the share links: the phone's share sheet (Web
     Share API) where there is one, else the clipboard, and says so on the page.
   - Light pages (newsportal.lightmode): a photo link shows the smallest rendition in
     place when tapped, instead of leaving the page for the file. */
(function () {
  "use strict";
  var copy = document.querySelector(".share-copy");
  if (copy) {
    var status = document.querySelector(".share-status");
    var say = function (text) { status.textContent = text; };
    copy.hidden = false;
    copy.addEventListener("click", function () {
      var url = copy.dataset.shareUrl;
      var manual = function () { say(copy.dataset.copyThis + " " + url); };
      if (navigator.share) {
        navigator.share({ title: copy.dataset.shareTitle, url: url }).then(
          function () { say(copy.dataset.shared); },
          function (error) { if (!error || error.name !== "AbortError") manual(); }
        );
      } else if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(url).then(function () { say(copy.dataset.copied); }, manual);
      } else {
        manual();
      }
    });
  }
  document.querySelectorAll("a.photo-tap").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var img = document.createElement("img");
      img.src = link.href;
      img.width = link.dataset.width;
      img.height = link.dataset.height;
      img.alt = link.dataset.alt;
      img.className = "photo-shown";
      link.replaceWith(img);
    });
  });
})();
