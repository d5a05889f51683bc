// "Share": the device's share sheet (Web Share API) where there is one, otherwise the
// page's address copied to the clipboard. Hidden when neither is possible.
(function () {
  document.querySelectorAll("button[data-share]").forEach(function (button) {
    var url = button.dataset.share;
    var title = button.dataset.shareTitle || document.title;
    if (!navigator.share && !navigator.clipboard) return;
    button.hidden = false;
    var label = button.textContent;
    button.addEventListener("click", function () {
      if (navigator.share) {
        navigator.share({ title: title, url: url }).catch(function () {});
        return;
      }
      navigator.clipboard.writeText(url).then(function () {
        button.textContent = button.dataset.copied || label;
        setTimeout(function () {
          button.textContent = label;
        }, 2000);
      });
    });
  });
})();
