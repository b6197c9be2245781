// Package people measures and supports the people side of an
// organisation's cyber security: the staff directory, training records and
// their completion and expiry, phishing reports from staff, phishing
// simulation results in GoPhish's formats, short just-in-time guidance for
// the people an alert names, and an anonymous staff confidence pulse
// weighted to the workforce's make-up.
//
// Importers are all-or-nothing: a malformed file is refused whole, with
// an *ImportError naming the file, the line and the reason. The figures
// (TrainingRollup, CampaignMetrics, PulseResults) are plain values, so
// that the assurance collectors can turn them into evidence for the CAF
// outcomes B6.a (culture) and B6.b (training).
package people
