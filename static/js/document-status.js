// Follows documents being prepared on an order page: asks /documents/states every two
// seconds and swaps "Being prepared…" for the download link (or the failure note) in place,
// so nobody has to reload the page. Stops when none is left to wait for.
(function () {
  "use strict";
  var list = document.getElementById("order-documents");
  if (!list || typeof window.fetch !== "function") { return; }
  var POLL_MS = 2000;
  var RETRY_MS = 6000;
  var MAX_POLLS = 300;  // ten minutes: past that the page's own reload is the answer
  var polls = 0;

  function waiting() {
    return Array.prototype.slice.call(list.querySelectorAll("[data-document-status=rendering]"));
  }

  function settle(item, state) {
    var badge = item.querySelector(".document-preparing");
    item.dataset.documentStatus = state.status === "ready" ? "issued" : state.status;
    if (!badge) { return; }
    if (state.status === "ready") {
      var link = document.createElement("a");
      link.className = "btn btn-sm btn-outline-primary";
      link.href = state.download_url;
      link.setAttribute("download", "");
      link.textContent = list.dataset.downloadLabel;
      badge.replaceWith(link);
    } else if (state.status === "failed") {
      badge.className = "badge text-bg-danger";
      badge.textContent = list.dataset.failedLabel;
    }
  }

  function poll() {
    var items = waiting();
    if (!items.length || polls >= MAX_POLLS) { return; }
    polls += 1;
    var query = items.map(function (item) {
      return "id=" + encodeURIComponent(item.dataset.documentId);
    }).join("&");
    fetch(list.dataset.statesUrl + "?" + query, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      cache: "no-store"
    })
      .then(function (response) {
        if (response.redirected || !response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (answer) {
        items.forEach(function (item) {
          var state = answer.documents[item.dataset.documentId];
          if (state && state.status !== "rendering") { settle(item, state); }
        });
        window.setTimeout(poll, POLL_MS);
      })
      .catch(function () { window.setTimeout(poll, RETRY_MS); });
  }

  if (waiting().length) { window.setTimeout(poll, POLL_MS); }
})();
