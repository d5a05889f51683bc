// A fan's page is cached for everyone, so it holds a generic Follow link. This swaps in
// the visitor's own button (Follow, Following ✓) and makes following one click, in place.
// Without it, the link leads to a confirmation page that works without any script.
(function () {
  var box = document.getElementById("follow-box");
  if (!box || !window.fetch || !box.dataset.src) return;
  var headers = { "HX-Request": "true" };

  function swap(html) {
    var holder = document.createElement("template");
    holder.innerHTML = html.trim();
    var fresh = holder.content.firstElementChild;
    if (!fresh) return;
    box.replaceWith(fresh);
    box = fresh;
    bind();
  }

  function bind() {
    var form = box.querySelector("form");
    if (!form) return;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button");
      if (button) button.disabled = true;
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: headers,
        credentials: "same-origin",
      })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.text();
        })
        .then(swap)
        .catch(function () {
          form.submit(); // the page answers without script too
        });
    });
  }

  fetch(box.dataset.src, { headers: headers, credentials: "same-origin" })
    .then(function (response) {
      return response.ok ? response.text() : null;
    })
    .then(function (html) {
      if (html) swap(html);
    });
})();
