package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"go.yaml.in/yaml/v3"

	"github.com/vigilhealth/vigil/internal/sigma"
	"github.com/vigilhealth/vigil/rules"
)

// loadRules loads the rule files at paths, or Vigil's own pack when there
// are none.
func loadRules(paths []string, placeholders string) (*sigma.Set, error) {
	opts, err := sigmaOptions(placeholders)
	if err != nil {
		return nil, err
	}
	return rules.Load(paths, opts)
}

// sigmaOptions reads a placeholder file: a YAML map from placeholder name
// (without the % signs) to its list of values, as used by |expand.
func sigmaOptions(path string) (sigma.Options, error) {
	var opts sigma.Options
	if path == "" {
		return opts, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return opts, fmt.Errorf("placeholders: %w", err)
	}
	if err := yaml.Unmarshal(data, &opts.Placeholders); err != nil {
		return opts, fmt.Errorf("placeholders %s: want a map of name to list of values: %w", path, err)
	}
	return opts, nil
}

func rulesCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "check" {
		return usageErr("want: vigil rules check [--format text|json] PATH...")
	}
	fs := flag.NewFlagSet("rules check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: text or json")
	placeholders := fs.String("placeholders", "", "YAML file of placeholder values for the expand modifier")
	strict := fs.Bool("strict", false, "exit with status 1 when any rule is refused")
	paths, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usageErr("unknown format %q (want text or json)", *format)
	}
	if len(paths) == 0 {
		return usageErr("name at least one rule file or folder")
	}
	set, err := loadRules(paths, *placeholders)
	if err != nil {
		return err
	}
	loaded := len(set.Rules) + len(set.Correlations)
	if *format == "json" {
		err = writeCheckJSON(stdout, loaded, set.Refused)
	} else {
		writeCheckText(stdout, loaded, set.Refused)
	}
	if err != nil {
		return err
	}
	if *strict && len(set.Refused) > 0 {
		return errFindings
	}
	return nil
}

type refusedJSON struct {
	Path  string `json:"path"`
	Line  int    `json:"line,omitempty"`
	Error string `json:"error"`
}

func writeCheckJSON(w io.Writer, loaded int, refused []sigma.Refusal) error {
	out := struct {
		Loaded  int           `json:"loaded"`
		Refused []refusedJSON `json:"refused"`
	}{Loaded: loaded, Refused: []refusedJSON{}}
	for _, r := range refused {
		out.Refused = append(out.Refused, refusedJSON{Path: r.Path, Line: r.Line, Error: r.Err.Error()})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writeCheckText(w io.Writer, loaded int, refused []sigma.Refusal) {
	for _, r := range refused {
		fmt.Fprintf(w, "refused  %s\n", r.Error())
	}
	fmt.Fprintf(w, "%d rules loaded, %d refused\n", loaded, len(refused))
}
