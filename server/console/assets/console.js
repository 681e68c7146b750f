// Marks the page as able to run the design system's scripts (the NHS.UK template does this inline;
// the console's CSP allows no inline script, so it is this file instead).
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' nhsuk-frontend-supported' : '');
