// « Reply » under a comment: with JavaScript, the article's comment form opens in place,
// under that comment, with the comment's id in its hidden `parent` field; « Cancel the
// reply » puts it back. Without JavaScript the link leads to the reply page, rendered
// for the reader (comments.views.reply_page). The server checks the parent either way.
(function () {
  "use strict";
  const form = document.querySelector("form.comment-form[data-parts-url]");
  // Staff who may reply in the newsroom's name go to the reply page, which has that form.
  if (!form || !form.elements.parent || "newsroomStaff" in form.dataset) return;
  const line = form.querySelector(".comment-replying");
  if (!line) return;
  // « Leave a comment » gives way to « Your reply to … » while the form answers a comment.
  const heading = line.previousElementSibling;
  const home = document.createComment("comment-form");
  form.before(home);

  function reset() {
    form.elements.parent.value = "";
    line.hidden = true;
    if (heading) heading.hidden = false;
    home.after(form);
  }

  document.addEventListener("click", function (event) {
    const link = event.target.closest("a.comment-reply-link");
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    form.elements.parent.value = link.dataset.replyTo;
    line.querySelector(".comment-replying-name").textContent = link.dataset.replyName;
    line.hidden = false;
    if (heading) heading.hidden = true;
    link.closest(".comment-actions").after(form);
    form.elements.comment.focus();
  });
  line.querySelector("button").addEventListener("click", function () {
    reset();
    form.scrollIntoView({ block: "start" });
  });
})();
