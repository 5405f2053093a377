// The article body editor's media blocks (a django-prose-editor custom extension, listed
// in settings.DJANGO_PROSE_EDITOR_EXTENSIONS): a photo, a gallery or an embed, stored as
// <figure data-image="12">, <figure data-gallery="12,13"> or
// <figure data-embed="youtube" data-src="https://…"> (articles.content.sanitize admits
// exactly these; articles.media.body expands them on the page).
// Photos come from the media library (the admin's pick view, searched by alt text,
// caption and credit) or are uploaded on the spot in the admin's photo form (a popup).
// The addresses and the words (translated) come from the server, in the extension's
// options (articles.media.editor.EDITOR_OPTIONS).
import { Node, pm } from "django-prose-editor/editor"

const UPLOAD_WINDOW = "np_media_upload"
let options = { pickUrl: "", addUrl: "", labels: {} }

// A translated word, its {fields} filled in.
function t(key, fields = {}) {
  return (options.labels[key] || key).replace(/\{(\w+)\}/g, (_m, name) => fields[name] ?? "")
}

// The providers and the address shapes the server accepts (articles.media.embeds is
// the rule; this only spares the journalist a round trip).
const PROVIDERS = [
  ["youtube", "YouTube", /^https:\/\/((www|m)\.)?(youtube\.com\/(watch\?v=|shorts\/|embed\/|live\/)|youtu\.be\/)/i],
  ["vimeo", "Vimeo", /^https:\/\/(www\.)?vimeo\.com\/\d+/i],
  ["dailymotion", "Dailymotion", /^https:\/\/((www\.)?dailymotion\.com\/video\/|dai\.ly\/)/i],
  ["x", "X (Twitter)", /^https:\/\/((www|mobile)\.)?(x|twitter)\.com\/\w+\/status\/\d+/i],
  ["facebook", "Facebook", /^https:\/\/(www\.)?facebook\.com\//i],
  ["instagram", "Instagram", /^https:\/\/(www\.)?instagram\.com\/(p|reel)\//i],
  ["tiktok", "TikTok", /^https:\/\/(www\.)?tiktok\.com\/@[\w.]+\/video\/\d+/i],
]

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag)
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "text") node.textContent = value
    else node.setAttribute(key, value)
  }
  node.append(...children)
  return node
}

function fetchPhotos(params) {
  return fetch(`${options.pickUrl}?${new URLSearchParams(params)}`, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  })
    .then((r) => (r.ok ? r.json() : { results: [] }))
    .then((data) => data.results)
}

// A modal dialog; resolves with what `build` hands to `done`, or null when cancelled.
function openDialog(title, build) {
  return new Promise((resolve) => {
    const dialog = el("dialog", { class: "np-media-dialog", "aria-labelledby": "np-media-title" })
    const form = el("form", { method: "dialog" })
    const body = el("div", { class: "np-media-dialog-body" })
    const insert = el("button", { type: "submit", class: "default", text: t("insert") })
    const cancel = el("button", { type: "button", text: t("cancel") })
    let value = null
    const done = (v) => {
      value = v
      insert.disabled = v === null
    }
    insert.disabled = true
    form.append(el("h2", { id: "np-media-title", text: title }), body, el("div", { class: "np-media-dialog-actions" }, insert, cancel))
    dialog.append(form)
    build(body, done, dialog)
    cancel.addEventListener("click", () => {
      value = null
      dialog.close()
    })
    dialog.addEventListener("cancel", () => {
      value = null
    })
    dialog.addEventListener("close", () => {
      dialog.remove()
      resolve(value)
    })
    document.body.append(dialog)
    dialog.showModal()
  })
}

// The photo list with its search box and the upload button; `multiple` for a gallery.
function photoPicker(body, done, multiple) {
  const chosen = []
  const search = el("input", { type: "search", class: "vTextField", "aria-label": t("search"), placeholder: t("search") })
  const list = el("ul", { class: "np-media-photos", "aria-label": t("library") })
  const upload = el("button", { type: "button", class: "np-media-upload", text: t("upload") })
  const status = el("p", { class: "np-media-status", role: "status" })
  body.append(search, upload, status, list)

  const toggle = (photo, button) => {
    const at = chosen.indexOf(photo.id)
    if (multiple) {
      if (at === -1) chosen.push(photo.id)
      else chosen.splice(at, 1)
    } else {
      chosen.splice(0, chosen.length, photo.id)
    }
    list.querySelectorAll("button[data-id]").forEach((b) => {
      b.setAttribute("aria-pressed", chosen.includes(Number(b.dataset.id)) ? "true" : "false")
    })
    status.textContent = multiple
      ? t("chosenMany", { count: chosen.length })
      : t("chosenOne", { name: photo.alt || t("photoNumber", { id: photo.id }) })
    done(chosen.length ? (multiple ? chosen.slice() : chosen[0]) : null)
    button.focus()
  }

  const show = (photos) => {
    list.replaceChildren(
      ...photos.map((photo) => {
        const button = el("button", { type: "button", "data-id": String(photo.id), "aria-pressed": chosen.includes(photo.id) ? "true" : "false" })
        if (photo.thumb) button.append(el("img", { src: photo.thumb, alt: "", loading: "lazy" }))
        button.append(el("span", { text: photo.alt || t("photoNumber", { id: photo.id }) }))
        if (photo.credit) button.append(el("small", { text: `© ${photo.credit}` }))
        button.addEventListener("click", () => toggle(photo, button))
        return el("li", {}, button)
      }),
    )
    if (!photos.length) list.append(el("li", { text: t("none") }))
  }

  let timer = null
  const load = () => fetchPhotos({ q: search.value }).then(show)
  search.addEventListener("input", () => {
    clearTimeout(timer)
    timer = setTimeout(load, 250)
  })
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault()
  })
  upload.addEventListener("click", () => {
    // The admin's own photo form (alt text required, checks and renditions as ever).
    window.open(`${options.addUrl}?_popup=1`, UPLOAD_WINDOW, "width=900,height=700,resizable,scrollbars")
  })
  window.npMediaUploaded = (id) => {
    search.value = ""
    fetchPhotos({ ids: String(id) }).then((photos) => {
      load().then(() => {
        const photo = photos[0]
        if (!photo) return
        const button = list.querySelector(`button[data-id="${photo.id}"]`)
        if (button) toggle(photo, button)
      })
    })
  }
  load()
}

function embedForm(body, done) {
  const input = el("input", { type: "url", id: "np-embed-url", class: "vURLField", placeholder: "https://www.youtube.com/watch?v=…" })
  const status = el("p", { class: "np-media-status", role: "status" })
  body.append(
    el("label", { for: "np-embed-url", text: t("address") }),
    input,
    el("p", { class: "help", text: t("providers", { providers: PROVIDERS.map((p) => p[1]).join(", ") }) }),
    status,
  )
  input.addEventListener("input", () => {
    const url = input.value.trim()
    const provider = PROVIDERS.find(([, , pattern]) => pattern.test(url))
    status.textContent = url ? (provider ? t("recognised", { provider: provider[1] }) : t("unknown")) : ""
    done(provider ? { embed: provider[0], src: url } : null)
  })
}

// The upload popup's answer (django.contrib.admin's popup_response.js calls this on the
// opener): a photo added from the body editor is chosen in the open dialog.
function watchUploads() {
  const original = window.dismissAddRelatedObjectPopup
  window.dismissAddRelatedObjectPopup = function (win, newId, ...rest) {
    if (win.name === UPLOAD_WINDOW) {
      win.close()
      if (window.npMediaUploaded) window.npMediaUploaded(Number(newId))
      return
    }
    if (original) original.call(this, win, newId, ...rest)
  }
}

function describe(attrs) {
  if (attrs.embed) {
    const provider = PROVIDERS.find(([key]) => key === attrs.embed)
    return t("embedBlock", { provider: provider ? provider[1] : attrs.embed, url: attrs.src })
  }
  if (attrs.gallery) return t("galleryBlock", { count: attrs.gallery.split(",").length })
  return t("photoNumber", { id: attrs.image })
}

export const MediaBlock = Node.create({
  name: "mediaBlock",
  group: "block",
  atom: true,
  selectable: true,
  draggable: true,

  addOptions() {
    return { pickUrl: "", addUrl: "", labels: {} }
  },

  addAttributes() {
    const attr = (name) => ({
      default: null,
      parseHTML: (element) => element.getAttribute(`data-${name}`),
      renderHTML: (attributes) => (attributes[name] ? { [`data-${name}`]: attributes[name] } : {}),
    })
    return { image: attr("image"), gallery: attr("gallery"), embed: attr("embed"), src: attr("src") }
  },

  parseHTML() {
    return [{ tag: "figure[data-image]" }, { tag: "figure[data-gallery]" }, { tag: "figure[data-embed]" }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", HTMLAttributes]
  },

  addNodeView() {
    options = this.options
    return ({ node }) => {
      const dom = el("figure", { class: "np-media-block", contenteditable: "false" })
      const caption = el("figcaption", { text: describe(node.attrs) })
      const thumbs = el("div", { class: "np-media-thumbs" })
      dom.append(thumbs, caption)
      const ids = node.attrs.gallery || node.attrs.image
      if (ids) {
        fetchPhotos({ ids }).then((photos) => {
          thumbs.replaceChildren(...photos.filter((p) => p.thumb).map((p) => el("img", { src: p.thumb, alt: p.alt })))
          if (node.attrs.image && photos[0]) caption.textContent = t("photoBlock", { name: photos[0].alt })
        })
      }
      return { dom }
    }
  },

  addCommands() {
    return {
      // At `at` (a document position), or where the cursor is; after a selected block
      // (a photo just inserted, say), never in its place.
      // Then the cursor goes into the paragraph after the block (one is made when none
      // follows), so that typing goes on after it: a block left selected would be
      // replaced by the next key, and a dialog or the upload window must not leave the
      // cursor anywhere else.
      insertMediaBlock:
        (attrs, at = null) =>
        ({ state, chain }) => {
          const type = this.name
          const { selection } = state
          const pos = at ?? (selection.node ? selection.to : selection.from)
          return chain()
            .insertContentAt(pos, { type, attrs })
            .command(({ tr }) => {
              const start = tr.mapping.map(pos, -1)
              let after = null
              tr.doc.descendants((node, offset) => {
                if (after !== null) return false
                if (node.type.name === type && offset >= start) {
                  after = offset + node.nodeSize
                  return false
                }
                return !node.isTextblock
              })
              if (after === null) return true
              const next = tr.doc.nodeAt(after)
              if (!next || !next.isTextblock) {
                tr.insert(after, tr.doc.type.schema.nodes.paragraph.create())
              }
              tr.setSelection(pm.state.TextSelection.create(tr.doc, after + 1))
              return true
            })
            .run()
        },
    }
  },

  onCreate() {
    options = this.options
    watchUploads()
  },

  addMenuItems({ buttons, menu }) {
    options = this.options
    // Where the block goes is read when the button is pressed: the dialog takes the focus.
    const insertionPoint = (editor) => {
      const { selection } = editor.state
      return selection.node ? selection.to : selection.from
    }
    const insert = (editor, at, attrs) => {
      if (attrs) editor.chain().focus().insertMediaBlock(attrs, at).run()
      else editor.commands.focus()
    }
    menu.defineItem({
      name: "mediaPhoto",
      groups: "nodes",
      button: buttons.material("add_photo_alternate", this.options.labels.photo),
      command: (editor) => {
        const at = insertionPoint(editor)
        openDialog(t("photo"), (body, done) => photoPicker(body, done, false)).then((id) =>
          insert(editor, at, id ? { image: String(id) } : null),
        )
      },
    })
    menu.defineItem({
      name: "mediaGallery",
      groups: "nodes",
      button: buttons.material("collections", this.options.labels.gallery),
      command: (editor) => {
        const at = insertionPoint(editor)
        openDialog(t("gallery"), (body, done) => photoPicker(body, done, true)).then((ids) =>
          insert(editor, at, ids && ids.length ? { gallery: ids.join(",") } : null),
        )
      },
    })
    menu.defineItem({
      name: "mediaEmbed",
      groups: "nodes",
      button: buttons.material("smart_display", this.options.labels.embed),
      command: (editor) => {
        const at = insertionPoint(editor)
        openDialog(t("embed"), embedForm).then((attrs) => insert(editor, at, attrs))
      },
    })
  },
})
