"use strict";
// Photo pickers (articles.admin.images.PhotoPicker): each result and the chosen photo
// show a thumbnail beside their alt text. Select2's documented defaults: Django's
// autocomplete.js builds its select2 after this file ran, without a templateResult of its
// own, so these apply; results without a thumbnail (sections, authors) stay plain text.
{
    const $ = django.jQuery;

    function withThumbnail(data) {
        const url = data.thumbnail || (data.element && data.element.dataset.thumbnail);
        if (!url) {
            return data.text;
        }
        const option = document.createElement("span");
        option.className = "photo-option";
        const img = document.createElement("img");
        img.src = url;
        img.alt = "";  // the alt text is written beside it
        img.width = 64;
        img.height = 43;
        img.loading = "lazy";
        option.append(img, document.createTextNode(data.text));
        return $(option);
    }

    $.fn.select2.defaults.set("templateResult", withThumbnail);
    $.fn.select2.defaults.set("templateSelection", withThumbnail);
}
