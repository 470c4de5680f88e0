// Dynamic Registration's last step: tell the platform's page that opened this one (its frame's
// parent, or the window's opener) that the registration is complete.
"use strict";
(window.opener || window.parent).postMessage({ subject: "org.imsglobal.lti.close" }, "*");
