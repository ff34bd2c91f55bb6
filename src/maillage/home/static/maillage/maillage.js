/* Maillage's own behaviour, as a file: the Content Security Policy allows no inline script, no on…=
   handler and no hx-on attribute (settings.CONTENT_SECURITY_POLICY). */
(function () {
  "use strict";
  // <form data-reset-after="ID">: emptied once htmx has drawn a successful answer into #ID, unless that
  // answer or the form shows an error (the tree's root node form, ready for the next node instead of
  // keeping the one just added; the actions list's bulk status form once the statuses are changed).
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.resetAfter) return;
    var target = event.detail.target;
    if (!event.detail.successful || !target || target.id !== form.dataset.resetAfter) return;
    if (form.querySelector(".fr-message--error") || target.querySelector(".fr-message--error")) return;
    form.reset();
  });
  // <button data-remove-closest="tr">: takes away the nearest such element around it (a form opened in a
  // table row, cancelled).
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-remove-closest]") : null;
    if (!button) return;
    var around = button.closest(button.dataset.removeClosest);
    if (around) around.remove();
  });
})();
