// mobiplan — progressive enhancement only: every page works without this script.
// 1. Autosave: forms marked data-autosave save on change; a failed save is shown and retried,
//    and the unsaved form is kept in localStorage until the server acknowledges it.
// 2. Place autocomplete for town fields (data-kind="place").
// 3. Confirmation for destructive buttons (data-confirm).
(function () {
  "use strict";
  // The session's CSRF token, from the page (every state-changing request must carry it).
  function csrfToken() { var m = document.querySelector('meta[name="csrf-token"]'); return m ? m.getAttribute("content") : ""; }
  var DELAY = 700, RETRY_MAX = 30000;

  function statusOf(form) { return form.querySelector(".save-status"); }
  function say(form, text, cls) {
    var s = statusOf(form); if (!s) return;
    s.textContent = text; s.className = "save-status" + (cls ? " " + cls : "");
  }
  // Texts come from the translation files, rendered into <body data-*> by the server.
  function text(key) { return document.body.dataset[key] || ""; }
  function draftKey(form) { return "mobiplan-draft:" + form.action; }

  function setupAutosave(form) {
    var timer = null, inFlight = false, pending = false, retry = 1000, dirty = false;
    var version = form.querySelector("input[name=version]");

    // A draft left by a closed tab or a failed save is offered back, never dropped.
    try {
      var saved = localStorage.getItem(draftKey(form));
      if (saved) {
        var draft = JSON.parse(saved);
        var box = document.createElement("div");
        box.className = "notice"; box.setAttribute("role", "alert");
        box.textContent = text("draftText");
        var restore = document.createElement("button"); restore.type = "button";
        restore.textContent = text("restoreText");
        restore.addEventListener("click", function () {
          draft.forEach(function (pair) {
            // The draft's changes are against the version it was made from: the server merges
            // them onto the newer one, so they never undo what others saved meanwhile.
            if (pair[0] === "version") { if (version) version.value = pair[1]; return; }
            var els = form.querySelectorAll("[name='" + pair[0].replace(/'/g, "") + "']");
            els.forEach(function (el) {
              if (el.type === "checkbox" || el.type === "radio") { el.checked = (el.value === pair[1]) || el.checked; }
              else if (el.type !== "hidden") { el.value = pair[1]; }
            });
          });
          box.remove(); schedule();
        });
        box.appendChild(restore); form.parentNode.insertBefore(box, form);
      }
    } catch (e) { /* storage unavailable: autosave still works */ }

    function pairs() {
      var out = []; new FormData(form).forEach(function (v, k) { out.push([k, String(v)]); }); return out;
    }
    function keepDraft() { try { localStorage.setItem(draftKey(form), JSON.stringify(pairs())); } catch (e) {} }
    function dropDraft() { try { localStorage.removeItem(draftKey(form)); } catch (e) {} }

    // The values of the form's fields by name (a list per name: checkbox groups).
    function byName(list) {
      var m = {}; list.forEach(function (p) { (m[p[0]] = m[p[0]] || []).push(p[1]); }); return m;
    }
    function same(a, b) { return (a || []).slice().sort().join("\u0000") === (b || []).slice().sort().join("\u0000"); }
    // After a merge the server sends the form's values as saved: fields the person has not
    // touched since the save was sent take them, so the form shows what is stored and the
    // next save does not undo the other changes.
    function refresh(sent, values) {
      var was = byName(sent), now = byName(values), seen = {};
      Array.prototype.forEach.call(form.elements, function (el) {
        var n = el.name;
        if (!n || seen[n] || n === "version" || n.charAt(0) === "_" || el.type === "hidden") return;
        seen[n] = true;
        var group = form.querySelectorAll("[name='" + n.replace(/'/g, "") + "']");
        var current = [];
        group.forEach(function (g) {
          if ((g.type === "checkbox" || g.type === "radio")) { if (g.checked) current.push(g.value); }
          else current.push(g.value);
        });
        if (!same(current, was[n]) || same(current, now[n])) return;
        var next = now[n] || [];
        group.forEach(function (g, i) {
          if (g.type === "checkbox" || g.type === "radio") g.checked = next.indexOf(g.value) >= 0;
          else g.value = next[i] != null ? next[i] : "";
        });
      });
    }

    function send() {
      if (inFlight) { pending = true; return; }
      inFlight = true; pending = false;
      say(form, text("savingText"));
      var sent = pairs();
      var body = new URLSearchParams(sent);
      fetch(form.action, { method: "POST", body: body, headers: { "Accept": "application/json", "X-CSRF-Token": csrfToken() }, credentials: "same-origin" })
        .then(function (r) { return r.json().then(function (j) { return { status: r.status, json: j }; }); })
        .then(function (res) {
          inFlight = false;
          var j = res.json;
          if (res.status === 200 && j.ok) {
            retry = 1000; dirty = false;
            if (version) version.value = j.version;
            if (j.values) refresh(sent, j.values);
            var panel = form.querySelector(".conflict-panel"); if (panel) panel.remove();
            dropDraft();
            say(form, j.message + " " + new Date().toLocaleTimeString(document.documentElement.lang || undefined), "");
            Object.keys(j.hints || {}).forEach(function (id) {
              var hint = document.getElementById(id); if (hint) hint.textContent = j.hints[id];
            });
            var live = document.getElementById("live");
            if (live && j.live_html != null) { swapPanels(live, j.live_html); }
            else {
              var panel = document.getElementById("findings");
              if (panel && j.findings_html) { panel.outerHTML = j.findings_html; }
            }
            // What the checker says about this form's fields now, at the fields.
            showFieldErrors(j.field_errors || []);
            // The page's error summary is about the form as it was sent before: it saved now.
            var summary = document.querySelector(".error-summary"); if (summary) summary.remove();
          } else if (res.status === 409) {
            dirty = true;
            say(form, j.message, "conflict");
            showConflict(j);
          } else if (res.status === 422) {
            dirty = true;
            say(form, j.message, "failed");
            showFieldErrors(j.fields || []);
          } else {
            throw new Error("status " + res.status);
          }
          if (pending) schedule();
        })
        .catch(function () {
          inFlight = false; dirty = true; keepDraft();
          say(form, (text("failedText")) + " (" + Math.round(retry / 1000) + " s)", "failed");
          setTimeout(send, retry); retry = Math.min(retry * 2, RETRY_MAX);
        });
    }
    // An answer lists every current field error, so the ones shown before (the server's too)
    // go first; aria-describedby keeps naming only messages that exist.
    function clearFieldErrors() {
      form.querySelectorAll(".error-message").forEach(function (e) {
        if (e.id) describe(document.getElementById(e.id.replace(/-error$/, "")), e.id, false);
        e.remove();
      });
      form.querySelectorAll(".has-error").forEach(function (e) { e.classList.remove("has-error"); });
      form.querySelectorAll("[aria-invalid]").forEach(function (e) {
        // A text over its limit stays marked: its counter says so.
        var counter = document.getElementById(e.id + "-count");
        if (!(counter && counter.classList.contains("over"))) e.removeAttribute("aria-invalid");
      });
    }
    function describe(input, id, on) {
      if (!input) return;
      var ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (x) { return x && x !== id; });
      if (on) ids.push(id);
      if (ids.length) input.setAttribute("aria-describedby", ids.join(" "));
      else input.removeAttribute("aria-describedby");
    }
    function showFieldErrors(fields) {
      clearFieldErrors();
      fields.forEach(function (f) {
        var input = document.getElementById(f.field);
        if (!input || document.getElementById(f.field + "-error")) return;
        var p = document.createElement("p"); p.className = "error-message js-error"; p.textContent = f.message;
        p.id = f.field + "-error";
        var wrap = input.closest(".field") || input.parentNode;
        wrap.classList.add("has-error"); wrap.insertBefore(p, input);
        input.setAttribute("aria-invalid", "true");
        describe(input, p.id, true);
      });
    }
    // The server's panel: each field changed by both, with a choice between the two values,
    // placed first in the form so the choices go with the next save. Choices already made
    // survive a newer panel.
    function showConflict(j) {
      var old = form.querySelector(".conflict-panel"), chosen = {};
      if (old) {
        old.querySelectorAll("input[type=radio]:checked").forEach(function (r) { chosen[r.name] = r.value; });
        old.remove();
      }
      var holder = document.createElement("div"); holder.innerHTML = j.conflict_html || "";
      var panel = holder.firstElementChild; if (!panel) return;
      panel.querySelectorAll("input[type=radio]").forEach(function (r) { if (chosen[r.name] === r.value) r.checked = true; });
      var reload = document.createElement("a"); reload.href = location.pathname; reload.textContent = text("reloadText");
      var p = document.createElement("p"); p.appendChild(reload); panel.appendChild(p);
      form.insertBefore(panel, form.firstChild);
      if (!old) { var h = panel.querySelector("h2"); if (h) { h.tabIndex = -1; h.focus(); } }
    }
    function schedule() { dirty = true; keepDraft(); clearTimeout(timer); timer = setTimeout(send, DELAY); }

    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); send(); });
    window.addEventListener("beforeunload", function (e) { if (dirty || inFlight) { e.preventDefault(); e.returnValue = ""; } });
  }

  // The live column of an editor after a save: each panel's content is replaced in place, so
  // that its aria-live region stays the same element and announces the change; a column whose
  // panels changed (a budget appears once the activity reads) is replaced whole.
  // A "why this number" the reader opened stays open.
  // The length of a long text against the form's limit, as the form counts it (characters,
  // line breaks as one).
  function setupCounter(area) {
    var counter = document.getElementById(area.id + "-count");
    if (!counter) return;
    var out = counter.querySelector(".count-text");
    function update() {
      var n = Array.from(area.value.replace(/\r\n/g, "\n")).length;
      var limit = area.dataset.limit ? Number(area.dataset.limit) : null;
      var over = limit !== null && n > limit;
      var line = counter.dataset.template.replace("{n}", String(n)).replace("{limit}", String(limit));
      out.textContent = over ? line + " " + counter.dataset.over : line;
      counter.classList.toggle("over", over);
      if (over) area.setAttribute("aria-invalid", "true"); else area.removeAttribute("aria-invalid");
    }
    area.addEventListener("input", update);
  }
  document.querySelectorAll("textarea.long").forEach(setupCounter);

  function swapPanels(live, html) {
    var opened = Array.prototype.map.call(live.querySelectorAll("details"), function (d) { return d.open; });
    var next = document.createElement("div"); next.innerHTML = html;
    var parts = Array.prototype.slice.call(next.children);
    var same = parts.length === live.children.length && parts.every(function (el) {
      return el.id && document.getElementById(el.id) && document.getElementById(el.id).parentNode === live;
    });
    if (same) { parts.forEach(function (el) { document.getElementById(el.id).innerHTML = el.innerHTML; }); }
    else { live.innerHTML = html; }
    live.querySelectorAll("details").forEach(function (d, i) { if (opened[i]) d.open = true; });
  }

  function setupPlace(input) {
    var list = document.createElement("ul"); list.className = "suggestions"; list.hidden = true;
    list.id = input.id + "-suggestions"; list.setAttribute("role", "listbox");
    input.setAttribute("role", "combobox"); input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id); input.setAttribute("aria-expanded", "false");
    input.parentNode.insertBefore(list, input.nextSibling);
    // Only the answer to the latest search may open the list, and only while the field has
    // the focus: an answer that arrives after the user moved on (Tab) or typed on is dropped.
    var timer = null, items = [], active = -1, asked = 0;
    var prefix = input.name.replace(/_town$/, "");
    function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; }
    // Diacritics and case aside: "Rīga" typed and "Riga" chosen are the same name.
    function fold(t) { return t.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim(); }
    // A place can be chosen only in a country the form offers (hosts: the eligible ones);
    // never one that would leave the country empty.
    function offered(p) {
      var country = document.getElementById(prefix + "_country");
      if (!country || country.tagName !== "SELECT") return true;
      return Array.prototype.some.call(country.options, function (o) { return o.value === p.country; });
    }
    function choose(p) {
      // The person's own spelling stays when it names the same place.
      if (fold(input.value) !== fold(p.name)) input.value = p.name;
      var set = function (suffix, v) { var el = document.getElementById(prefix + "_" + suffix); if (el) el.value = v; };
      set("country", p.country); set("lat", p.lat.toFixed(5)); set("lon", p.lon.toFixed(5));
      close(); input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    function render() {
      list.innerHTML = "";
      items.forEach(function (p, i) {
        var li = document.createElement("li"); li.setAttribute("role", "option"); li.id = list.id + "-" + i;
        li.textContent = p.display; li.setAttribute("aria-selected", i === active ? "true" : "false");
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(p); });
        list.appendChild(li);
      });
      list.hidden = items.length === 0; input.setAttribute("aria-expanded", String(!list.hidden));
      if (active >= 0) input.setAttribute("aria-activedescendant", list.id + "-" + active);
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim(); if (q.length < 2) { asked++; items = []; render(); return; }
      var country = document.getElementById(prefix + "_country");
      if (country && country.value && q.indexOf(",") < 0) q += "," + country.value;
      var mine = ++asked;
      timer = setTimeout(function () {
        fetch("/api/places?limit=8&q=" + encodeURIComponent(q)).then(function (r) { return r.ok ? r.json() : { places: [] }; })
          .then(function (j) {
            if (mine !== asked || document.activeElement !== input) return;
            items = (j.places || []).filter(offered); active = -1; render();
          }).catch(function () {});
      }, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) return;
      if (e.key === "ArrowDown") { active = Math.min(active + 1, items.length - 1); render(); e.preventDefault(); }
      else if (e.key === "ArrowUp") { active = Math.max(active - 1, 0); render(); e.preventDefault(); }
      else if (e.key === "Enter" && active >= 0) { choose(items[active]); e.preventDefault(); }
      else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  // A control that takes the focus right above a form's sticky save bar is scrolled clear of
  // it (the style sheet's scroll padding covers scrolling, not every way of focusing).
  document.addEventListener("focusin", function (e) {
    var el = e.target, form = el && el.form; if (!form) return;
    var bar = form.querySelector(".actions"); if (!bar || bar.contains(el)) return;
    var r = el.getBoundingClientRect(), b = bar.getBoundingClientRect();
    if (r.bottom > b.top && r.top < b.bottom) window.scrollBy(0, r.bottom - b.top + 8);
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-autosave]").forEach(setupAutosave);
    document.querySelectorAll("input[data-kind=place]").forEach(setupPlace);
    document.querySelectorAll("form[data-confirm]").forEach(function (f) {
      f.addEventListener("submit", function (e) {
        if (!window.confirm(f.dataset.confirm)) { e.preventDefault(); return; }
        // Confirmed here: the server does not ask again on a page of its own.
        if (!f.querySelector("input[name=confirmed]")) {
          var yes = document.createElement("input");
          yes.type = "hidden"; yes.name = "confirmed"; yes.value = "1"; f.appendChild(yes);
        }
      });
    });
    var summary = document.querySelector(".error-summary"); if (summary) summary.focus();
  });
})();
