/* The article form's small aids (admin), with its settings from the page's
   #article-form-aids JSON (articles.admin.writing_aids):
   - the word count and reading time of the body, under the editor, updated while the
     writer types and read out politely by screen readers;
   - the rich-text editor's toolbar in the admin's language (django-prose-editor writes
     its toolbar titles in English in its JavaScript);
   - accessible names for the editor's text area and the select2 pickers, and list
     roles select2 leaves out. */
(() => {
  "use strict";
  const settingsNode = document.getElementById("article-form-aids");
  if (!settingsNode) return;
  const aids = JSON.parse(settingsNode.textContent);
  const lang = document.documentElement.lang || "fr";
  const plural = new Intl.PluralRules(lang);
  const number = new Intl.NumberFormat(lang);

  function pick(forms, count) {
    return forms[plural.select(count)] || forms.other;
  }

  /* Words as word processors count them: runs of non-space holding a letter or a digit
     (« l’Assemblée » is one word, a lone « – » is none). */
  function countWords(text) {
    return text.split(/\s+/).filter((token) => /[\p{L}\p{N}]/u.test(token)).length;
  }

  function describe(words) {
    const minutes = Math.ceil(words / aids.wordsPerMinute);
    const wordText = pick(aids.words, words).replace("{count}", number.format(words));
    const timeText = words
      ? pick(aids.minutes, minutes).replace("{minutes}", number.format(minutes))
      : aids.minutes.zero;
    return `${wordText} · ${timeText}`;
  }

  function labelText(id) {
    const label = document.querySelector(`label[for="${id}"]`);
    return label ? label.textContent.replace(/\s*:\s*$/, "").trim() : "";
  }

  /* The toolbar's English titles, aria-labels and menu entries, in the admin's language. */
  function translateToolbar(root) {
    const names = aids.toolbar;
    root.querySelectorAll("[title], [aria-label]").forEach((node) => {
      for (const attribute of ["title", "aria-label"]) {
        const value = node.getAttribute(attribute);
        if (value && Object.hasOwn(names, value)) node.setAttribute(attribute, names[value]);
      }
    });
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
      const value = text.nodeValue.trim();
      // Material icon buttons hold their icon's name as text: only menu entries change.
      if (value && Object.hasOwn(names, value) && !text.parentElement.closest(".material-icons")) {
        text.nodeValue = names[value];
      }
    }
  }

  function setUpEditor(textarea, editor) {
    const container = textarea.closest(".prose-editor") || textarea.parentElement;
    const area = container.querySelector("[contenteditable]");
    if (area) {
      area.setAttribute("role", "textbox");
      area.setAttribute("aria-multiline", "true");
      area.setAttribute("aria-label", labelText(textarea.id) || aids.editorLabel);
    }
    translateToolbar(container);
    // Menus are redrawn as the selection moves: translate what comes in.
    new MutationObserver(() => translateToolbar(container)).observe(container, {
      childList: true,
      subtree: true,
    });

    if (textarea.id !== "id_body" || document.getElementById("id_body_count")) return;
    const output = document.createElement("p");
    output.id = "id_body_count";
    output.className = "article-word-count";
    output.setAttribute("aria-live", "polite");
    container.after(output);
    const text = () => (editor ? editor.getText({ blockSeparator: "\n" }) : stripTags(textarea.value));
    let pending = null;
    const update = () => {
      pending = null;
      output.textContent = describe(countWords(text()));
    };
    update();
    const later = () => {
      // Once per frame at most, however fast the writer types.
      if (pending === null) pending = requestAnimationFrame(update);
    };
    if (editor) editor.on("update", later);
    textarea.addEventListener("input", later);
  }

  function stripTags(html) {
    // Parsed inert (DOMParser runs no script and loads no image); blocks end with a space.
    const spaced = html.replace(/<\/(p|h\d|li)>/g, "$& ");
    return new DOMParser().parseFromString(spaced, "text/html").body.textContent;
  }

  document.addEventListener("prose-editor:ready", (event) => {
    setUpEditor(event.detail.textarea, event.detail.editor);
  });

  /* select2 (the admin's autocomplete pickers): the combobox is named by the field's
     label, and the chosen items' list holds list items only. */
  function nameSelect2(select) {
    const holder = select.nextElementSibling;
    if (!holder || !holder.classList.contains("select2")) return;
    const label = document.querySelector(`label[for="${select.id}"]`);
    const name = labelText(select.id);
    if (label && !label.id) label.id = `${select.id}_label`;
    holder.querySelectorAll(".select2-selection[role=combobox]").forEach((box) => {
      // select2 names the box by the chosen value only (aria-labelledby), empty at first.
      const named = (box.getAttribute("aria-labelledby") || "").split(" ").filter(Boolean);
      if (label && !named.includes(label.id)) {
        box.setAttribute("aria-labelledby", [label.id, ...named].join(" "));
      } else if (!label && name) {
        box.setAttribute("aria-label", name);
      }
    });
    // The chosen value's box (role=textbox) and the search field: named by the label too.
    holder
      .querySelectorAll(
        ".select2-selection__rendered[role=textbox], .select2-search__field",
      )
      .forEach((field) => {
        if (label) field.setAttribute("aria-labelledby", label.id);
        else if (name) field.setAttribute("aria-label", name);
      });
    holder.querySelectorAll("ul.select2-selection__rendered").forEach((list) => {
      for (const child of list.children) {
        if (child.tagName !== "LI") child.setAttribute("role", "listitem");
      }
    });
  }

  function watchSelect2() {
    document.querySelectorAll("select.admin-autocomplete").forEach((select) => {
      nameSelect2(select);
      const holder = select.parentElement;
      new MutationObserver(() => nameSelect2(select)).observe(holder, {
        childList: true,
        subtree: true,
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watchSelect2);
  } else {
    watchSelect2();
  }
})();
