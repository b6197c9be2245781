// Package assure models the NCSC Cyber Assessment Framework (CAF), the
// basis of the NHS Data Security and Protection Toolkit: objectives,
// principles, contributing outcomes and their indicators of good practice,
// loaded from the framework's YAML form. It rolls indicator answers up into
// an outcome status the way the CAF says, and compares the result with a
// target profile, so that a board sees where the organisation stands.
package assure
