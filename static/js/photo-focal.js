"use strict";
// The photo's focal point (articles.admin.images.ImageAdmin): a click on the photo
// writes its position, as fractions of the width and height, in the two number fields
// and moves the marker there. Without this script the fields are typed by hand.
document.addEventListener("DOMContentLoaded", () => {
    const picker = document.querySelector("[data-focal-picker]");
    const fieldX = document.getElementById("id_focal_x");
    const fieldY = document.getElementById("id_focal_y");
    if (!picker || !fieldX || !fieldY) {
        return;
    }
    const photo = picker.querySelector("img");
    const marker = picker.querySelector(".focal-marker");

    function clamp(value) {
        return Math.min(1, Math.max(0, Number.isFinite(value) ? value : 0.5));
    }

    function showMarker() {
        marker.style.left = `${clamp(parseFloat(fieldX.value)) * 100}%`;
        marker.style.top = `${clamp(parseFloat(fieldY.value)) * 100}%`;
        marker.hidden = false;
    }

    photo.addEventListener("click", (event) => {
        const box = photo.getBoundingClientRect();
        fieldX.value = clamp((event.clientX - box.left) / box.width).toFixed(2);
        fieldY.value = clamp((event.clientY - box.top) / box.height).toFixed(2);
        fieldX.dispatchEvent(new Event("change", { bubbles: true }));
        showMarker();
    });
    fieldX.addEventListener("input", showMarker);
    fieldY.addEventListener("input", showMarker);
    showMarker();
});
