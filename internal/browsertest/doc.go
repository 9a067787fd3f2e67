// Package browsertest drives the real public form and the staff console in
// headless Chromium (chromedp): the local handler over a real SQLite store
// on a loopback test server, a phone-sized viewport for the form with
// JavaScript on and off, and the console's sign-in, filters, triage,
// export and summaries (汇总). Screenshots go to $JIANYAN_ARTIFACTS (default: a temporary
// directory) for people to look at.
//
// Without Chromium the tests skip, unless JIANYAN_REQUIRE_TOOLS=1,
// when they fail.
package browsertest
