// Place fields (app/web/places.py): suggests UN/LOCODE places as one types, as an ARIA 1.2
// combobox with a list box. Without this script the field is a plain text box and the
// server matches a typed name to its code, so nothing depends on it. No inline styles or
// handlers (the CSP forbids them): classes and listeners only.
(function () {
  "use strict";
  if (typeof window.fetch !== "function") { return; }
  var DELAY_MS = 200;
  var counter = 0;

  function setup(input) {
    counter += 1;
    var listId = "place-list-" + counter;
    var statusId = "place-status-" + counter;
    var wrapper = document.createElement("div");
    wrapper.className = "position-relative";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "dropdown-menu w-100 place-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.labels && input.labels[0] ? input.labels[0].textContent : "");
    wrapper.appendChild(list);
    var status = document.createElement("div");
    status.id = statusId;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    wrapper.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var timer = null;
    var active = -1;
    var places = [];
    var asked = "";

    function close() {
      list.classList.remove("show");
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var items = list.querySelectorAll("[role=option]");
      for (var i = 0; i < items.length; i += 1) {
        var on = i === index;
        items[i].classList.toggle("active", on);
        items[i].setAttribute("aria-selected", on ? "true" : "false");
      }
      active = index;
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var place = places[index];
      if (!place) { return; }
      input.value = place.label;
      close();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function show(found) {
      places = found;
      list.textContent = "";
      if (!found.length) {
        status.textContent = input.dataset.noMatch || "";
        close();
        return;
      }
      found.forEach(function (place, index) {
        var item = document.createElement("li");
        item.id = listId + "-" + index;
        item.className = "dropdown-item text-wrap";
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.textContent = place.name + (place.local_name ? " · " + place.local_name : "");
        var code = document.createElement("span");
        code.className = "text-muted ms-2 text-nowrap";
        code.textContent = place.code + " · " + place.country;
        item.appendChild(name);
        item.appendChild(document.createTextNode(" "));  // a pause for screen readers
        item.appendChild(code);
        // mousedown, not click: the input's blur would close the list first.
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(index);
        });
        list.appendChild(item);
      });
      list.classList.add("show");
      input.setAttribute("aria-expanded", "true");
      status.textContent = (input.dataset.count || "").replace("%(count)s", String(found.length));
      highlight(-1);
    }

    function ask() {
      var text = input.value.trim();
      if (text.length < 2) { close(); return; }
      if (text === asked) { return; }
      asked = text;
      var url = input.dataset.placeSearch + "?q=" + encodeURIComponent(text) +
        "&ports=" + (input.dataset.ports || "0");
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok || response.redirected) { throw new Error("status " + response.status); }
          return response.json();
        })
        .then(function (body) {
          if (input.value.trim() === text) { show(body.places || []); }
        })
        .catch(function () { close(); });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      var open = list.classList.contains("show");
      if (event.key === "ArrowDown") {
        if (!open && places.length) { show(places); }
        highlight(Math.min(active + 1, places.length - 1));
        event.preventDefault();
      } else if (event.key === "ArrowUp") {
        highlight(Math.max(active - 1, 0));
        event.preventDefault();
      } else if (event.key === "Enter" && open && active >= 0) {
        choose(active);
        event.preventDefault();
      } else if (event.key === "Escape" && open) {
        close();
        event.preventDefault();
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 100); });
  }

  var inputs = document.querySelectorAll("input[data-place-search]");
  for (var i = 0; i < inputs.length; i += 1) { setup(inputs[i]); }
})();
