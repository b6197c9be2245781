// Package browsertest holds the console's end-to-end tests: a real Vigil
// service, fed the demo trust's traffic and attacks, driven through its
// pages in a real headless Chromium (Debian's chromium, over the Chrome
// DevTools Protocol with chromedp). The tests log in (with a local account
// and through an OpenID provider), triage the attack, work a privacy case,
// check that each role sees only what it may, and that the browser's
// security holds (CSRF, logout). Each page's screenshot is checked, and
// written to docs/console-*.png when VIGIL_SCREENSHOTS names a folder
// (docs/testing.md). There is no code here outside the tests.
package browsertest
