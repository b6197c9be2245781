// Package rules is Vigil's own Sigma rule pack for healthcare organisations:
// detections for the ransomware precursors seen in NHS incidents (WannaCry in
// 2017, the LockBit attack on Advanced in 2022, the Qilin attack on Synnovis
// in 2024) and correlations over them. The pack is embedded so that the
// binary ships it; docs/rules.md describes each rule.
package rules

import "embed"

// FS holds the pack as Sigma 2.1 YAML files: detection rules under windows/,
// in one folder per log source, and correlation rules under correlation/.
// Correlations refer to detection rules by name across files, so load the
// whole pack into one rule set before building correlations.
//
//go:embed windows correlation
var FS embed.FS
