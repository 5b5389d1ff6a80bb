// Small page behaviours, kept out of the HTML because the Content-Security-Policy allows no inline
// script and no onclick: an element asks for one with a data attribute.
//   data-print                         the button prints the page
//   data-set-selects="<selector>"      sets every matching <select> of the button's form
//   data-value="<value>"               … to this value
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
