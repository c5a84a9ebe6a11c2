/* A local backup of the open admin change form, so a crash, a lost connection or a refused
 * request (a 400, a 413, a 503) never loses what an editor typed (WordPress and Ghost do this).
 *
 * While the editor types, the form's values are kept in this browser's localStorage, keyed by
 * the form's address. When the form opens and a kept copy differs from it, a notice offers to
 * restore it. The copy is dropped once a save succeeds (the admin's success message shows on
 * the page after it) or when the editor discards it. Progressive enhancement: without
 * JavaScript or localStorage the form works as before. A plain file (no inline script), so it
 * runs under the admin's Content-Security-Policy.
 */
(function () {
  "use strict";

  var PREFIX = "kazcms:form-backup:";
  var SUBMITTED = "kazcms:form-backup:submitted";
  var KEY = PREFIX + window.location.pathname;
  // Not the editor's input: the CSRF token, the formsets' bookkeeping, the list timestamp.
  var SKIPPED = /^(csrfmiddlewaretoken|listed_at|_save|_continue|_addanother)$|-(INITIAL|MIN_NUM|MAX_NUM)_FORMS$/;
  var editors = new Map(); // rich-text textarea -> its prose editor

  document.addEventListener("prose-editor:ready", function (event) {
    editors.set(event.detail.textarea, event.detail.editor);
  });

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; // disabled, or a private window that refuses it
    }
  }

  function changeForm() {
    return document.querySelector("#content-main form[method='post'][id$='_form']");
  }

  function isKept(element) {
    if (!element.name || SKIPPED.test(element.name) || element.disabled) return false;
    return !/^(file|submit|button|reset|image|password)$/.test(element.type);
  }

  function read(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!isKept(element)) return;
      if (element.type === "checkbox" || element.type === "radio") {
        if (element.checked) (values[element.name] = values[element.name] || []).push(element.value);
        else values[element.name] = values[element.name] || [];
      } else if (element.tagName === "SELECT") {
        values[element.name] = Array.prototype.filter
          .call(element.options, function (option) { return option.selected; })
          .map(function (option) { return [option.value, option.text]; });
      } else {
        values[element.name] = element.value;
      }
    });
    return values;
  }

  function sameInput(a, b) {
    // What the editor typed; hidden bookkeeping (ids, the edit token) does not count.
    var form = changeForm();
    return Object.keys(a).every(function (name) {
      var element = form.elements.namedItem(name);
      if (element && element.type === "hidden") return true;
      return JSON.stringify(a[name]) === JSON.stringify(b[name]);
    });
  }

  function addMissingRows(form, values) {
    // Inline rows added before the backup (a new question and answer) are added again.
    Object.keys(values).forEach(function (name) {
      var match = /^(.*)-TOTAL_FORMS$/.exec(name);
      if (!match) return;
      var total = form.elements.namedItem(name);
      var link = document.querySelector("#" + match[1] + "-group .add-row a");
      var missing = Number(values[name]) - Number(total && total.value);
      for (var n = 0; link && n < missing; n++) link.click();
    });
  }

  function write(form, values) {
    addMissingRows(form, values);
    Object.keys(values).forEach(function (name) {
      var value = values[name];
      var elements = form.querySelectorAll('[name="' + CSS.escape(name) + '"]');
      Array.prototype.forEach.call(elements, function (element) {
        if (!isKept(element) || /-TOTAL_FORMS$/.test(name)) return;
        if (element.type === "checkbox" || element.type === "radio") {
          element.checked = value.indexOf(element.value) !== -1;
        } else if (element.tagName === "SELECT") {
          var chosen = value.map(function (pair) { return pair[0]; });
          value.forEach(function (pair) {
            // Autocomplete selects hold only their chosen options: add the kept ones back.
            var known = Array.prototype.some.call(element.options, function (option) {
              return option.value === pair[0];
            });
            if (!known) element.add(new Option(pair[1], pair[0]));
          });
          Array.prototype.forEach.call(element.options, function (option) {
            option.selected = chosen.indexOf(option.value) !== -1;
          });
        } else {
          element.value = value;
          var editor = editors.get(element);
          if (editor) editor.commands.setContent(value); // and the editor updates the field
        }
        element.dispatchEvent(new Event("change", { bubbles: true }));
      });
    });
  }

  function when(savedAt) {
    var date = new Date(savedAt);
    var time = date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    if (date.toDateString() === new Date().toDateString()) return time;
    return date.toLocaleDateString() + " " + time;
  }

  function offer(form, backup, store) {
    var list = document.createElement("ul");
    list.className = "messagelist form-backup";
    var item = document.createElement("li");
    item.className = "warning";
    item.appendChild(
      document.createTextNode("This browser kept changes to this form that were not saved. ")
    );
    var restore = document.createElement("button");
    restore.type = "button";
    restore.className = "button";
    restore.textContent = "Restore unsaved changes from " + when(backup.savedAt);
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "button";
    discard.textContent = "Discard them";
    item.appendChild(restore);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(discard);
    list.appendChild(item);
    form.parentNode.insertBefore(list, form);
    restore.addEventListener("click", function () {
      write(form, backup.values);
      list.remove();
    });
    discard.addEventListener("click", function () {
      store.removeItem(KEY);
      list.remove();
    });
  }

  function start() {
    var store = storage();
    if (!store) return;
    // The page after a save: the admin's success message and no error means it was saved.
    var submitted = window.sessionStorage && sessionStorage.getItem(SUBMITTED);
    if (submitted && !document.querySelector(".errornote, .errorlist")) {
      if (document.querySelector(".messagelist .success")) store.removeItem(submitted);
      sessionStorage.removeItem(SUBMITTED);
    }
    var form = changeForm();
    if (!form) return;
    var backup = null;
    try {
      backup = JSON.parse(store.getItem(KEY) || "null");
    } catch (error) {
      store.removeItem(KEY);
    }
    if (backup && backup.values) {
      if (sameInput(backup.values, read(form))) store.removeItem(KEY);
      else offer(form, backup, store);
    }
    var timer = null;
    function keep() {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        try {
          store.setItem(KEY, JSON.stringify({ savedAt: Date.now(), values: read(form) }));
        } catch (error) {
          // Full (a very long piece): the server-side limits still say what to shorten.
        }
      }, 300);
    }
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    form.addEventListener("submit", function () {
      window.clearTimeout(timer);
      try {
        store.setItem(KEY, JSON.stringify({ savedAt: Date.now(), values: read(form) }));
        if (window.sessionStorage) sessionStorage.setItem(SUBMITTED, KEY);
      } catch (error) {
        // nothing more to do: the request itself carries the input
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
