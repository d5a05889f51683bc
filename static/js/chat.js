// Assistant chat: send without a page load and stream the answer as it is written.
// Without JavaScript the form posts normally and the page shows the full answer.
(function () {
  "use strict";
  var form = document.getElementById("chat-form");
  var list = document.getElementById("chat-messages");
  var status = document.getElementById("chat-status");
  if (!form || !list || !window.EventSource || !window.fetch) return;
  var textarea = form.querySelector("textarea");
  var button = form.querySelector("button[type=submit]");

  function bubble(role, text) {
    var empty = list.querySelector(".chat-empty");
    if (empty) empty.remove();
    var item = document.createElement("li");
    item.className = "bubble bubble-" + role;
    item.textContent = text;
    list.appendChild(item);
    item.scrollIntoView({ block: "end" });
    return item;
  }

  // The streamed answer gets the same "Save to library" form the page renders.
  function addSave(bubbleItem, url) {
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    var save = document.createElement("form");
    save.method = "post";
    save.action = url;
    save.className = "bubble-actions";
    if (token) save.appendChild(token.cloneNode());
    var saveButton = document.createElement("button");
    saveButton.type = "submit";
    saveButton.className = "link-button small";
    saveButton.textContent = form.dataset.saveLabel || "Save to library";
    save.appendChild(saveButton);
    bubbleItem.appendChild(save);
  }

  function stream(url, target, conversationUrl) {
    status.textContent = form.dataset.writing || "Writing…";
    var source = new EventSource(url);
    source.addEventListener("delta", function (event) {
      target.textContent += JSON.parse(event.data);
    });
    source.addEventListener("done", function (event) {
      source.close();
      var data = event.data ? JSON.parse(event.data) : {};
      if (data.save_url) addSave(target, data.save_url);
      status.textContent = "";
      button.disabled = false;
      if (conversationUrl && window.location.pathname !== conversationUrl) {
        window.history.replaceState(null, "", conversationUrl);
        form.action = conversationUrl;
      }
    });
    source.addEventListener("error", function (event) {
      source.close();
      button.disabled = false;
      status.textContent = "";
      target.classList.add("bubble-error");
      target.textContent = event.data ? JSON.parse(event.data) : "The connection was lost. Reload to see the answer.";
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = textarea.value.trim();
    if (!text) { textarea.focus(); return; }
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    })
      .then(function (response) { return response.json().then(function (data) { return [response, data]; }); })
      .then(function (pair) {
        var response = pair[0], data = pair[1];
        if (!response.ok) {
          button.disabled = false;
          status.textContent = (data.errors || ["Something went wrong."]).join(" ");
          return;
        }
        bubble("user", data.question);
        textarea.value = "";
        stream(data.stream_url, bubble("assistant", ""), data.conversation_url);
      })
      .catch(function () {
        button.disabled = false;
        status.textContent = "The message could not be sent. Check your connection.";
      });
  });

  var resume = document.querySelector("form[data-chat-resume]");
  if (resume) {
    resume.addEventListener("submit", function (event) {
      event.preventDefault();
      var url = resume.dataset.chatResume;
      resume.remove();
      button.disabled = true;
      stream(url, bubble("assistant", ""), null);
    });
  }
})();
