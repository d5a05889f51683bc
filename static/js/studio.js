// The studio's draft tools: a live character count against the platform's limit, and a
// Copy button. Both are found again after htmx swaps a new result in.
(function () {
  "use strict";

  function count(textarea) {
    var output = document.getElementById(textarea.dataset.count);
    if (!output) return;
    var value = output.querySelector("[data-count-value]");
    var length = Array.from(textarea.value).length;
    if (value) value.textContent = length.toLocaleString();
    var limit = parseInt(output.dataset.limit || "0", 10);
    output.classList.toggle("char-count-over", limit > 0 && length > limit);
  }

  function wire(root) {
    root.querySelectorAll("textarea[data-count]").forEach(function (textarea) {
      if (textarea.dataset.wired) return;
      textarea.dataset.wired = "1";
      textarea.addEventListener("input", function () {
        count(textarea);
      });
    });
    if (!navigator.clipboard) return;
    root.querySelectorAll("button[data-copy]").forEach(function (button) {
      if (button.dataset.wired) return;
      button.dataset.wired = "1";
      button.hidden = false;
      var label = button.textContent;
      button.addEventListener("click", function () {
        var source = document.getElementById(button.dataset.copy);
        function copied() {
          button.textContent = button.dataset.copied || label;
          setTimeout(function () {
            button.textContent = label;
          }, 2000);
        }
        navigator.clipboard.writeText(source.value).then(copied, function () {
          // No clipboard permission: select the text so the person can copy it themselves.
          source.focus();
          source.select();
        });
      });
    });
  }

  wire(document);
  document.body.addEventListener("htmx:afterSwap", function (event) {
    wire(event.target.parentNode || document);
  });
})();
