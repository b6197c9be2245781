// Command vigil is Vigil's one binary: it hunts through log files with Sigma
// rules, checks rule files, serves the live service and searches the events
// it stored.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

const usage = `Vigil: cyber resilience for healthcare organisations.

Usage:
  vigil hunt [--rules PATH]... [--format table|csv|jsonl] [--output FILE]
             [--from T] [--to T] [--min-level L] [--placeholders FILE] PATH...
  vigil rules check [--format text|json] [--placeholders FILE] PATH...
  vigil serve [--data DIR] [--http ADDR] [--rules PATH]... [--config FILE]
  vigil privacy report --patient NHS_NUMBER --staff FILE --adt PATH... --access PATH... [--format fhir|csv|pdf]
  vigil privacy audit --staff FILE --adt PATH... --access PATH... [--vip FILE]
             [--reviews FILE] [--format table|csv|jsonl] [--output FILE] [--min-score N]
  vigil token create --data DIR --role ROLE [--name NAME] | list --data DIR | revoke --data DIR NAME|ID
  vigil user add --data DIR --name NAME --role ROLE [--replace]   (password from the terminal or stdin)
  vigil audit verify --data DIR [--key-file FILE]
  vigil demo [--data DIR] [--http ADDR] [--scenario NAME|all] [--speed X] [--duration D] [--seed N]
  vigil sim care --seed N --size small|medium|large [--staff N --patients N --days N] --out DIR
  vigil search [--data DIR] [--since T] [--until T] [--limit N] [--format table|jsonl] QUERY...
  vigil estate check [--assets FILE.csv] [--events PATH]... [--eol DIR] [--kev FILE] [--at DATE] [--format table|jsonl|csv]
  vigil estate update --kev FILE --eol DIR [--data DIR]
  vigil estate register add|list|approve --data DIR ...
  vigil people import --data DIR|--postgres DSN [--staff FILE] [--training FILE] [--gophish FILE]...
  vigil people pulse-link --data DIR|--postgres DSN --round 2026-Q3
  vigil report board --data DIR [--period 2026-Q3] [--caf FILE] [--assets FILE] --format html|pdf --output FILE
  vigil report staff --data DIR [--month 2026-11] --format html|pdf --output FILE
  vigil assure evidence add [--data DIR|--postgres DSN] --indicators ID,... --summary TEXT --owner NAME [--attachment FILE|URL] ...
  vigil assure evidence list [--data DIR|--postgres DSN] [--format table|jsonl]

Run "vigil COMMAND -h" for the options of a command.
`

// usageError is an error in how the command was called (exit code 2).
type usageError string

func (e usageError) Error() string { return string(e) }

func usageErr(format string, a ...any) error { return usageError(fmt.Sprintf(format, a...)) }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "hunt":
		err = huntCmd(args[1:], stdout, stderr)
	case "rules":
		err = rulesCmd(args[1:], stdout, stderr)
	case "serve":
		err = serveCmd(args[1:], stdout, stderr)
	case "demo":
		err = demoCmd(args[1:], stdout, stderr)
	case "privacy":
		err = privacyCmd(args[1:], stdout, stderr)
	case "sim":
		err = simCmd(args[1:], stdout, stderr)
	case "search":
		return searchMain(args[1:], stdout, stderr)
	case "estate":
		err = estateCmd(args[1:], stdout, stderr)
	case "people":
		err = peopleCmd(args[1:], stdout, stderr)
	case "token":
		err = tokenCmd(args[1:], stdout, stderr)
	case "user":
		err = userCmd(args[1:], os.Stdin, stdout, stderr)
	case "audit":
		err = auditCmd(args[1:], stdout, stderr)
	case "report":
		err = reportCmd(args[1:], stdout, stderr)
	case "assure":
		err = assureCmd(args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "vigil: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(usageError)):
		fmt.Fprintf(stderr, "vigil %s: %v\n", args[0], err)
		return 2
	case errors.Is(err, errFindings):
		return 1
	default:
		fmt.Fprintf(stderr, "vigil %s: %v\n", args[0], err)
		return 1
	}
}

// errFindings reports a run that worked but found what it was asked to fail
// on; the details are already printed.
var errFindings = errors.New("findings")

// parseInterleaved parses flags that may come before, between or after the
// positional arguments, as people type them ("vigil hunt logs/ --format csv").
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }
