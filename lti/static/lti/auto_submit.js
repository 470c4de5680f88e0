// Sends a form marked data-auto-submit as soon as the page is read (the deep-linking
// response back to the platform); its button stays for browsers without scripts.
"use strict";
document.querySelectorAll("form[data-auto-submit]").forEach((form) => form.submit());
