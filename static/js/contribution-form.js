// Contribution form: show only the fields that belong to the chosen kind (hours for staff hours, an
// amount for the other kinds, funder and budget code for money). Without JavaScript every field shows.
(function () {
  "use strict";
  var FIELDS = {
    staff_hours: ["hours"],
    money: ["amount", "funder", "budget_code"],
  };
  var OPTIONAL = ["hours", "amount", "funder", "budget_code"];
  var REQUIRED_WHEN_SHOWN = ["hours", "amount"];

  function update(select) {
    var shown = FIELDS[select.value] || ["amount"];
    OPTIONAL.forEach(function (name) {
      var wrapper = document.querySelector('[data-kind-field="' + name + '"]');
      if (wrapper) {
        wrapper.hidden = shown.indexOf(name) === -1;
        var input = wrapper.querySelector("input, select, textarea");
        if (input && REQUIRED_WHEN_SHOWN.indexOf(name) !== -1) {
          input.setAttribute("aria-required", wrapper.hidden ? "false" : "true");
        }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var select = document.querySelector('select[name="kind"]');
    if (!select) {
      return;
    }
    update(select);
    select.addEventListener("change", function () {
      update(select);
    });
  });
})();
