// Follows a register ZIP being built: asks the status JSON once a second and updates the bar,
// the line under it and the download link in place. The page renders the same state on the
// server, so it is right before (and without) this script.
(function () {
  "use strict";
  var box = document.getElementById("zip-export");
  if (!box || typeof window.fetch !== "function") { return; }
  var meter = box.querySelector("[role=progressbar]");
  var bar = meter.querySelector(".progress-bar");
  var line = document.getElementById("zip-export-line");
  var error = document.getElementById("zip-export-error");
  var download = document.getElementById("zip-export-download");
  var retry = document.getElementById("zip-export-retry");
  var refresh = document.getElementById("zip-export-refresh");
  var outcome = document.getElementById("zip-export-outcome");
  var POLL_MS = 1000;
  var RETRY_MS = 5000;

  function finished(status) { return status === "done" || status === "failed"; }

  function setPercent(percent) {
    bar.style.width = percent + "%";
    bar.textContent = percent + "%";
    meter.setAttribute("aria-valuenow", String(percent));
  }

  function show(state) {
    setPercent(state.percent);
    line.textContent = state.message;
    box.dataset.status = state.status;
    if (!finished(state.status)) { return; }
    bar.classList.remove("progress-bar-striped", "progress-bar-animated");
    refresh.hidden = true;
    outcome.textContent = state.message;
    if (state.status === "done") {
      bar.classList.add("bg-success");
      download.href = state.download_url;
      download.hidden = false;
      download.focus();
    } else {
      bar.classList.add("bg-danger");
      error.textContent = state.error || "";
      error.hidden = false;
      retry.hidden = false;
    }
  }

  function poll() {
    fetch(box.dataset.statusUrl, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      cache: "no-store"
    })
      .then(function (response) {
        // Sent to the sign-in page (the session ended): stop and offer the page's own link.
        if (response.redirected) { refresh.hidden = false; return null; }
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (state) {
        if (state === null) { return; }
        show(state);
        if (!finished(state.status)) { window.setTimeout(poll, POLL_MS); }
      })
      .catch(function () {
        // A dropped connection or a restarting server: keep the page and try again later.
        window.setTimeout(poll, RETRY_MS);
      });
  }

  setPercent(Number(meter.getAttribute("aria-valuenow")) || 0);
  if (!finished(box.dataset.status)) {
    refresh.hidden = true;  // the script keeps the page current
    window.setTimeout(poll, POLL_MS);
  }
})();
