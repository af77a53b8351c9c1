// The web chat's page (docs/chat.md). htmx's SSE extension swaps the stream's events in;
// this keeps the stream's address at the last message shown, so when the extension opens
// a new connection (after an error) the server sends what came since and nothing twice;
// drops a message already on the page; and after a post that went through, empties the
// form and gives it a new post id (a post that failed keeps its id: sent again, it is
// taken once).
(function () {
  "use strict";

  function newPostId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  document.addEventListener("htmx:sseBeforeMessage", function (event) {
    var message = event.detail;
    if (!message || message.type !== "message" || !message.lastEventId) {
      return;
    }
    if (document.getElementById("chat-m-" + message.lastEventId)) {
      event.preventDefault();
      return;
    }
    var source = event.target.closest("[sse-connect]");
    if (source) {
      var url = source.getAttribute("sse-connect").replace(/after=\d+/, "after=" + message.lastEventId);
      source.setAttribute("sse-connect", url);
    }
  });

  document.addEventListener("htmx:sseMessage", function (event) {
    var transcript = document.getElementById("chat-transcript");
    if (transcript && event.detail && event.detail.type === "message") {
      transcript.lastElementChild && transcript.lastElementChild.scrollIntoView({block: "nearest"});
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form.chat-post")) {
      return;
    }
    var error = form.querySelector(".chat-error");
    var xhr = event.detail.xhr;
    if (event.detail.successful) {
      form.reset();
      form.querySelector("[name=post_id]").value = newPostId();
      error.textContent = xhr.status === 200 ? xhr.responseText : "";
    } else {
      error.textContent = (xhr && xhr.responseText) || form.dataset.failed || "";
    }
  });
})();
