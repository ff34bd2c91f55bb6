/* Maillage's own behaviour, as a file: the Content Security Policy allows no inline script, no on…=
   handler and no hx-on attribute (settings.CONTENT_SECURITY_POLICY). */
(function () {
  "use strict";
  // <form data-reset-after="ID">: emptied once htmx has drawn a successful answer into #ID
  // (the tree's root node form, ready for the next node instead of keeping the one just added).
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.resetAfter) return;
    var target = event.detail.target;
    if (event.detail.successful && target && target.id === form.dataset.resetAfter) form.reset();
  });
})();
