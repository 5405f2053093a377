// Suggest existing tags for the tag being typed in a comma-separated tags field.
// The field's <datalist> lists the newsroom's tags; each suggestion is rewritten to
// keep the tags already typed, so the browser's own completion finishes the last one.
(function () {
  "use strict";
  function wire(input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    var names = Array.prototype.map.call(list.options, function (o) { return o.value; });
    input.addEventListener("input", function () {
      var value = input.value;
      var cut = value.lastIndexOf(",");
      var prefix = cut === -1 ? "" : value.slice(0, cut + 1).replace(/\s*$/, " ");
      var typed = prefix ? value.slice(prefix.length).trim().toLowerCase() : value.trim().toLowerCase();
      var taken = prefix.toLowerCase().split(",").map(function (t) { return t.trim(); });
      var options = names.filter(function (name) {
        var lower = name.toLowerCase();
        return lower.indexOf(typed) === 0 && taken.indexOf(lower) === -1;
      }).slice(0, 20);
      list.replaceChildren.apply(list, options.map(function (name) {
        var option = document.createElement("option");
        option.value = prefix + name;
        return option;
      }));
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-tag-suggest]").forEach(wire);
  });
})();
