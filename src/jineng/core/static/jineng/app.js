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
