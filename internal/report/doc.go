// Package report writes the board pack and the staff briefing from the
// data in a Vigil data folder: it gathers the figures (alerts and
// incidents, the events and sources, the estate's support and
// known-exploited vulnerabilities, training and phishing, and the CAF
// assessment built from evidence that internal/assure/collect finds in
// them), and renders them as one self-contained HTML file or as a PDF it
// writes itself.
//
// Every section says where its figures come from and what is missing;
// nothing is estimated or invented. Times are shown in Europe/London.
package report
