// Small page behaviours, kept out of the HTML because the Content-Security-Policy allows no inline
// script and no onclick: an element asks for one with a data attribute.
//   data-print                         the button prints the page
//   data-set-selects="<selector>"      sets every matching <select> of the button's form
//   data-value="<value>"               … to this value
//   data-confirm="<text>"              on a form: asks before money moves; {count} and {total} in the
//   data-confirm-sum="<selector>"      text are the ticked boxes of the form matching the selector and
//                                      the sum of their data-amount (none ticked: says so, sends nothing)
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-print], [data-set-selects]");
    if (!el) return;
    event.preventDefault();
    if (el.hasAttribute("data-print")) {
      window.print();
      return;
    }
    var form = el.form || el.closest("form");
    form.querySelectorAll(el.getAttribute("data-set-selects")).forEach(function (select) {
      select.value = el.getAttribute("data-value") || "";
    });
  });
})();

(function () {
  "use strict";
  function yuan(value) {
    var parts = value.toFixed(2).split(".");
    return parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",") + "." + parts[1];
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var text = form.getAttribute("data-confirm");
    if (!text) return;
    var selector = form.getAttribute("data-confirm-sum");
    if (selector) {
      var ticked = Array.prototype.filter.call(form.querySelectorAll(selector), function (box) {
        return box.checked;
      });
      if (!ticked.length) {
        event.preventDefault();
        window.alert("请先勾选要办理的申领");
        return;
      }
      // Cents as integers: no rounding drift over hundreds of claims.
      var cents = ticked.reduce(function (sum, box) {
        return sum + Math.round(parseFloat(box.getAttribute("data-amount") || "0") * 100);
      }, 0);
      text = text.replace("{count}", String(ticked.length)).replace("{total}", yuan(cents / 100));
    }
    if (!window.confirm(text)) event.preventDefault();
  });
})();

// 18.13: column sorting on long tables. A table marked class="sortable" sorts by a header's column when
// the header is clicked (or Enter on it): again for the other direction. Numbers sort as numbers (with
// thousands separators, %, 万), dates written 2021年7月5日 or 2021-07-05 as dates, the rest in Chinese
// collation. Rows with a colspan (totals, "none" lines) stay at the bottom.
(function () {
  "use strict";
  var DATE = /^(\d{4})(?:年|-)(\d{1,2})(?:月|-)(\d{1,2})日?/;
  function key(cell) {
    var text = (cell ? cell.textContent : "").trim();
    var d = DATE.exec(text);
    if (d) return {n: Number(d[1]) * 10000 + Number(d[2]) * 100 + Number(d[3])};
    var m = /^-?[\d,]+(\.\d+)?\s*(%|万)?/.exec(text);
    if (m && /\d/.test(m[0])) {
      var n = parseFloat(m[0].replace(/[,%万\s]/g, ""));
      if (m[2] === "万") n *= 10000;
      return {n: n};
    }
    return {s: text};
  }
  function compare(a, b) {
    if (a.n !== undefined && b.n !== undefined) return a.n - b.n;
    if (a.n !== undefined) return -1;
    if (b.n !== undefined) return 1;
    if (!a.s) return b.s ? 1 : 0;
    if (!b.s) return -1;
    return a.s.localeCompare(b.s, "zh-Hans-CN");
  }
  // A header with data-sort="<key>" sorts the whole list on the server (?sort=key, again for -key): a
  // paginated table holds one page only, and sorting that page alone would mislead.
  function serverSort(th) {
    var url = new URL(window.location.href);
    var key = th.getAttribute("data-sort");
    url.searchParams.set("sort", url.searchParams.get("sort") === key ? "-" + key : key);
    url.searchParams.delete("page");
    window.location.assign(url.toString());
  }
  function sort(th) {
    if (th.hasAttribute("data-sort")) { serverSort(th); return; }
    var table = th.closest("table");
    var body = table.tBodies[0];
    if (!body) return;
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("thead th[aria-sort]").forEach(function (other) { other.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    var fixed = rows.filter(function (r) { return r.querySelector("td[colspan]"); });
    var movable = rows.filter(function (r) { return !r.querySelector("td[colspan]"); });
    movable.sort(function (a, b) {
      var c = compare(key(a.cells[index]), key(b.cells[index]));
      return ascending ? c : -c;
    });
    movable.concat(fixed).forEach(function (r) { body.appendChild(r); });
  }
  function ready() {
    var current = new URL(window.location.href).searchParams.get("sort") || "";
    document.querySelectorAll("table.sortable thead th").forEach(function (th) {
      if (!th.textContent.trim()) return;
      var key = th.getAttribute("data-sort");
      if (!key && th.closest("table").querySelector("th[data-sort]")) return;  // only the server's keys
      if (key && current.replace(/^-/, "") === key) {
        th.setAttribute("aria-sort", current.charAt(0) === "-" ? "descending" : "ascending");
      }
      th.setAttribute("tabindex", "0");
      th.classList.add("sorts");
      th.setAttribute("title", "点击按此列排序");
    });
  }
  document.addEventListener("click", function (event) {
    var th = event.target.closest("table.sortable thead th.sorts");
    if (th && !event.target.closest("a, button, input, select")) sort(th);
  });
  document.addEventListener("keydown", function (event) {
    var th = event.target.closest && event.target.closest("table.sortable thead th.sorts");
    if (th && event.key === "Enter") sort(th);
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();

// 18.8: a list narrowed to what applies, as the field it follows is filled in.
//   <select data-narrow="within" data-by="region">   options with data-within="<path>" stay offered when
//                                                     the chosen region's data-path starts with it (the
//                                                     class's region or a region above it)
//   <input type=checkbox data-narrow="equal" data-by="occupation_code" data-equal="<code>">
//                                                     the box shows when the typed value equals its code
//                                                     (or it is ticked); the others are one click away,
//                                                     counted by data-hidden-text ("… {n} …")
//   <datalist data-narrow="equal" data-by="occupation_code">   suggests only the options whose data-equal
//                                                     is the typed value (all while it is empty)
(function () {
  "use strict";
  function key(by, mode) {
    if (!by) return "";
    if (mode === "within") {
      var opt = by.selectedOptions && by.selectedOptions[0];
      return (opt && opt.getAttribute("data-path")) || "";
    }
    return (by.value || "").trim();
  }
  function narrowSelect(select) {
    var by = select.form && select.form.elements[select.getAttribute("data-by")];
    var path = key(by, "within");
    Array.prototype.forEach.call(select.options, function (opt) {
      var within = opt.getAttribute("data-within");
      if (within === null) return;
      var off = !!path && path.indexOf(within) !== 0;
      opt.hidden = off;
      opt.disabled = off;
      if (off && opt.selected) select.value = "";
    });
  }
  function narrowBoxes(name, form) {
    var boxes = form.querySelectorAll('input[type=checkbox][data-narrow="equal"][name="' + name + '"]');
    if (!boxes.length) return;
    var value = key(form.elements[boxes[0].getAttribute("data-by")], "equal");
    var list = document.getElementById("id_" + name) || boxes[0].closest("div");
    // "全部显示" holds until the followed value changes.
    var showAll = list.getAttribute("data-show-all") === value;
    var hidden = 0;
    boxes.forEach(function (box) {
      var off = !showAll && !!value && box.getAttribute("data-equal") !== value && !box.checked;
      var row = box.closest("label") ? box.closest("label").parentNode : box;
      row.hidden = off;
      if (off) hidden += 1;
    });
    var note = list.parentNode.querySelector('[data-narrow-note="' + name + '"]');
    if (!note) {
      note = document.createElement("div");
      note.className = "muted small";
      note.setAttribute("data-narrow-note", name);
      note.appendChild(document.createElement("span"));
      var more = document.createElement("button");
      more.type = "button";
      more.className = "link";
      more.textContent = "全部显示";
      // The note is made once: leaving the typed field (its change) re-narrows before this click lands.
      more.addEventListener("click", function () {
        list.setAttribute("data-show-all", key(form.elements[boxes[0].getAttribute("data-by")], "equal"));
        narrowBoxes(name, form);
      });
      note.appendChild(more);
      list.insertAdjacentElement("afterend", note);
    }
    note.hidden = !hidden;
    note.firstChild.textContent = (boxes[0].getAttribute("data-hidden-text") || "另有 {n} 项未列出")
      .replace("{n}", String(hidden)) + " ";
  }
  function narrowList(list) {
    var form = list.closest("form");
    var value = key(form && form.elements[list.getAttribute("data-by")], "equal");
    Array.prototype.forEach.call(list.options, function (opt) {
      opt.disabled = !!value && opt.getAttribute("data-equal") !== value;
    });
  }
  function narrowAll(form) {
    form.querySelectorAll('select[data-narrow="within"]').forEach(narrowSelect);
    form.querySelectorAll('datalist[data-narrow="equal"]').forEach(narrowList);
    var names = {};
    form.querySelectorAll('input[data-narrow="equal"]').forEach(function (box) { names[box.name] = true; });
    Object.keys(names).forEach(function (name) { narrowBoxes(name, form); });
  }
  function follow(event) {
    var field = event.target;
    if (!field.form || !field.name) return;
    if (field.form.querySelector('[data-narrow][data-by="' + field.name + '"]')) narrowAll(field.form);
  }
  document.addEventListener("change", follow);
  document.addEventListener("input", follow);
  function ready() {
    var forms = new Set();
    document.querySelectorAll("[data-narrow]").forEach(function (el) {
      var form = el.form || el.closest("form");
      if (form) forms.add(form);
    });
    forms.forEach(narrowAll);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
