package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/vigilhealth/vigil/internal/serve"
)

// serveCmd runs the live service until SIGINT or SIGTERM, then drains.
func serveCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configFile := fs.String("config", "", "YAML configuration file (flags, then VIGIL_* environment variables, override it)")
	data := fs.String("data", serve.DefaultData, "data folder: event log, alerts, quarantine, admin token")
	httpAddr := fs.String("http", serve.DefaultHTTP, "API listen address (HTTPS when tls_cert is set, else plain HTTP)")
	var rulePaths listFlag
	fs.Var(&rulePaths, "rules", "Sigma rule file or folder (repeatable); default: Vigil's own pack")
	udp := fs.String("syslog-udp", "", "syslog UDP listen address, such as :514")
	tcp := fs.String("syslog-tcp", "", "syslog TCP listen address, such as :601")
	var role serve.Role
	fs.TextVar(&role, "role", serve.RoleAll, "what this process runs: all (one process), ingest, detect or api (docs/scale-out.md)")
	// A flag rather than a profiling endpoint, which a production service
	// should not expose: for performance reports (bench/ingest_test.go).
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the service to this file until it stops")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: vigil serve [--role all|ingest|detect|api] [--data DIR] [--http ADDR] [--rules PATH]... [--config FILE]\n\nRun the live service: ingest events, detect as they arrive, serve the API.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	cfg := serve.DefaultConfig()
	if *configFile != "" {
		if err := cfg.LoadConfig(*configFile); err != nil {
			return err
		}
	}
	// Flags override the file only where given, so that the file's values
	// are not replaced by the flags' defaults.
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "data":
			cfg.Data = *data
		case "http":
			cfg.HTTP = *httpAddr
		case "rules":
			cfg.Rules = rulePaths
		case "syslog-udp":
			cfg.Syslog.UDP = *udp
		case "syslog-tcp":
			cfg.Syslog.TCP = *tcp
		case "role":
			cfg.Role = role
		}
	})
	if err := cfg.ApplyEnv(os.Getenv); err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	svc, err := serve.New(cfg, log)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *cpuprofile != "" {
		stopProfile, err := startCPUProfile(*cpuprofile)
		if err != nil {
			return err
		}
		defer stopProfile()
	}
	fmt.Fprintf(stdout, "Vigil is listening on %s\n", svc.APIURL())
	mllp, mllpTLS := svc.MLLPAddrs()
	if mllp != nil {
		fmt.Fprintf(stdout, "HL7 v2 over MLLP on %s\n", mllp)
	}
	if mllpTLS != nil {
		fmt.Fprintf(stdout, "HL7 v2 over MLLP with TLS on %s\n", mllpTLS)
	}
	if p := svc.TokenPath(); p != "" {
		fmt.Fprintf(stdout, "Admin token: in %s (send it as Authorization: Bearer TOKEN)\n", p)
	} else {
		fmt.Fprintln(stdout, "Admin token: as configured (admin_token or VIGIL_ADMIN_TOKEN)")
	}
	return svc.Run(ctx)
}
